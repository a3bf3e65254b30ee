import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from talentbase.catalog.models import District, Level, Occupation, Sector, WorkType
from talentbase.core import crypto, scoping
from talentbase.core.forms import ScopedFilterSet, ScopedForm
from talentbase.core.roles import Role
from talentbase.orgs.models import Organisation
from talentbase.orgs.validators import normalise_credit_code

from . import protection
from .identity import IdType, normalise_id_number, normalise_name
from .levels import covering
from .models import (
    Education,
    Employment,
    EndReason,
    Gender,
    LevelEntry,
    Person,
    PersonStatus,
    SchoolType,
    TitleGrade,
)
from .search import AgeBand, age_band_condition, name_prefix_condition, persons_having, persons_having_any


class NameField(forms.CharField):
    """A person's name as the registry stores it, so that the form checks (and shows back) that spelling."""

    def to_python(self, value):
        return normalise_name(super().to_python(value))


class PersonForm(ScopedForm):
    full_name = NameField(label=_("姓名"), max_length=50)
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
    occupation = forms.ModelChoiceField(label=_("职业"), queryset=Occupation.objects.filter(is_active=True),
                                        required=False)  # fmt: skip
    work_type = forms.ModelChoiceField(label=_("工种"), required=False, help_text=_("所选职业下的工种"),
                                       queryset=WorkType.objects.filter(is_active=True).select_related("occupation"))  # fmt: skip
    position = forms.CharField(label=_("岗位"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.actor.role == Role.EMPLOYER:
            self.fields.pop("employer")

    def clean(self):
        return clean_work_type(self, super().clean())


def clean_work_type(form, cleaned: dict) -> dict:
    """A work type belongs to the occupation chosen with it."""
    work_type = cleaned.get("work_type")
    if work_type is not None and work_type.occupation_id != getattr(cleaned.get("occupation"), "pk", None):
        form.add_error("work_type", _("工种须属于所选职业"))
    return cleaned


class PersonEditForm(ScopedForm):
    full_name = NameField(label=_("姓名"), max_length=50)
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
    work_type = forms.ModelChoiceField(label=_("工种"), required=False,
                                       queryset=WorkType.objects.filter(is_active=True).select_related("occupation"))  # fmt: skip
    position = forms.CharField(label=_("岗位"), max_length=50, required=False)
    department = forms.CharField(label=_("部门"), max_length=50, required=False)
    start_date = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    site = forms.CharField(label=_("工作地点/项目"), max_length=100, required=False)

    def clean(self):
        return clean_work_type(self, super().clean())


class DepartureForm(ScopedForm):
    end_date = forms.DateField(label=_("离职日期"), widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("最后工作日的次日起不再是本单位在职人员"))  # fmt: skip
    reason = forms.ChoiceField(label=_("离职原因"), choices=[("", "—"), *EndReason.choices])
    note = forms.CharField(label=_("说明"), max_length=200, required=False, help_text=_("原因为“其他”时必填"))


class EmploymentCorrectionForm(EmploymentForm):
    """The employment form without what a correction does not change: the employer (a job at another employer
    is another employment) and the site."""

    employer = None
    site = None
    end_date = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("清空表示仍在职"))  # fmt: skip


class RevealForm(ScopedForm):
    field = forms.ChoiceField(choices=[("id_number", _("证件号码")), ("phone", _("手机号码"))])
    reason = forms.CharField(label=_("查看事由"), max_length=200)


ID_QUERY_CONTEXT = "registry.person.id_query"


@extend_schema_field(OpenApiTypes.INT)
class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of a related record by its id, described as an integer in the OpenAPI schema."""


class PersonFilter(ScopedFilterSet):
    """The person list's filters. Each one is answered from an index (PERFORMANCE.md: nothing that runs per
    page view scans a big table): the name-key range, the ID number's hash, current employments by
    (employer | occupation, end_date) or probed per person by (person, start_date), (status, id); the
    employer's name is read in the small organisation table. Broad filters (an age band, a gender: a
    sixth to a half of all persons) are tested row by row as the list walks its pk or sort index, which
    fills a page after a few hundred rows (registry/search.py).

    The level is read from the level history (``LevelEntry``, confirmed entries covering today) by the same
    subquery forms, over its (rank, occupation) index."""

    q = django_filters.CharFilter(label=_("姓名或拼音"), method="search_name",
                                  help_text=_("姓名开头、拼音或首字母，如“张三”“zhangs”“zs”"))  # fmt: skip
    id_number = django_filters.CharFilter(label=_("证件号码"), method="search_id")
    # The number as it travels in the list's URL: encrypted (see url_safe_query), never in clear.
    idq = django_filters.CharFilter(method="search_id_token", widget=forms.HiddenInput)
    # Typed, not chosen from a list: a city has thousands of employers, too many for a dropdown on every page.
    employer = django_filters.CharFilter(label=_("用人单位"), method="filter_employer",
                                         help_text=_("单位名称中的字词，或统一社会信用代码"))  # fmt: skip
    # The dropdowns read only what their labels show: every list page builds them (bench/http_load.py).
    district = IdChoiceFilter(queryset=District.objects.only("name", "name_en"), label=_("区"),
                              method="filter_district")  # fmt: skip
    sector = IdChoiceFilter(
        queryset=Sector.objects.only("name", "name_en"), label=_("行业"), method="filter_sector"
    )
    occupation = IdChoiceFilter(
        queryset=Occupation.objects.only("code", "name", "name_en"), label=_("职业"), method="filter_occupation",
        help_text=_("现从事该职业，或持有该职业的证书（已核实、今天有效）"),
    )  # fmt: skip
    in_service = django_filters.ChoiceFilter(
        choices=[("yes", _("在职")), ("no", _("离职"))], label=_("在职状态"), method="filter_in_service",
        help_text=_("在职：有您可见的、尚未结束的任职经历"),
    )  # fmt: skip
    level = IdChoiceFilter(
        queryset=Level.objects.exclude(code="apprentice").only("name", "name_en", "rank"),
        label=_("技能等级（含以上）"), method="filter_level",
        help_text=_("今天持有该等级或更高等级（已核实）；选了职业时指该职业"),
    )  # fmt: skip
    age = django_filters.ChoiceFilter(choices=AgeBand.choices, label=_("年龄段"), method="filter_age")
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label=_("性别"))
    status = django_filters.ChoiceFilter(choices=PersonStatus.choices, label=_("状态"))

    class Meta:
        model = Person
        fields = []

    posts_query = True
    # Shown at once; the others are folded (core/views.py: filter_fields).
    primary = ("q", "in_service", "occupation")
    carried_as = {"id_number": "idq"}

    @classmethod
    def url_safe_query(cls, query):
        number = normalise_id_number(query.pop("id_number", [""])[-1] or "")
        if number:
            query["idq"] = crypto.encrypt(number, context=ID_QUERY_CONTEXT)
        return query

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.data.get("idq"):
            self.form.fields["id_number"].help_text = _("正在按证件号码筛选；清除后可重新输入")
        # A district official sees its district's workers only, a sector unit its sectors': the dropdowns
        # offer no choice that can only answer "nobody".
        fields = self.form.fields
        if not scoping.may(self.actor, Employment, "view"):
            del fields["in_service"]  # 在职 is read in the employments, which this role does not see
        elif self.actor.role in (Role.DISTRICT, Role.SECTOR):
            # These roles see the persons working in their district or sectors now: all in service, so 离职
            # could only ever answer "nobody" (after reading every person to find it).
            del fields["in_service"]
        if self.actor.role == Role.DISTRICT:
            fields["district"].queryset = fields["district"].queryset.filter(pk=self.actor.district_id)
        if self.actor.role == Role.SECTOR:
            fields["sector"].queryset = fields["sector"].queryset.filter(pk__in=sorted(self.actor.sector_ids))

    def filter_queryset(self, queryset):
        # A filter refused (a district outside the actor's, which the dropdown no longer offers) shows its
        # reason and no persons, never the persons the other filters would keep.
        if self.is_bound and self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)

    def search_id_token(self, queryset, name, value):
        try:
            number = crypto.decrypt(value, context=ID_QUERY_CONTEXT)
        except crypto.DecryptionError:
            return queryset.none()
        return self.search_id(queryset, "id_number", number)

    def search_name(self, queryset, name, value):
        condition = name_prefix_condition(value)
        return queryset if condition is None else queryset.filter(condition)

    def search_id(self, queryset, name, value):
        number = normalise_id_number(value)
        hashes = [protection.id_number_hash(id_type, number) for id_type in IdType.values]
        return queryset.filter(id_number_hash__in=hashes)

    @staticmethod
    def _currently_employed(queryset, **employment):
        # unscoped: narrows the persons already in scope; the employments themselves are never shown
        return queryset.filter(persons_having(Employment.objects.filter(end_date__isnull=True, **employment)))

    def filter_employer(self, queryset, name, value):
        """Employers whose credit code is the text, or whose name holds it. The organisation table is small
        (10^3–10^4 rows), so reading its names is cheap; the persons are then found by the
        (employer, end_date) index."""
        text = value.strip()
        if not text:
            return queryset
        # unscoped: narrows the persons already in scope to those of the employers named; none is shown
        employers = Organisation.objects.filter(kinds__code="employer").filter(
            Q(credit_code=normalise_credit_code(text)) | Q(name__icontains=text)
        )
        return self._currently_employed(queryset, employer__in=employers.values("pk"))

    def filter_district(self, queryset, name, value):
        return self._currently_employed(queryset, employer__district=value)

    def filter_sector(self, queryset, name, value):
        return self._currently_employed(queryset, employer__sectors=value)

    def filter_occupation(self, queryset, name, value):
        """Who works in the occupation now, or holds a certificate of it: the registration form and the
        roster record no occupation, so a certificate is often the only place it is written."""
        today = timezone.localdate()
        # unscoped: narrows the persons already in scope; the employments are never shown
        working = Employment.objects.filter(end_date__isnull=True, occupation=value)
        # unscoped: narrows the persons already in scope; the entries are never shown
        certified = LevelEntry.objects.filter(covering(today), occupation=value, confirmed=True)
        return queryset.filter(persons_having_any(working, certified))

    def filter_in_service(self, queryset, name, value):
        """在职: a current employment the actor sees (an employer: with itself); 离职: none. An actor who sees
        every employment asks of all 10^6 persons: the flag the employments keep answers from its index,
        where "none" probed each person for an employment that is not there."""
        if scoping.rule_for(Employment).q(self.actor, "view") == scoping.EVERYTHING:
            return queryset.filter(currently_employed=value == "yes")
        current = scoping.visible_to(self.actor, Employment).filter(end_date__isnull=True)
        condition = persons_having(current)
        return queryset.filter(condition if value == "yes" else ~condition)

    def filter_level(self, queryset, name, value):
        today = timezone.localdate()
        # unscoped: narrows the persons already in scope; the entries themselves are never shown
        entries = LevelEntry.objects.filter(covering(today), rank__gte=value.rank, confirmed=True)
        occupation = self.form.cleaned_data.get("occupation") if hasattr(self.form, "cleaned_data") else None
        if occupation is not None:
            entries = entries.filter(occupation=occupation)
        return queryset.filter(persons_having(entries))

    def filter_age(self, queryset, name, value):
        sorted_by_birth_date = (self.data.get("sort") or "").lstrip("-") == "birth_date"
        return queryset.filter(
            age_band_condition(value, timezone.localdate(), sorted_by_birth_date=sorted_by_birth_date)
        )


class TitleForm(ScopedForm):
    name = forms.CharField(label=_("职称名称"), max_length=50)
    grade = forms.ChoiceField(label=_("级别"), choices=TitleGrade.choices)
    specialty = forms.CharField(label=_("专业"), max_length=50, required=False)
    issued_by = forms.CharField(label=_("评审或发证单位"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("取得日期"), widget=forms.DateInput(attrs={"type": "date"}))
    certificate_number = forms.CharField(label=_("证书编号"), max_length=50, required=False)


class EducationForm(ScopedForm):
    school_type = forms.ChoiceField(label=_("类型"), choices=SchoolType.choices)
    school = forms.CharField(label=_("学校或单位"), max_length=100)
    major = forms.CharField(label=_("专业"), max_length=50, required=False)
    trade = forms.ModelChoiceField(label=_("对口职业"), queryset=Occupation.objects.all(), required=False,
                                   help_text=_("专业对口的职业；不对口留空"))  # fmt: skip
    completed_on = forms.DateField(label=_("毕业或期满日期"), widget=forms.DateInput(attrs={"type": "date"}))
    certificate_number = forms.CharField(label=_("证书编号"), max_length=50, required=False)


class MergeForm(ScopedForm):
    duplicate = forms.IntegerField(label=_("重复记录的编号"), min_value=1,
                                   help_text=_("该记录的任职经历和职称并入本记录，然后删除该记录"))  # fmt: skip
    reason = forms.CharField(label=_("合并事由"), max_length=200)


class OwnPhoneForm(ScopedForm):
    """A worker corrects the phone of their own record."""

    phone = forms.CharField(label=_("手机号码"), max_length=30,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
                            help_text=_("11 位手机号码；与他人相同的号码不能用于登录"))  # fmt: skip
