"""The review of an evaluation norm (notice 三.三.4, issue 15): the institution drafts and submits, the city
bureau approves or returns with comments, city HR files it (or returns it), and only then it is in force.
A national standard's version is entered by the city bureau and published by it."""

from django.utils.translation import gettext_lazy

from talentbase.core.roles import Role
from talentbase.core.workflow import Transition, Workflow

from . import applications, exchange, forms, plans, publicity, scoring, sessions
from .actions import ready_to_submit
from .models import ApplicationState, ObjectionState, PlanState, SessionState, StandardKind, VersionState
from .scopes import INSTITUTIONS

S = VersionState


def _norm(version, actor) -> bool:
    return version.kind == StandardKind.NORM


def _national(version, actor) -> bool:
    return version.kind == StandardKind.NATIONAL


VERSION_WORKFLOW = Workflow(
    model="evaluation.StandardVersion", object_argument="version", scope_action="view",
    transitions=[
        Transition("submit", source=[S.DRAFT, S.RETURNED], target=S.SUBMITTED, roles=INSTITUTIONS,
                   label=gettext_lazy("提交市局审核"), guard=ready_to_submit, when=_norm),
        Transition("approve", source=[S.SUBMITTED], target=S.APPROVED, roles=[Role.CITY],
                   label=gettext_lazy("审核通过"), when=_norm),
        Transition("return", source=[S.SUBMITTED], target=S.RETURNED, roles=[Role.CITY],
                   label=gettext_lazy("退回修改"), comment_required=True, when=_norm, style="outline-danger"),
        Transition("file", source=[S.APPROVED], target=S.FILED, roles=[Role.HR], label=gettext_lazy("予以备案"),
                   form=forms.FileVersionForm, action="talentbase.evaluation.actions.put_in_force", when=_norm),
        Transition("return_by_hr", source=[S.APPROVED], target=S.RETURNED, roles=[Role.HR],
                   label=gettext_lazy("退回机构"), comment_required=True, when=_norm, style="outline-danger"),
        Transition("publish", source=[S.DRAFT], target=S.FILED, roles=[Role.CITY],
                   label=gettext_lazy("发布施行"), guard=ready_to_submit, form=forms.PublishVersionForm,
                   action="talentbase.evaluation.actions.publish_national", when=_national),
    ],
)  # fmt: skip


P = PlanState
REPORTED_TO = [Role.HR, Role.SECTOR]

PLAN_WORKFLOW = Workflow(
    model="evaluation.EvaluationPlan", object_argument="plan", scope_action="view",
    transitions=[
        Transition("submit", source=[P.DRAFT, P.RETURNED], target=P.SUBMITTED, roles=INSTITUTIONS,
                   label=gettext_lazy("报送"), guard=plans.ready_to_submit,
                   action="talentbase.evaluation.plans.submit_plan"),
        Transition("acknowledge", source=[P.SUBMITTED], target=P.SUBMITTED, roles=REPORTED_TO,
                   label=gettext_lazy("确认收到"), when=plans.may_acknowledge,
                   action="talentbase.evaluation.plans.acknowledge_plan"),
        Transition("return", source=[P.SUBMITTED], target=P.RETURNED, roles=REPORTED_TO,
                   label=gettext_lazy("退回修改"), comment_required=True, style="outline-danger",
                   action="talentbase.evaluation.plans.return_plan"),
        # Taken by the platform when the last body the plan awaits has acknowledged it.
        Transition("complete", source=[P.SUBMITTED], target=P.ACKNOWLEDGED, roles=[],
                   label=gettext_lazy("报送单位均已确认")),
    ],
)  # fmt: skip

SS = SessionState

SESSION_WORKFLOW = Workflow(
    model="evaluation.EvaluationSession", object_argument="session",
    transitions=[
        Transition("open", source=[SS.DRAFT], target=SS.REGISTRATION, roles=INSTITUTIONS,
                   label=gettext_lazy("开始报名"), guard=sessions.ready_to_open),
        Transition("close_registration", source=[SS.REGISTRATION], target=SS.EXAMINING, roles=INSTITUTIONS,
                   label=gettext_lazy("截止报名")),
        # The candidate table uploaded to the HR system closes registration too.
        Transition("record_upload", source=[SS.REGISTRATION], target=SS.EXAMINING, roles=INSTITUTIONS,
                   label=gettext_lazy("已报送人社系统"), guard=exchange.ready_to_upload,
                   action="talentbase.evaluation.exchange.record_upload"),
        Transition("finish_scoring", source=[SS.EXAMINING], target=SS.SCORED, roles=INSTITUTIONS,
                   label=gettext_lazy("确定成绩"), guard=scoring.ready_to_finish),
        Transition("start_publicity", source=[SS.SCORED], target=SS.PUBLICITY, roles=INSTITUTIONS,
                   label=gettext_lazy("开始公示"), guard=publicity.ready_to_publish,
                   action="talentbase.evaluation.publicity.start_publicity"),
        # Taken by the scheduled work when the period is over (evaluation.end_publicity).
        Transition("end_publicity", source=[SS.PUBLICITY], target=SS.ISSUING, roles=[], label=gettext_lazy("公示期满")),
        Transition("complete", source=[SS.ISSUING], target=SS.COMPLETED, roles=INSTITUTIONS,
                   label=gettext_lazy("办结批次"), guard=sessions.ready_to_complete),
        Transition("cancel", source=[SS.DRAFT, SS.REGISTRATION], target=SS.CANCELLED, roles=INSTITUTIONS,
                   label=gettext_lazy("取消批次"), comment_required=True, style="outline-danger"),
    ],
)  # fmt: skip

A = ApplicationState

APPLICATION_WORKFLOW = Workflow(
    model="evaluation.Application", object_argument="application", scope_action="view",
    transitions=[
        Transition("accept", source=[A.SUBMITTED], target=A.ACCEPTED, roles=INSTITUTIONS,
                   label=gettext_lazy("受理"), when=lambda app, actor: app.session.institution_id == actor.organisation_id),
        Transition("refuse", source=[A.SUBMITTED, A.ACCEPTED], target=A.REFUSED, roles=INSTITUTIONS,
                   label=gettext_lazy("不予受理"), comment_required=True, style="outline-danger",
                   when=lambda app, actor: app.session.institution_id == actor.organisation_id,
                   action="talentbase.evaluation.applications.refuse"),
        Transition("withdraw", source=[A.SUBMITTED, A.ACCEPTED], target=A.WITHDRAWN, roles=[Role.WORKER, Role.EMPLOYER],
                   label=gettext_lazy("撤回申报"), when=applications.may_withdraw, style="outline-secondary"),
    ],
)  # fmt: skip


OS = ObjectionState

OBJECTION_WORKFLOW = Workflow(
    model="evaluation.Objection", object_argument="objection", scope_action="view",
    transitions=[
        Transition("uphold", source=[OS.OPEN], target=OS.UPHELD, roles=[*INSTITUTIONS, Role.HR], label=gettext_lazy("异议成立"),
                   comment_required=True, when=publicity.may_resolve, action="talentbase.evaluation.publicity.uphold",
                   style="outline-danger"),
        Transition("dismiss", source=[OS.OPEN], target=OS.DISMISSED, roles=[*INSTITUTIONS, Role.HR],
                   label=gettext_lazy("异议不成立"), comment_required=True, when=publicity.may_resolve,
                   action="talentbase.evaluation.publicity.dismiss"),
    ],
)  # fmt: skip
