import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from talentbase.catalog.models import CertificateKind, Level, Occupation
from talentbase.core import scoping
from talentbase.core.forms import ScopedFilterSet, ScopedForm
from talentbase.core.roles import Role
from talentbase.orgs.queries import organisation_of
from talentbase.registry.identity import IdNumberError, IdType, check_id_number

from .models import CertificateRecord, CertificateReport, Confirmation, RecordStatus, ReportKind, ReportState

DATE = forms.DateInput(attrs={"type": "date"})
RECORDED_KINDS = [(k, label) for k, label in CertificateKind.choices if k != CertificateKind.APPOINTMENT]


class HolderFields(forms.Form):
    """The holder of a certificate, by document number, as on the certificate: an institution records the
    certificates it issued for persons it cannot browse. The action finds the holder (``holder_for``)."""

    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices, initial=IdType.RIC)
    id_number = forms.CharField(label=_("证件号码"), max_length=40)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned["id_number"] = check_id_number(cleaned["id_type"], cleaned["id_number"]).number
        except IdNumberError as error:
            self.add_error("id_number", error.message)
        return cleaned


class RecordForm(ScopedForm):
    kind = forms.ChoiceField(label=_("证书类型"), choices=RECORDED_KINDS, initial=CertificateKind.SKILL_LEVEL)
    number = forms.CharField(label=_("证书编号"), max_length=40)
    occupation = forms.ModelChoiceField(label=_("职业"), queryset=Occupation.objects.filter(is_active=True))
    work_type = forms.CharField(label=_("工种"), max_length=50, required=False)
    level = forms.ModelChoiceField(label=_("等级"), queryset=Level.objects.exclude(code="apprentice"))
    issued_on = forms.DateField(label=_("发证日期"), widget=DATE)
    issuer_name = forms.CharField(label=_("发证机构"), max_length=100, required=False)
    evaluator_name = forms.CharField(label=_("评价机构"), max_length=100, required=False)


class RecordCreateForm(HolderFields, RecordForm):
    field_order = ["id_type", "id_number", "kind", "number", "occupation", "work_type", "level", "issued_on",
                   "issuer_name", "evaluator_name"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An institution records what it issued: its own name is the issuer unless it types another
        # (it then is the evaluator). A name on the platform links the record to that organisation.
        if self.actor.role in (Role.EVALUATION, Role.ASSOCIATION) and self.actor.organisation_id:
            self.fields["issuer_name"].initial = organisation_of(self.actor).name
        self.fields["issuer_name"].help_text = _(
            "填写证书上的机构全称或统一社会信用代码；平台上的单位自动关联"
        )


class AppointmentForm(HolderFields, ScopedForm):
    occupation = forms.ModelChoiceField(label=_("职业"), queryset=Occupation.objects.filter(is_active=True))
    level = forms.ModelChoiceField(
        label=_("聘任等级"), queryset=Level.objects.filter(code__in=["principal", "chief"])
    )
    appointed_on = forms.DateField(label=_("聘任日期"), widget=DATE)
    number = forms.CharField(label=_("聘书编号"), max_length=40, required=False)


class RevokeForm(ScopedForm):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)
    on = forms.DateField(label=_("撤销日期"), widget=DATE, required=False, help_text=_("不填为今天"))


class ReplaceForm(ScopedForm):
    number = forms.CharField(label=_("新证书编号"), max_length=40)
    issued_on = forms.DateField(label=_("换发日期"), widget=DATE)
    reason = forms.CharField(label=_("换发原因"), max_length=200)


class EndAppointmentForm(ScopedForm):
    on = forms.DateField(label=_("结束日期"), widget=DATE)
    reason = forms.CharField(label=_("结束原因"), max_length=200)


class ConfirmForm(ScopedForm):
    note = forms.CharField(label=_("核实说明"), max_length=200, required=False)


