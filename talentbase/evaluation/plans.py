"""Writes for annual evaluation plans (年度职业技能评价计划): the institution drafts its plan for a year, line by
line, only for what a filing of it covers in that month; submits it to the skill-appraisal centre (HR) and
the sector unit of each occupation; each acknowledges (or returns it with comments), and the plan is
acknowledged once all have."""

from __future__ import annotations

import calendar
import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from talentbase.core import actions as core_actions
from talentbase.core import scoping, workflow
from talentbase.core.actor import Actor, system_actor
from talentbase.core.errors import DomainError
from talentbase.core.roles import Role
from talentbase.orgs.actions import EVALUATION_KINDS
from talentbase.orgs.queries import filing_covering, organisation_of

from .errors import EvaluationError
from .models import EvaluationPlan, PlanAcknowledgement, PlanLine, PlanState

EDITABLE = {PlanState.DRAFT, PlanState.RETURNED}


def month_span(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


@transaction.atomic
def create_plan(*, actor: Actor, year: int, note: str = "") -> EvaluationPlan:
    scoping.ensure_may(actor, EvaluationPlan, "add")
    institution = organisation_of(actor)
    if not institution.kind_codes() & EVALUATION_KINDS:
        raise DomainError(EvaluationError.NOT_INSTITUTION, _("本单位不是评价机构，不能报送评价计划"))
    # unscoped: the one-plan-a-year rule over the institution's own plans
    if EvaluationPlan.objects.filter(institution=institution, year=year).exists():
        raise DomainError(EvaluationError.PLAN_EXISTS, _("{year} 年度的计划已存在").format(year=year), field="year")
    return core_actions.create_object(actor=actor, model=EvaluationPlan,
                                      values={"institution": institution, "year": year, "note": note})  # fmt: skip


def _plan_for_change(actor: Actor, plan_id: int) -> EvaluationPlan:
    plan = scoping.get_for(actor, EvaluationPlan.objects.select_for_update(), plan_id, "change")
    if plan.state not in EDITABLE:
        raise DomainError(EvaluationError.PLAN_LOCKED, _("已报送的计划不能修改"))
    return plan


@transaction.atomic
def update_plan(*, actor: Actor, plan: EvaluationPlan, values: dict) -> EvaluationPlan:
    plan = _plan_for_change(actor, plan.pk)
    return core_actions.update_object(actor=actor, obj=plan, values={k: v for k, v in values.items() if k == "note"})


@transaction.atomic
def delete_plan(*, actor: Actor, plan: EvaluationPlan) -> None:
    plan = scoping.get_for(actor, EvaluationPlan.objects.select_for_update(), plan.pk, "delete")
    if plan.state != PlanState.DRAFT:
        raise DomainError(EvaluationError.PLAN_LOCKED, _("只有草稿可以删除"))
    core_actions.delete_object(actor=actor, obj=plan)


def _check_filed(plan: EvaluationPlan, occupation, level, month: int) -> None:
    first, last = month_span(plan.year, month)
    if filing_covering(organisation_id=plan.institution_id, occupation_id=occupation.pk, level_id=level.pk,
                       first=first, last=last) is None:  # fmt: skip
        raise DomainError(
            EvaluationError.NOT_FILED,
            _("{year}年{month}月本机构没有覆盖{occupation}{level}的有效备案").format(
                year=plan.year, month=month, occupation=occupation.name, level=level.name),
            field="occupation",
        )  # fmt: skip


@transaction.atomic
def save_line(*, actor: Actor, plan: EvaluationPlan, values: dict, line: PlanLine | None = None) -> PlanLine:
    """A line of a plan being drafted: an occupation and level the institution's filing covers in that month."""
    plan = _plan_for_change(actor, plan.pk)
    merged = {**({"occupation": line.occupation, "level": line.level, "month": line.month} if line else {}), **values}
    _check_filed(plan, merged["occupation"], merged["level"], merged["month"])
    if line is None:
        return core_actions.create_object(actor=actor, model=PlanLine, values={**values, "plan": plan})
    return core_actions.update_object(actor=actor, obj=line, values=values)


@transaction.atomic
def delete_line(*, actor: Actor, line: PlanLine) -> None:
    _plan_for_change(actor, line.plan_id)
    core_actions.delete_object(actor=actor, obj=line)


# --- The workflow's rules and effects


def ready_to_submit(plan: EvaluationPlan, actor: Actor) -> None:
    """A plan goes with at least one line, each still covered by a filing in force (one may have lapsed or
    been revoked since the line was written)."""
    lines = list(plan.lines.select_related("occupation", "level"))
    if not lines:
        raise DomainError(EvaluationError.PLAN_EMPTY, _("请至少填写一条计划"))
    for line in lines:
        _check_filed(plan, line.occupation, line.level, line.month)


def sectors_of(plan: EvaluationPlan) -> set[int]:
    return set(plan.lines.values_list("occupation__sector_id", flat=True))


def awaiting(plan: EvaluationPlan) -> dict:
    """Who has still to acknowledge: whether the appraisal centre (HR) has, and the sectors whose unit has not."""
    acks = list(plan.acknowledgements.select_related("organisation").prefetch_related("organisation__sectors"))
    hr_done = any(ack.role == Role.HR for ack in acks)
    covered = {sector.pk for ack in acks if ack.role == Role.SECTOR for sector in ack.organisation.sectors.all()}
    return {"hr": not hr_done, "sectors": sectors_of(plan) - covered}


def may_acknowledge(plan: EvaluationPlan, actor: Actor) -> bool:
    """HR until one HR body has; a sector unit whose sectors the plan touches, once."""
    if plan.acknowledgements.filter(organisation_id=actor.organisation_id).exists():
        return False
    if actor.role == Role.HR:
        return awaiting(plan)["hr"]
    if actor.role == Role.SECTOR:
        return bool(sectors_of(plan) & set(actor.sector_ids))
    return False


@transaction.atomic
def acknowledge_plan(*, actor: Actor, plan: EvaluationPlan, comment: str = "") -> EvaluationPlan:
    """Record this body's acknowledgement; when the last one the plan awaits has acknowledged, it is."""
    workflow.take_transition(plan, "acknowledge", actor=actor, comment=comment)
    PlanAcknowledgement.objects.create(plan=plan, organisation_id=actor.organisation_id, role=actor.role,
                                       comment=comment)  # fmt: skip
    left = awaiting(plan)
    if not left["hr"] and not left["sectors"]:
        workflow.take_transition(plan, "complete", actor=system_actor(), comment=_("报送单位均已确认"))
    plan.refresh_from_db()
    return plan


@transaction.atomic
def submit_plan(*, actor: Actor, plan: EvaluationPlan, comment: str = "") -> EvaluationPlan:
    from django.utils import timezone

    workflow.take_transition(plan, "submit", actor=actor, comment=comment, changes={"submitted_at": timezone.now()})
    return plan


@transaction.atomic
def return_plan(*, actor: Actor, plan: EvaluationPlan, comment: str) -> EvaluationPlan:
    """Returned with comments: the acknowledgements given so far lapse, the plan is resubmitted whole."""
    workflow.take_transition(plan, "return", actor=actor, comment=comment)
    # unscoped: the acknowledgements of the plan just returned in the actor's scope
    PlanAcknowledgement.objects.filter(plan=plan).delete()
    return plan


def actual_by_line(plan: EvaluationPlan | int) -> dict[int, dict[str, int]]:
    """Plan against actual: per line, the sessions held under it (cancelled ones left out), the candidates
    accepted and the certificates issued (awaiting numbers included)."""
    from django.db.models import Count, Q

    from .models import EvaluationSession

    # unscoped: the plan's own sessions, counted for the plan's page (seen by whoever sees the plan)
    rows = (EvaluationSession.objects.filter(plan_line__plan=plan).exclude(state="cancelled").values("plan_line_id")
            .annotate(sessions=Count("pk", distinct=True),
                      candidates=Count("applications", filter=Q(applications__state="accepted"), distinct=True),
                      certificates=Count("certificates", distinct=True)))  # fmt: skip
    return {row["plan_line_id"]: row for row in rows}
