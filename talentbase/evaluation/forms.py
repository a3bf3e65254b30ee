import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from talentbase.catalog.models import Level, Occupation
from talentbase.core import scoping
from talentbase.core.forms import ScopedFilterSet, ScopedForm, ScopedModelForm
from talentbase.orgs.models import Organisation

from .models import (
    EXAMINING_DUTIES,
    SUPERVISING_DUTIES,
    Application,
    ApplicationKind,
    ApplicationState,
    AvoidanceRule,
    EligibilityPath,
    EvaluationPlan,
    EvaluationSession,
    ExaminerQualification,
    ExchangeLayout,
    Generation,
    PlanLine,
    PlanState,
    PublicityRule,
    RelationKind,
    ScorePart,
    SessionState,
    StaffingRule,
    StandardKind,
    StandardVersion,
    Target,
    VersionLevel,
    VersionState,
)

DATE = {"type": "date"}


class VersionForm(ScopedModelForm):
    class Meta:
        model = StandardVersion
        fields = ["occupation", "title", "code", "generation", "published_on", "exam_structure"]
        widgets = {"published_on": forms.DateInput(attrs=DATE), "exam_structure": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = scoping.visible_to(self.actor, Occupation.objects.filter(is_active=True))
        if self.instance.pk:
            # What the version is of, and the template its rules were copied from, are fixed once drafted.
            for name in ("occupation", "generation"):
                self.fields.pop(name)
        else:
            self.fields["generation"].initial = Generation.T2023


class VersionLevelForm(ScopedModelForm):
    class Meta:
        model = VersionLevel
        fields = ["level", "knowledge", "skills", "theory_weight", "skill_weight", "has_review",
                  "theory_before_practical", "pass_mark", "kept_years"]  # fmt: skip
        widgets = {"knowledge": forms.Textarea(attrs={"rows": 4}), "skills": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = scoping.visible_to(self.actor, Level.objects.exclude(national_number=None))
        if self.instance.pk:
            self.fields.pop("level")


class EligibilityPathForm(ScopedModelForm):
    class Meta:
        model = EligibilityPath
        fields = ["level", "order", "description", "required_level", "years", "years_since_level", "school",
                  "major_in_trade", "apprenticeship", "title_grade", "min_age", "needs_review"]  # fmt: skip

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        version = version or (self.instance.version if self.instance.pk else None)
        if version is not None:
            self.fields["level"].queryset = scoping.visible_to(
                self.actor, Level.objects.filter(pk__in=version.levels.values("level_id"))
            )
        self.fields["required_level"].queryset = scoping.visible_to(self.actor, Level.objects.exclude(national_number=None))


class FileVersionForm(ScopedForm):
    """What HR decides when it files a norm: its filing number and the date it is in force from."""

    hr_filing_number = forms.CharField(label=_("人社备案编号"), max_length=50)
    effective_from = forms.DateField(label=_("施行日期"), widget=forms.DateInput(attrs=DATE))
    comment = forms.CharField(label=_("意见"), max_length=1000, required=False)


class PublishVersionForm(ScopedForm):
    effective_from = forms.DateField(label=_("施行日期"), widget=forms.DateInput(attrs=DATE))
    comment = forms.CharField(label=_("意见"), max_length=1000, required=False)


class VersionFilter(ScopedFilterSet):
    occupation = django_filters.ModelChoiceFilter(queryset=Occupation.objects.all(), label=_("职业"))
    kind = django_filters.ChoiceFilter(choices=StandardKind.choices, label=_("类型"))
    state = django_filters.ChoiceFilter(choices=VersionState.choices, label=_("状态"))

    class Meta:
        model = StandardVersion
        fields = []


class PlanForm(ScopedModelForm):
    class Meta:
        model = EvaluationPlan
        fields = ["year", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("year")


class PlanLineForm(ScopedModelForm):
    class Meta:
        model = PlanLine
        fields = ["occupation", "level", "month", "planned_candidates", "note"]

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = scoping.visible_to(self.actor, Occupation.objects.filter(is_active=True))
        self.fields["level"].queryset = scoping.visible_to(self.actor, Level.objects.exclude(national_number=None))
        self.fields["month"].widget = forms.Select(choices=[(m, _("%(month)s月") % {"month": m}) for m in range(1, 13)],
                                                   attrs={"class": "form-select"})  # fmt: skip


class PlanFilter(ScopedFilterSet):
    year = django_filters.NumberFilter(label=_("年度"))
    state = django_filters.ChoiceFilter(choices=PlanState.choices, label=_("状态"))

    class Meta:
        model = EvaluationPlan
        fields = []


class SessionForm(ScopedModelForm):
    class Meta:
        model = EvaluationSession
        fields = ["plan_line", "version", "name", "registration_closes", "theory_on", "practical_on", "review_on",
                  "venue", "capacity"]  # fmt: skip
        widgets = {name: forms.DateInput(attrs=DATE) for name in ("registration_closes", "theory_on", "practical_on",
                                                                  "review_on")}  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_line"].queryset = scoping.visible_to(
            self.actor,
            PlanLine.objects.filter(plan__state=PlanState.ACKNOWLEDGED).select_related("plan", "occupation", "level"),
            "change",
        )
        self.fields["version"].queryset = scoping.visible_to(
            self.actor, StandardVersion.objects.filter(state=VersionState.FILED).select_related("occupation")
        )
        self.fields["plan_line"].label_from_instance = lambda line: f"{line.plan.year} · {line}"


class SessionFilter(ScopedFilterSet):
    state = django_filters.ChoiceFilter(choices=SessionState.choices, label=_("状态"))
    occupation = django_filters.ModelChoiceFilter(queryset=Occupation.objects.all(), label=_("职业"))

    class Meta:
        model = EvaluationSession
        fields = []


class ApplyForm(ScopedForm):
    """An employer applies for one of its staff (by ID number), or proposes a direct recognition; a worker's
    form has no fields but the confirmation."""

    id_type = forms.ChoiceField(label=_("证件类型"), choices=[])
    id_number = forms.CharField(label=_("证件号码"), max_length=40)
    kind = forms.ChoiceField(label=_("申报方式"), choices=ApplicationKind.choices, initial=ApplicationKind.REGULAR)
    waived = forms.MultipleChoiceField(label=_("直接认定突破的限制"), required=False, widget=forms.CheckboxSelectMultiple,
                                       choices=[("education", _("学历")), ("years", _("工作年限")), ("age", _("年龄"))])  # fmt: skip
    performance_evidence = forms.CharField(label=_("业绩材料"), required=False, max_length=4000,
                                           widget=forms.Textarea(attrs={"rows": 4}),
                                           help_text=_("直接认定须填写：技能业绩、获奖、技术革新等"))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from talentbase.registry.identity import IdType

        self.fields["id_type"].choices = IdType.choices
        self.fields["id_type"].initial = IdType.RIC
        if self.actor.role == "worker":
            for name in list(self.fields):
                self.fields.pop(name)


class ApplicationFilter(ScopedFilterSet):
    session = django_filters.ModelChoiceFilter(queryset=EvaluationSession.objects.all(), label=_("考评批次"))
    state = django_filters.ChoiceFilter(choices=ApplicationState.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=ApplicationKind.choices, label=_("申报方式"))
    ticket = django_filters.CharFilter(label=_("准考证号"))

    class Meta:
        model = Application
        fields = []


class ExaminerForm(ScopedModelForm):
    """HR enters a register entry for a registered person named by ID number."""

    id_type = forms.ChoiceField(label=_("证件类型"), choices=[])
    id_number = forms.CharField(label=_("证件号码"), max_length=40)

    class Meta:
        model = ExaminerQualification
        fields = ["occupation", "highest_level", "card_number", "valid_from", "valid_to"]
        widgets = {"valid_from": forms.DateInput(attrs=DATE), "valid_to": forms.DateInput(attrs=DATE)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from talentbase.registry.identity import IdType

        self.fields["id_type"].choices = IdType.choices
        self.fields["id_type"].initial = IdType.RIC
        self.fields["highest_level"].queryset = scoping.visible_to(self.actor, Level.objects.exclude(national_number=None))
        if self.instance.pk:
            self.fields.pop("id_type")
            self.fields.pop("id_number")


class AvoidanceRuleForm(ScopedModelForm):
    class Meta:
        model = AvoidanceRule
        fields = ["same_employer", "same_department", "outside_share", "needs_review"]


class StaffingRuleForm(ScopedModelForm):
    class Meta:
        model = StaffingRule
        fields = ["name", "candidates_per_invigilator", "min_invigilators", "min_practical", "candidates_per_practical",
                  "min_review", "odd_panels"]  # fmt: skip


class AssignForm(ScopedForm):
    """The person to assign (by ID number) and the duty; an external supervisor names the body it acts for."""

    id_type = forms.ChoiceField(label=_("证件类型"), choices=[])
    id_number = forms.CharField(label=_("证件号码"), max_length=40)
    duty = forms.ChoiceField(label=_("职责"), choices=[])
    acting_for = forms.ModelChoiceField(label=_("派出单位"), queryset=Organisation.objects.all(), required=False,
                                        help_text=_("外督填写"))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from talentbase.registry.identity import IdType

        self.fields["id_type"].choices = IdType.choices
        self.fields["id_type"].initial = IdType.RIC
        supervising = self.actor.role in ("hr", "sector")
        duties = SUPERVISING_DUTIES if supervising else EXAMINING_DUTIES
        self.fields["duty"].choices = [(d.value, d.label) for d in duties]
        if not supervising:
            self.fields.pop("acting_for")


class ReportForm(ScopedForm):
    report = forms.CharField(label=_("督导报告"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))


class RemoveAssignmentForm(ScopedForm):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class RelationForm(ScopedForm):
    examiner_id_number = forms.CharField(label=_("考评人员证件号码"), max_length=40)
    candidate_id_number = forms.CharField(label=_("考生证件号码"), max_length=40)
    kind = forms.ChoiceField(label=_("关系"), choices=RelationKind.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ScoreEntryForm(ScopedForm):
    """One candidate's parts: a score from 0 to 100 or 缺考, and the reason when an entered score changes."""

    reason = forms.CharField(label=_("修改原因"), max_length=200, required=False, help_text=_("修改已录入的成绩时必填"))

    def __init__(self, *args, parts=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ScorePart.choices)
        current = current or {}
        for part in reversed(parts):
            self.fields = {f"part_{part}": forms.CharField(label=labels[part], max_length=10, required=False,
                                                           initial=current.get(part, ""),
                                                           help_text=_("0–100，或填“缺考”")),
                           **self.fields}  # fmt: skip
        from talentbase.core.forms import style_widgets

        style_widgets(self.fields)


class ObjectionForm(forms.Form):
    """The public objection form: who objects (with a way to reach them), about whom, and why."""

    application = forms.ChoiceField(label=_("被异议的考生"))
    objector_name = forms.CharField(label=_("异议人姓名"), max_length=50)
    objector_contact = forms.CharField(label=_("联系电话或电子邮箱"), max_length=100)
    grounds = forms.CharField(label=_("异议理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
                              min_length=10)  # fmt: skip

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [("", "---------"), *candidates]
        from talentbase.core.forms import style_widgets

        style_widgets(self.fields)


class PublicityRuleForm(ScopedModelForm):
    class Meta:
        model = PublicityRule
        fields = ["name", "working_days", "needs_review"]


class TargetForm(ScopedModelForm):
    class Meta:
        model = Target
        fields = ["year", "indicator", "value", "source"]


class LayoutForm(ScopedModelForm):
    """The columns of a table, one a line: a header, a tab or a comma, and a field the export knows."""

    columns_text = forms.CharField(label=_("列（每行：表头,字段）"), widget=forms.Textarea(attrs={"rows": 14}))

    class Meta:
        model = ExchangeLayout
        fields = ["needs_review"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .exchange import FIELDS

        self.fields["columns_text"].initial = "\n".join(f"{h},{f}" for h, f in self.instance.columns)
        self.fields["columns_text"].help_text = _("可用字段：%(fields)s") % {"fields": "、".join(FIELDS)}
        from talentbase.core.forms import style_widgets

        style_widgets(self.fields)

    def clean_columns_text(self):
        from .exchange import FIELDS

        columns = []
        for number, line in enumerate(self.cleaned_data["columns_text"].splitlines(), start=1):
            if not line.strip():
                continue
            header, _sep, field = line.replace("\t", ",").replace("，", ",").partition(",")
            if not header.strip() or field.strip() not in FIELDS:
                raise forms.ValidationError(_("第 %(n)s 行应为“表头,字段”，字段须是可用字段之一") % {"n": number})
            columns.append([header.strip(), field.strip()])
        if not columns:
            raise forms.ValidationError(_("请至少填写一列"))
        return columns

    def model_values(self):
        values, m2m = super().model_values()
        values["columns"] = values.pop("columns_text")
        return values, m2m