class RecordFilter(ScopedFilterSet):
    number = django_filters.CharFilter(label=_("证书编号"), method="by_number")
    occupation = django_filters.ModelChoiceFilter(queryset=Occupation.objects.all(), label=_("职业"))
    level = django_filters.ModelChoiceFilter(queryset=Level.objects.all(), label=_("等级"))
    kind = django_filters.ChoiceFilter(choices=CertificateKind.choices, label=_("证书类型"))
    confirmation = django_filters.ChoiceFilter(choices=Confirmation.choices, label=_("核实状态"))
    status = django_filters.ChoiceFilter(choices=RecordStatus.choices, label=_("状态"))
    issued_from = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte", label=_("发证日期起"),
                                            widget=DATE)  # fmt: skip
    issued_to = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte", label=_("发证日期止"),
                                          widget=DATE)  # fmt: skip

    class Meta:
        model = CertificateRecord
        fields = []

    def by_number(self, queryset, name, value):
        from .numbers import CertificateNumberError, normalise_number

        try:
            return queryset.filter(number=normalise_number(value))
        except CertificateNumberError:
            return queryset.none()


class ReportForm(ScopedForm):
    kind = forms.ChoiceField(label=_("报告类型"), choices=ReportKind.choices, initial=ReportKind.MISSING,
                             widget=forms.RadioSelect)  # fmt: skip
    record = forms.ModelChoiceField(
        label=_("有误的证书"), queryset=CertificateRecord.objects.all(), required=False
    )
    occupation = forms.ModelChoiceField(label=_("职业"), queryset=Occupation.objects.filter(is_active=True),
                                        required=False)  # fmt: skip
    level = forms.ModelChoiceField(
        label=_("等级"), queryset=Level.objects.exclude(code="apprentice"), required=False
    )
    number = forms.CharField(label=_("证书编号"), max_length=40, required=False)
    issued_on = forms.DateField(label=_("发证日期"), widget=DATE, required=False)
    issuer_name = forms.CharField(label=_("发证机构"), max_length=100, required=False)
    description = forms.CharField(
        label=_("说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(label=_("证书照片"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
                            help_text=_("拍摄证书正面，JPG、PNG、WebP 或 HEIC，不超过 8 MB"))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # 有误的证书 is asked only for a wrong certificate; a missing one needs a photo (report_certificate
        # refuses it without one), so the photo is marked as required for that choice.
        self.fields["record"].widget.attrs["data-show-when"] = f"kind={ReportKind.WRONG}"
        self.fields["photo"].required_when = _("报告缺少的证书时必填")


class ResolveForm(ScopedForm):
    outcome = forms.CharField(label=_("处理结果"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    record_certificate = forms.BooleanField(label=_("同时登记该证书"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a "missing" report describes a certificate to record, and only for a role that records them.
        report = self.subject
        if (
            report is None
            or report.kind != ReportKind.MISSING
            or not scoping.may(self.actor, CertificateRecord, "add")
        ):
            del self.fields["record_certificate"]
        else:
            # The number as reported, for the reviewer to correct when it fails the format check.
            self.fields["number"] = forms.CharField(
                label=_("证书编号"), max_length=40, required=False, initial=report.number,
                help_text=_("核对证书照片；编号有误时在此更正后登记"),
            )  # fmt: skip
            if self.is_bound and not self.data.get("number"):
                # Pressed from the report's page without the field: the reported number, shown again if refused.
                self.data = self.data.copy()
                self.data["number"] = report.number

    # The field's name on the page and the action's argument (resolve_report(record=…)).
    argument_names = {"record_certificate": "record"}

    def clean(self):
        cleaned = super().clean()
        cleaned["record"] = bool(cleaned.pop("record_certificate", False))
        return cleaned


class DeclineForm(ScopedForm):
    outcome = forms.CharField(
        label=_("不予受理的原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportFilter(ScopedFilterSet):
    state = django_filters.ChoiceFilter(choices=ReportState.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices, label=_("报告类型"))

    class Meta:
        model = CertificateReport
        fields = []
