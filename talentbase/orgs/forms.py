import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from talentbase.catalog.models import District, Occupation, OrganisationKind, Sector
from talentbase.core import scoping
from talentbase.core.forms import ScopedFilterSet, ScopedForm, ScopedModelForm
from talentbase.core.roles import Role

from .models import EvaluationFiling, FilingState, InstitutionType, Numbering, Organisation
from .validators import normalise_credit_code


class OrganisationForm(ScopedModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "credit_code", "kinds", "district", "sectors", "address",
                  "contact_name", "contact_phone", "is_active"]  # fmt: skip
        widgets = {"kinds": forms.CheckboxSelectMultiple, "sectors": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        role = self.actor.role
        if role == Role.DISTRICT:
            # A district registers employers and training bodies in its own district only.
            self.fields.pop("district")
            self.fields["kinds"].queryset = scoping.visible_to(
                self.actor, OrganisationKind.objects.filter(code__in=["employer", "training_institution"])
            )
        elif role not in (Role.CITY, Role.SYSTEM_ADMIN):
            # An organisation keeps its own details up to date, but not what it is or where.
            for name in ("name", "credit_code", "kinds", "district", "sectors", "is_active"):
                self.fields.pop(name)

    def clean_credit_code(self):
        return normalise_credit_code(self.cleaned_data.get("credit_code") or "") or None


class OrganisationFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("名称或信用代码"), method="search")
    kind = django_filters.ModelChoiceFilter(
        queryset=OrganisationKind.objects.all(), field_name="kinds", label=_("单位类型"), distinct=True
    )
    district = django_filters.ModelChoiceFilter(queryset=District.objects.all(), label=_("所在区"))
    sector = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.all(), field_name="sectors", label=_("行业"), distinct=True
    )
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = Organisation
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value)
            | Q(short_name__icontains=value)
            | Q(credit_code=normalise_credit_code(value))
        )


class FilingForm(ScopedModelForm):
    class Meta:
        model = EvaluationFiling
        fields = ["occupation", "levels", "filing_number", "valid_from", "valid_to", "institution_type",
                  "ministry_code", "province_code", "site_serial", "numbering"]  # fmt: skip
        widgets = {
            "levels": forms.CheckboxSelectMultiple,
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = scoping.visible_to(self.actor, Occupation.objects.filter(is_active=True))
        self.fields["levels"].queryset = self.fields["levels"].queryset.exclude(national_number=None)
        if self.actor.role == Role.HR:
            for name in ("occupation", "levels"):
                self.fields.pop(name)
        else:
            for name in FileForm.decided:
                self.fields.pop(name)


class FileForm(ScopedForm):
    """What 予以备案 decides: the filing number, the validity of the filing and what certificate numbering
    needs (DOMAIN.md §8: type, 人社部 code, province, site serial; numbered here or by the HR system)."""

    filing_number = forms.CharField(label=_("备案编号"), max_length=40, required=False)
    valid_from = forms.DateField(label=_("有效期起"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("有效期止"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    institution_type = forms.ChoiceField(label=_("机构类型"), choices=[("", "---------"), *InstitutionType.choices],
                                         required=False)  # fmt: skip
    ministry_code = forms.RegexField(label=_("人社部机构代码"), regex=r"^\d{4}$", max_length=4, required=False,
                                     error_messages={"invalid": _("人社部机构代码为 4 位数字")},
                                     help_text=_("在省级人社部门备案的机构为 0000"))  # fmt: skip
    province_code = forms.RegexField(label=_("省份代码"), regex=r"^\d{2}$", max_length=2, required=False,
                                     error_messages={"invalid": _("省份代码为 2 位数字")})  # fmt: skip
    site_serial = forms.RegexField(label=_("站点序号"), regex=r"^\d{6}$", max_length=6, required=False,
                                   error_messages={"invalid": _("站点序号为 6 位数字")},
                                   help_text=_("省级人社部门给出的 6 位机构（站点）序号"))  # fmt: skip
    numbering = forms.ChoiceField(label=_("证书编号方式"), choices=Numbering.choices, required=False)
    comment = forms.CharField(label=_("意见"), max_length=1000, required=False)
    decided = ("filing_number", "valid_from", "valid_to", "institution_type", "ministry_code", "province_code",
               "site_serial", "numbering")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        filing = self.subject
        for name in self.decided:
            self.fields[name].widget.attrs["required"] = True
            if filing is not None:
                self.fields[name].initial = getattr(filing, name)

    def clean(self):
        cleaned = super().clean()
        # What HR already noted on the filing stands unless the decision gives another value (the API may
        # press 予以备案 on a filing whose number was noted on its edit page).
        for name in self.decided:
            if cleaned.get(name) in (None, "") and self.subject is not None:
                cleaned[name] = getattr(self.subject, name)
            if cleaned.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, _("予以备案须填写此项"))
        return cleaned


class FilingFilter(ScopedFilterSet):
    state = django_filters.ChoiceFilter(choices=FilingState.choices, label=_("状态"))
    occupation = django_filters.ModelChoiceFilter(queryset=Occupation.objects.all(), label=_("职业"))
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(), label=_("评价机构"))

    class Meta:
        model = EvaluationFiling
        fields = []
