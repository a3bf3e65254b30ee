"""Examiners and supervisors of a session: the institution assigns examiners from the register, checked for
qualification and avoidance against the session's candidates; HR or the sector unit assigns quality
supervisors (内督/外督), who file a report the publication waits for. An assignment is a right of the account
the person already has: it shows them the session, its candidates and score sheets while it is active."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentbase.core import audit, scoping
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.roles import Role
from talentbase.orgs.models import Organisation
from talentbase.registry.identity import mask_name
from talentbase.registry.models import Person

from . import avoidance
from .errors import EvaluationError
from .models import (
    EXAMINING_DUTIES,
    SUPERVISING_DUTIES,
    Application,
    Assignment,
    DeclaredRelation,
    Duty,
    EvaluationSession,
    ExaminerQualification,
    SessionState,
)

OPEN_STATES = (SessionState.DRAFT, SessionState.REGISTRATION, SessionState.EXAMINING)
SUPERVISOR_ASSIGNERS = (Role.HR, Role.SECTOR)
MIN_REPORT = 20

audit.register_verb("assign", gettext_lazy("指派考评人员"))
audit.register_verb("unassign", gettext_lazy("撤销指派"))
audit.register_verb("supervision_report", gettext_lazy("提交督导报告"))


def qualification_for(person_id: int, session: EvaluationSession) -> ExaminerQualification | None:
    """A register entry that qualifies the person for the session's occupation and level on every exam day."""
    first, last = min(session.exam_days()), max(session.exam_days())
    # unscoped: the register checked for the session's own examiner
    return (
        ExaminerQualification.objects.filter(person_id=person_id, occupation_id=session.occupation_id,
                                             highest_level__rank__gte=session.level.rank, valid_from__lte=first,
                                             valid_to__gte=last)
        .order_by("-valid_to")
        .first()
    )  # fmt: skip


def _avoid(session: EvaluationSession, person_id: int) -> None:
    found = avoidance.conflicts(session, person_id, avoidance.candidate_ids(session))
    if not found:
        return
    # unscoped: the candidates named in the refusal are the institution's own (it sees them already)
    tickets = dict(Application.objects.filter(session=session, person_id__in=list(found)).values_list("person_id", "ticket"))
    names = dict(Person.objects.filter(pk__in=list(found)).values_list("pk", "full_name"))  # unscoped: as above
    listed = "；".join(f"{mask_name(names[pk])}（{tickets.get(pk, '')}）{why}" for pk, why in list(found.items())[:5])
    more = _("等 {n} 名").format(n=len(found)) if len(found) > 5 else ""
    raise DomainError(EvaluationError.AVOIDANCE, _("须回避：{who}{more}").format(who=listed, more=more), field="person")


def _create(actor: Actor, session: EvaluationSession, person: Person, duty: str, **extra) -> Assignment:
    if person.user_id is None:
        raise DomainError(EvaluationError.NO_ACCOUNT, _("该人员尚无平台账号，请先为其开通账号"), field="person")
    # unscoped: the one-assignment-per-duty rule of the session
    if Assignment.objects.filter(session=session, person=person, duty=duty, active=True).exists():
        raise DomainError(EvaluationError.WRONG_DUTY, _("该人员已担任此职责"), field="person")
    assignment = Assignment.objects.create(session=session, person=person, user_id=person.user_id, duty=duty,
                                           assigned_by=actor.user, **extra)  # fmt: skip
    audit.record_audit(actor=actor, verb="assign", obj=assignment, changes={"duty": duty, "session": session.pk})
    return assignment


@transaction.atomic
def assign_examiner(*, actor: Actor, session: EvaluationSession, person: Person, duty: str) -> Assignment:
    """The institution assigns an invigilator, a practical examiner or a review expert from the register."""
    session = scoping.get_for(actor, EvaluationSession.objects.select_for_update(), session.pk, "change")
    if duty not in EXAMINING_DUTIES:
        raise DomainError(EvaluationError.WRONG_DUTY, _("质量督导员由人社部门或行业单位指派"), field="duty")
    if session.state not in OPEN_STATES:
        raise DomainError(EvaluationError.SESSION_CLOSED, _("该批次已不能指派考评人员"))
    qualification = qualification_for(person.pk, session)
    if qualification is None:
        raise DomainError(EvaluationError.NOT_QUALIFIED,
                          _("该人员没有在考评日期内有效、覆盖本职业本等级的考评员资格"), field="person")  # fmt: skip
    _avoid(session, person.pk)
    return _create(actor, session, person, duty, qualification=qualification)


