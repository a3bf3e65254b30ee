import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from talentbase.core.forms import ScopedFilterSet, ScopedModelForm

from .models import (
    CalendarDay,
    CalendarYear,
    CertificateNumberFormat,
    DayKind,
    District,
    Level,
    NationalStandard,
    Occupation,
    OccupationAlias,
    OrganisationKind,
    Sector,
    WorkType,
)


class OccupationForm(ScopedModelForm):
    class Meta:
        model = Occupation
        fields = ["code", "name", "name_en", "name_en_status", "sector", "is_green", "national_standard",
                  "standard_year", "levels",
                  "needs_review", "is_active"]  # fmt: skip


class DistrictForm(ScopedModelForm):
    class Meta:
        model = District
        fields = ["code", "name", "name_en", "name_en_status", "order", "is_active"]


class SectorForm(ScopedModelForm):
    class Meta:
        model = Sector
        fields = ["code", "name", "name_en", "name_en_status", "order"]


class OrganisationKindForm(ScopedModelForm):
    class Meta:
        model = OrganisationKind
        fields = ["code", "name", "order"]


class OccupationAliasForm(ScopedModelForm):
    class Meta:
        model = OccupationAlias
        fields = ["edition", "code", "name", "occupation", "needs_review", "note"]


class WorkTypeForm(ScopedModelForm):
    class Meta:
        model = WorkType
        fields = ["occupation", "name", "is_active"]


class CertificateNumberFormatForm(ScopedModelForm):
    class Meta:
        model = CertificateNumberFormat
        fields = ["code", "name", "kind", "pattern", "length", "description", "example", "fixed_level", "order",
                  "is_active"]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        example, length = cleaned.get("example"), cleaned.get("length")
        if example and length and len(example) != length:
            self.add_error("example", _("示例的长度与“长度”不符"))
        return cleaned


class OccupationFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("名称或编码"), method="search")
    sector = django_filters.ModelChoiceFilter(queryset=Sector.objects.all(), label=_("行业"))
    national_standard = django_filters.ChoiceFilter(choices=NationalStandard.choices, label=_("国家标准"))
    needs_review = django_filters.BooleanFilter(label=_("待市局复核"))
    level = django_filters.ModelChoiceFilter(
        queryset=Level.objects.all(), field_name="levels", label=_("等级")
    )

    class Meta:
        model = Occupation
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


class CalendarYearForm(ScopedModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "source", "note"]


class CalendarDayForm(ScopedModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class CalendarDayFilter(ScopedFilterSet):
    year = django_filters.NumberFilter(field_name="date__year", label=_("年份"))
    kind = django_filters.ChoiceFilter(choices=DayKind.choices, label=_("类型"))

    class Meta:
        model = CalendarDay
        fields = []
