import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from talentbase.catalog.models import District, Occupation
from talentbase.core.forms import ScopedFilterSet, ScopedForm
from talentbase.core.roles import Role
from talentbase.orgs.models import Organisation

from . import protection
from .identity import IdType, normalise_id_number
from .models import Education, Employment, Gender, Person, PersonStatus
from .pinyin import query_key


class PersonForm(ScopedForm):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices, initial=IdType.RIC)
    id_number = forms.CharField(label=_("证件号码"), max_length=40)
    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("居民身份证可不填，系统从证件号码读取"))  # fmt: skip
    gender = forms.ChoiceField(label=_("性别"), choices=[("", "—"), *Gender.choices], required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=30, required=False)
    education = forms.ChoiceField(label=_("学历"), choices=[("", "—"), *Education.choices], required=False)
    employer = forms.ModelChoiceField(
        label=_("用人单位"), queryset=Organisation.objects.filter(kinds__code="employer")
    )
    start_date = forms.DateField(label=_("入职日期"), widget=forms.DateInput(attrs={"type": "date"}))
    position = forms.CharField(label=_("岗位"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.actor.role == Role.EMPLOYER:
            self.fields.pop("employer")


class PersonEditForm(ScopedForm):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号码"), max_length=30, required=False,
                            help_text=_("留空表示删除；如需保留原号码请重新填写"))  # fmt: skip
    education = forms.ChoiceField(label=_("学历"), choices=[("", "—"), *Education.choices], required=False)
    status = forms.ChoiceField(label=_("状态"), choices=PersonStatus.choices)


class EmploymentForm(ScopedForm):
    employer = forms.ModelChoiceField(
        label=_("用人单位"), queryset=Organisation.objects.filter(kinds__code="employer")
    )
    occupation = forms.ModelChoiceField(label=_("职业"), queryset=Occupation.objects.filter(is_active=True),
                                        required=False)  # fmt: skip
    position = forms.CharField(label=_("岗位"), max_length=50, required=False)
    start_date = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    site = forms.CharField(label=_("工作地点/项目"), max_length=100, required=False)


class RevealForm(ScopedForm):
    field = forms.ChoiceField(choices=[("id_number", _("证件号码")), ("phone", _("手机号码"))])
    reason = forms.CharField(label=_("查看事由"), max_length=200)


class PersonFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("姓名或拼音"), method="search_name")
    id_number = django_filters.CharFilter(label=_("证件号码"), method="search_id")
    employer = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(kinds__code="employer"),
        label=_("用人单位"),
        method="filter_employer",
    )
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(), label=_("区"), method="filter_district"
    )
    status = django_filters.ChoiceFilter(choices=PersonStatus.choices, label=_("状态"))

    class Meta:
        model = Person
        fields = []

    def search_name(self, queryset, name, value):
        key = query_key(value)
        condition = Q(full_name__startswith=value.strip())
        if key:
            # Keys are space-separated; a prefix of any of them matches ("zs", "zhangs").
            condition |= Q(name_keys__startswith=key) | Q(name_keys__contains=" " + key)
        return queryset.filter(condition)

    def search_id(self, queryset, name, value):
        number = normalise_id_number(value)
        hashes = [protection.id_number_hash(id_type, number) for id_type in IdType.values]
        return queryset.filter(id_number_hash__in=hashes)

    def filter_employer(self, queryset, name, value):
        return queryset.filter(
            pk__in=Employment.objects.filter(employer=value, end_date__isnull=True).values("person_id")
        )

    def filter_district(self, queryset, name, value):
        current = Employment.objects.filter(employer__district=value, end_date__isnull=True)
        return queryset.filter(pk__in=current.values("person_id"))