@transaction.atomic
def assign_supervisor(*, actor: Actor, session: EvaluationSession, person: Person, duty: str,
                      acting_for: Organisation | None = None) -> Assignment:  # fmt: skip
    """HR or the sector unit assigns an internal or external quality supervisor; an external one acts for
    another body, which is named."""
    if actor.role not in SUPERVISOR_ASSIGNERS:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    session = scoping.get_for(actor, EvaluationSession.objects.select_for_update(), session.pk, "view")
    if duty not in SUPERVISING_DUTIES:
        raise DomainError(EvaluationError.WRONG_DUTY, _("考评员由评价机构指派"), field="duty")
    if session.state not in OPEN_STATES:
        raise DomainError(EvaluationError.SESSION_CLOSED, _("该批次已不能指派质量督导员"))
    if duty == Duty.EXTERNAL_SUPERVISOR and acting_for is None:
        raise DomainError(EvaluationError.WRONG_DUTY, _("外督须填写派出单位"), field="acting_for")
    if duty == Duty.EXTERNAL_SUPERVISOR and acting_for.pk == session.institution_id:
        raise DomainError(EvaluationError.WRONG_DUTY, _("外督不能由被督导的评价机构派出"), field="acting_for")
    return _create(actor, session, person, duty, acting_for=acting_for)


@transaction.atomic
def remove_assignment(*, actor: Actor, assignment: Assignment, reason: str) -> Assignment:
    assignment = scoping.get_for(actor, Assignment.objects.select_for_update(), assignment.pk, "change")
    if len((reason or "").strip()) < 2:
        raise DomainError(EvaluationError.REPORT_REQUIRED, _("请填写撤销原因"), field="reason")
    examiner = assignment.duty in EXAMINING_DUTIES
    if examiner and actor.role not in (Role.EVALUATION, Role.ASSOCIATION):
        raise DomainError(EvaluationError.WRONG_DUTY, _("考评员由评价机构撤销"))
    if not examiner and actor.role not in SUPERVISOR_ASSIGNERS:
        raise DomainError(EvaluationError.WRONG_DUTY, _("质量督导员由指派部门撤销"))
    assignment.active = False
    assignment.save(update_fields=["active"])
    audit.record_audit(actor=actor, verb="unassign", obj=assignment, reason=reason.strip()[:500])
    return assignment


@transaction.atomic
def file_report(*, actor: Actor, assignment: Assignment, report: str) -> Assignment:
    """The supervisor, and only them, files the supervision report of their assignment."""
    assignment = scoping.get_for(actor, Assignment.objects.select_for_update(), assignment.pk, "view")
    if assignment.user_id != actor.user_id or assignment.duty not in SUPERVISING_DUTIES or not assignment.active:
        raise DomainError(EvaluationError.NOT_ASSIGNED, _("只有被指派的质量督导员可以提交督导报告"))
    if len((report or "").strip()) < MIN_REPORT:
        raise DomainError(EvaluationError.REPORT_REQUIRED,
                          _("督导报告至少 {n} 个字").format(n=MIN_REPORT), field="report")  # fmt: skip
    assignment.report, assignment.reported_at = report.strip(), timezone.now()
    assignment.save(update_fields=["report", "reported_at"])
    audit.record_audit(actor=actor, verb="supervision_report", obj=assignment)
    return assignment


@transaction.atomic
def declare_relation(*, actor: Actor, examiner: Person, candidate: Person, kind: str, note: str = "") -> DeclaredRelation:
    """An examiner (for themself) or an institution declares a relation that excludes a pair."""
    scoping.ensure_may(actor, DeclaredRelation, "add")
    if actor.role not in (Role.EVALUATION, Role.ASSOCIATION) and examiner.user_id != actor.user_id:
        raise DomainError(EvaluationError.NOT_ASSIGNED, _("只能申报本人的回避关系"), field="examiner")
    relation, _created = DeclaredRelation.objects.update_or_create(
        examiner=examiner, candidate=candidate, defaults={"kind": kind, "note": note.strip(), "declared_by": actor.user}
    )  # fmt: skip
    audit.audit_change(actor=actor, obj=relation, before=None, verb=audit.CREATE)
    return relation
