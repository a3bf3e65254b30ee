"""Applications (申报): a worker applies on a phone, an employer for its staff (one by one or in batch), and
an employer proposes a direct recognition (直接认定) with the limits it waives and the performance evidence.

Eligibility is computed from the registry on the application date against the session's version
(``eligibility``): an ineligible application is refused at once with the rule and what is missing, and
nothing is saved. Registration closes on the session's date. The institution then reviews the evidence
and accepts or refuses; an accepted application is a candidate."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from talentbase.core import audit, scoping, workflow
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.roles import Role
from talentbase.registry.identity import today_in_china
from talentbase.registry.models import Employment, Person
from talentbase.registry.queries import person_of_user

from .eligibility import WAIVABLE, Eligibility, check_person
from .errors import EvaluationError
from .models import Application, ApplicationChannel, ApplicationKind, EvaluationSession, SessionState

MIN_EVIDENCE = 10


def registration_open(session: EvaluationSession, on) -> None:
    if session.state != SessionState.REGISTRATION or on > session.registration_closes:
        raise DomainError(EvaluationError.REGISTRATION_CLOSED,
                          _("该批次报名已截止（{day}）").format(day=session.registration_closes))  # fmt: skip


def _currently_employed_by(person_id: int, employer_id: int) -> bool:
    # unscoped: a rule check on a person the caller reached in scope
    return Employment.objects.filter(person_id=person_id, employer_id=employer_id, end_date__isnull=True).exists()


def _ticket(session: EvaluationSession) -> str:
    """The next admission-ticket number of the session: the exam year, the session, a serial. The session
    row is locked by the caller, so two applications never draw the same one."""
    # unscoped: the session's own count, under its lock
    serial = Application.objects.filter(session_id=session.pk).count() + 1
    return f"{session.theory_on:%Y}{session.pk:06d}{serial:04d}"


def eligibility_of(person: Person, session: EvaluationSession, on, *, waived: Iterable[str] = ()) -> Eligibility:
    return check_person(person, session.version, session.level, on, waived=waived)


@transaction.atomic
def apply(*, actor: Actor, session: EvaluationSession, person: Person | None = None,
          kind: str = ApplicationKind.REGULAR, waived: Iterable[str] = (), performance_evidence: str = "",
          channel: str | None = None) -> Application:  # fmt: skip
    """One application. A worker applies for themself; an employer for a person it employs now (and alone
    proposes a direct recognition). Refused, with nothing saved, when registration is closed, when the person
    may not sit this institution's sessions, when they applied already, or when they are not eligible."""
    scoping.ensure_may(actor, Application, "add")
    session = scoping.get_for(actor, EvaluationSession.objects.select_for_update(), session.pk, "view")
    today = today_in_china()
    registration_open(session, today)
    waived = sorted(set(waived))
    if actor.role == Role.WORKER:
        person = person_of_user(actor.user_id)
        if person is None:
            raise DomainError(EvaluationError.NOT_OWN_STAFF, _("您的账号尚未关联人员信息"))
        if kind != ApplicationKind.REGULAR:
            raise DomainError(EvaluationError.WAIVER_REQUIRED, _("直接认定由用人单位推荐"), field="kind")
        employer_id, channel = None, ApplicationChannel.WORKER
    else:
        person = scoping.get_for(actor, Person, person.pk, "change")  # an employer's current staff
        if not _currently_employed_by(person.pk, actor.organisation_id):
            raise DomainError(EvaluationError.NOT_OWN_STAFF, _("只能为本单位在职人员申报"), field="person")
        employer_id, channel = actor.organisation_id, channel or ApplicationChannel.EMPLOYER
    if session.filing.institution_type == "Y" and not _currently_employed_by(person.pk, session.institution_id):
        raise DomainError(EvaluationError.NOT_OWN_STAFF, _("用人单位评价机构只评价本单位职工"), field="person")
    if kind == ApplicationKind.DIRECT:
        if not waived or set(waived) - set(WAIVABLE):
            raise DomainError(EvaluationError.WAIVER_REQUIRED, _("请选择直接认定突破的限制"), field="waived")
        if len(performance_evidence.strip()) < MIN_EVIDENCE:
            raise DomainError(EvaluationError.EVIDENCE_REQUIRED, _("请填写业绩材料（至少 {n} 个字）").format(n=MIN_EVIDENCE),
                              field="performance_evidence")  # fmt: skip
    else:
        waived = []
    # unscoped: the one-application-per-session rule
    if Application.objects.filter(session_id=session.pk, person_id=person.pk).exclude(state="withdrawn").exists():
        raise DomainError(EvaluationError.ALREADY_APPLIED, _("已申报本批次"), field="person")
    result = eligibility_of(person, session, today, waived=waived)
    if not result.eligible:
        raise DomainError(EvaluationError.NOT_ELIGIBLE, _("不符合申报条件：{why}").format(why=result.refusal()),
                          field="person")  # fmt: skip
    try:
        with transaction.atomic():
            application = Application.objects.create(
                session=session, person=person, employer_id=employer_id, kind=kind, channel=channel, applied_on=today,
                ticket=_ticket(session), eligible_by=result.met, eligibility_note=result.met.description[:500],
                waived=waived, performance_evidence=performance_evidence.strip(), created_by=actor.user,
            )  # fmt: skip
    except IntegrityError:
        raise DomainError(EvaluationError.ALREADY_APPLIED, _("已申报本批次"), field="person") from None
    audit.audit_change(actor=actor, obj=application, before=None, verb=audit.CREATE)
    return application


def refuse(*, actor: Actor, application: Application, comment: str) -> Application:
    workflow.take_transition(application, "refuse", actor=actor, comment=comment,
                             changes={"refusal_reason": comment.strip()[:1000]})  # fmt: skip
    return application


def may_withdraw(application: Application, actor: Actor) -> bool:
    """The applicant (or the employer that applied) while the session still takes registrations."""
    if application.session.state != SessionState.REGISTRATION:
        return False
    if actor.role == Role.WORKER:
        return application.person.user_id == actor.user_id
    return application.employer_id == actor.organisation_id
