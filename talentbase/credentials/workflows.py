"""A worker's certificate report: open until the organisation it went to resolves it (recording or
correcting the certificate) or declines it with a reason; the worker may withdraw it while it is open."""

from django.utils.translation import gettext_lazy

from talentbase.core.roles import Role
from talentbase.core.workflow import Transition, Workflow

from .models import ReportState

HANDLERS = [Role.EMPLOYER, Role.EVALUATION, Role.ASSOCIATION, Role.CITY]

REPORT_WORKFLOW = Workflow(
    model="credentials.CertificateReport",
    transitions=[
        Transition("resolve", source=[ReportState.OPEN], target=ReportState.RESOLVED, roles=HANDLERS,
                   label=gettext_lazy("办结"), comment_required=True),
        Transition("reject", source=[ReportState.OPEN], target=ReportState.REJECTED, roles=HANDLERS,
                   label=gettext_lazy("不予受理"), comment_required=True),
        Transition("withdraw", source=[ReportState.OPEN], target=ReportState.WITHDRAWN, roles=[Role.WORKER],
                   label=gettext_lazy("撤回")),
    ],
)  # fmt: skip
