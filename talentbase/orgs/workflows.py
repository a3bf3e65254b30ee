"""The filing of an evaluation institution: drafted and submitted by the institution, filed or returned
by HR, revoked by HR when the institution no longer qualifies."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentbase.core.errors import DomainError
from talentbase.core.roles import Role
from talentbase.core.workflow import Transition, Workflow

from . import forms
from .errors import OrgError
from .models import EvaluationFiling, FilingState

INSTITUTIONS = [Role.EVALUATION, Role.ASSOCIATION]


def ready_to_submit(filing, actor) -> None:
    if not filing.levels.exists():
        raise DomainError(OrgError.NO_LEVELS, _("请至少选择一个等级"), field="levels")


def ready_to_file(filing, actor) -> None:
    if not filing.filing_number.strip():
        raise DomainError(OrgError.FILING_NUMBER_REQUIRED, _("备案时须填写备案编号"), field="filing_number")
    if EvaluationFiling.objects.filter(filing_number=filing.filing_number).exclude(pk=filing.pk).exists():
        raise DomainError(OrgError.FILING_NUMBER_TAKEN, _("备案编号已被使用"), field="filing_number")
    if not filing.valid_from or not filing.valid_to or filing.valid_to < filing.valid_from:
        raise DomainError(
            OrgError.FILING_DATES, _("请填写有效期，且截止日期不早于起始日期"), field="valid_to"
        )
    # Certificate numbers open with these (DOMAIN.md §8): without them nothing could be numbered.
    if not filing.institution_type:
        raise DomainError(OrgError.NUMBERING_REQUIRED, _("备案时须选择机构类型"), field="institution_type")
    if not filing.site_serial:
        raise DomainError(OrgError.NUMBERING_REQUIRED, _("备案时须填写站点序号"), field="site_serial")


FILING_WORKFLOW = Workflow(
    model="orgs.EvaluationFiling", object_argument="filing",
    transitions=[
        Transition("submit", source=[FilingState.DRAFT, FilingState.RETURNED], target=FilingState.SUBMITTED,
                   roles=INSTITUTIONS, label=gettext_lazy("提交备案"), guard=ready_to_submit),
        Transition("return", source=[FilingState.SUBMITTED], target=FilingState.RETURNED, roles=[Role.HR],
                   label=gettext_lazy("退回"), comment_required=True),
        Transition("file", source=[FilingState.SUBMITTED], target=FilingState.FILED, roles=[Role.HR],
                   label=gettext_lazy("予以备案"), guard=ready_to_file, form=forms.FileForm,
                   action="talentbase.orgs.actions.file_filing"),
        Transition("revoke", source=[FilingState.FILED], target=FilingState.REVOKED, roles=[Role.HR],
                   label=gettext_lazy("撤销备案"), comment_required=True),
    ],
)  # fmt: skip

# The states in which the institution may still edit or delete its draft.
EDITABLE_STATES = {FilingState.DRAFT, FilingState.RETURNED}


def may_edit_filing(actor, filing) -> bool:
    """The edit page is offered only where its save may succeed: the institution edits its draft or returned
    filing; HR notes the filing number and validity of a submitted one (also asked by 予以备案)."""
    if actor.role == Role.HR:
        return filing.state == FilingState.SUBMITTED
    return actor.role in INSTITUTIONS and filing.state in EDITABLE_STATES


def may_delete_filing(actor, filing) -> bool:
    """Only a draft goes; once submitted the filing is part of the record."""
    return actor.role in INSTITUTIONS and filing.state == FilingState.DRAFT
