"""Writes for evaluation sessions (考评批次): drafted under a line of the institution's acknowledged plan,
evaluated by a version in force of the occupation's standard or the institution's own norm, and run only
under a filing in force on every exam day (notice 三.三.5). Opening registration checks it all again: a
filing that lapsed or was revoked since the draft stops the session there."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from talentbase.core import actions as core_actions
from talentbase.core import scoping
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.orgs.queries import filing_in_force, organisation_of

from .errors import EvaluationError
from .models import EvaluationSession, PlanLine, PlanState, SessionState, StandardKind, VersionState

FIELDS = ("plan_line", "version", "name", "registration_closes", "theory_on", "practical_on", "review_on", "venue",
          "capacity")  # fmt: skip


def check_session(session: EvaluationSession) -> None:
    """Every rule a session must meet to be drafted or opened; sets its occupation, level and filing."""
    line = session.plan_line
    plan = line.plan
    if plan.institution_id != session.institution_id:
        raise DomainError(EvaluationError.PLAN_NOT_ACKNOWLEDGED, _("只能在本机构的计划下安排批次"), field="plan_line")
    if plan.state != PlanState.ACKNOWLEDGED:
        raise DomainError(EvaluationError.PLAN_NOT_ACKNOWLEDGED, _("该年度计划尚未经鉴定中心和行业单位确认"),
                          field="plan_line")  # fmt: skip
    session.occupation_id, session.level_id = line.occupation_id, line.level_id
    version = session.version
    if version.occupation_id != line.occupation_id or version.state != VersionState.FILED:
        raise DomainError(EvaluationError.VERSION_NOT_IN_FORCE, _("请选择该职业现行的国家标准或本机构已备案的评价规范"),
                          field="version")  # fmt: skip
    if version.kind == StandardKind.NORM and version.institution_id != session.institution_id:
        raise DomainError(EvaluationError.VERSION_NOT_IN_FORCE, _("只能使用本机构制定的评价规范"), field="version")
    if version.effective_from and session.theory_on < version.effective_from:
        raise DomainError(EvaluationError.VERSION_NOT_IN_FORCE,
                          _("该版本自{day}起施行").format(day=version.effective_from), field="version")  # fmt: skip
    version_level = version.levels.filter(level_id=line.level_id).first()
    if version_level is None:
        raise DomainError(EvaluationError.VERSION_LACKS_LEVEL, _("该版本未设此等级"), field="version")
    if session.practical_on < session.theory_on:
        raise DomainError(EvaluationError.SESSION_DATES, _("操作技能考核不能早于理论知识考试"), field="practical_on")
    if session.registration_closes >= session.theory_on:
        raise DomainError(EvaluationError.SESSION_DATES, _("报名截止日期应早于理论知识考试日期"),
                          field="registration_closes")  # fmt: skip
    if version_level.has_review and session.review_on is None:
        raise DomainError(EvaluationError.SESSION_DATES, _("该等级设综合评审，请填写评审日期"), field="review_on")
    if session.review_on is not None and session.review_on < session.practical_on:
        raise DomainError(EvaluationError.SESSION_DATES, _("综合评审不能早于操作技能考核"), field="review_on")
    if {day.year for day in session.exam_days()} != {plan.year}:
        raise DomainError(EvaluationError.SESSION_DATES, _("考评日期应在计划年度{year}年内").format(year=plan.year),
                          field="theory_on")  # fmt: skip
    filings = {filing_in_force(organisation_id=session.institution_id, occupation_id=line.occupation_id,
                               level_id=line.level_id, on=day) for day in session.exam_days()}  # fmt: skip
    if None in filings:
        raise DomainError(EvaluationError.NOT_FILED, _("考评日期内本机构没有覆盖该职业等级的有效备案"), field="theory_on")
    session.filing = sorted(filings, key=lambda filing: filing.pk)[0]


@transaction.atomic
def create_session(*, actor: Actor, values: dict) -> EvaluationSession:
    scoping.ensure_may(actor, EvaluationSession, "add")
    institution = organisation_of(actor)
    line = scoping.get_for(actor, PlanLine, values["plan_line"].pk, "view")
    session = EvaluationSession(institution=institution, **{**{k: v for k, v in values.items() if k in FIELDS},
                                                           "plan_line": line})  # fmt: skip
    check_session(session)
    values = {name: getattr(session, name) for name in (*FIELDS, "institution", "occupation", "level", "filing")}
    return core_actions.create_object(actor=actor, model=EvaluationSession, values=values)


@transaction.atomic
def update_session(*, actor: Actor, session: EvaluationSession, values: dict) -> EvaluationSession:
    session = scoping.get_for(actor, EvaluationSession.objects.select_for_update(), session.pk, "change")
    if session.state != SessionState.DRAFT:
        raise DomainError(EvaluationError.SESSION_LOCKED, _("开始报名后批次不能修改"))
    for name, value in values.items():
        if name in FIELDS:
            setattr(session, name, value)
    check_session(session)
    values = {name: getattr(session, name) for name in (*FIELDS, "occupation", "level", "filing")}
    return core_actions.update_object(actor=actor, obj=session, values=values)


@transaction.atomic
def delete_session(*, actor: Actor, session: EvaluationSession) -> None:
    session = scoping.get_for(actor, EvaluationSession.objects.select_for_update(), session.pk, "delete")
    if session.state != SessionState.DRAFT:
        raise DomainError(EvaluationError.SESSION_LOCKED, _("只有草稿可以删除"))
    core_actions.delete_object(actor=actor, obj=session)


def ready_to_open(session: EvaluationSession, actor: Actor) -> None:
    """At the moment registration opens: every rule again (the filing may have lapsed or been revoked since
    the draft), and a closing date still ahead."""
    check_session(session)
    if session.registration_closes < timezone.localdate():
        raise DomainError(EvaluationError.SESSION_DATES, _("报名截止日期已过"), field="registration_closes")


def ready_to_complete(session: EvaluationSession, actor: Actor) -> None:
    """A session is done when every candidate who may have a certificate has one (the certificates app
    issues them; a candidate against whom an objection was upheld never will; one still open keeps it open)."""
    from talentbase.certificates.issuing import remaining

    left = remaining(session)
    if left:
        raise DomainError(EvaluationError.SCORES_INCOMPLETE, _("还有 {n} 名合格考生未发证").format(n=left))
