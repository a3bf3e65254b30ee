"""The workflows of certificate records and of workers' reports.

A record is valid until HR, the city bureau or the institution that issued it revokes it or registers its
reissue (replaced), or, for an appointment, until the employer ends it; confirming a declared record is a
decision too, that leaves it valid. A worker's report is open until the organisation it went to resolves it
(recording or correcting the certificate) or declines it with a reason; the worker may withdraw it while it
is open."""

from django.utils.translation import gettext_lazy

from talentbase.catalog.models import CertificateKind
from talentbase.core.roles import Role
from talentbase.core.workflow import Transition, Workflow

from . import forms
from .models import RecordStatus, ReportState

ACTIONS = "talentbase.legacy_certificates.actions."
ISSUER_SIDE = [Role.CITY, Role.HR, Role.EVALUATION, Role.ASSOCIATION]
HANDLERS = [Role.EMPLOYER, Role.EVALUATION, Role.ASSOCIATION, Role.CITY]


def _issuer_side(record, actor) -> bool:
    from .actions import may_confirm

    return may_confirm(actor, record)


def awaits_confirmation(record, actor) -> bool:
    return not record.is_confirmed and _issuer_side(record, actor)


def certificate_of_its_issuer(record, actor) -> bool:
    """Revoked or reissued by the side that issued it: an appointment is ended by its employer instead."""
    return record.kind != CertificateKind.APPOINTMENT and _issuer_side(record, actor)


def is_appointment(record, actor) -> bool:
    return record.kind == CertificateKind.APPOINTMENT


RECORD_WORKFLOW = Workflow(
    model="credentials.CertificateRecord", field="status", object_argument="record",
    transitions=[
        Transition("confirm", source=[RecordStatus.VALID], target=RecordStatus.VALID, roles=ISSUER_SIDE,
                   label=gettext_lazy("核实"), form=forms.ConfirmForm, action=ACTIONS + "confirm_record",
                   when=awaits_confirmation, comment_field="note", done=gettext_lazy("已核实"), style="success"),
        Transition("revoke", source=[RecordStatus.VALID], target=RecordStatus.REVOKED, roles=ISSUER_SIDE,
                   label=gettext_lazy("撤销"), form=forms.RevokeForm, action=ACTIONS + "revoke_record",
                   when=certificate_of_its_issuer, comment_field="reason", done=gettext_lazy("已撤销"),
                   style="outline-danger"),
        Transition("replace", source=[RecordStatus.VALID], target=RecordStatus.REPLACED, roles=ISSUER_SIDE,
                   label=gettext_lazy("登记换发"), form=forms.ReplaceForm, action=ACTIONS + "replace_record",
                   when=certificate_of_its_issuer, comment_field="reason",
                   done=gettext_lazy("已登记换发的证书"), style="outline-primary"),
        Transition("end", source=[RecordStatus.VALID], target=RecordStatus.ENDED, roles=[Role.EMPLOYER, Role.CITY],
                   label=gettext_lazy("结束聘任"), form=forms.EndAppointmentForm, action=ACTIONS + "end_appointment",
                   when=is_appointment, comment_field="reason", done=gettext_lazy("聘任已结束"),
                   style="outline-danger"),
    ],
)  # fmt: skip

REPORT_WORKFLOW = Workflow(
    model="credentials.CertificateReport", object_argument="report",
    transitions=[
        Transition("resolve", source=[ReportState.OPEN], target=ReportState.RESOLVED, roles=HANDLERS,
                   label=gettext_lazy("办结"), comment_required=True, form=forms.ResolveForm,
                   action=ACTIONS + "resolve_report", comment_field="outcome", style="success"),
        Transition("reject", source=[ReportState.OPEN], target=ReportState.REJECTED, roles=HANDLERS,
                   label=gettext_lazy("不予受理"), comment_required=True, form=forms.DeclineForm,
                   action=ACTIONS + "decline_report", comment_field="outcome", style="outline-danger"),
        Transition("withdraw", source=[ReportState.OPEN], target=ReportState.WITHDRAWN, roles=[Role.WORKER],
                   label=gettext_lazy("撤回"), style="outline-secondary"),
    ],
)  # fmt: skip
