"""Publicity (公示): the results of a session stay public for N working days (``PublicityRule``, counted on the
platform's calendar; a year the calendar does not know is counted on weekends alone and the page says so),
with an objection form open to anyone. Publication waits for the supervisors' reports. The end of publicity
is scheduled work: it closes the period and opens issuance; an objection still open, or upheld, keeps that
candidate's certificate back."""

from __future__ import annotations

import datetime
import hashlib

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentbase.catalog.calendar import Deadline, WorkingCalendar
from talentbase.core import audit, jobs, workflow
from talentbase.core.actor import Actor, system_actor
from talentbase.core.errors import DomainError
from talentbase.registry.identity import today_in_china

from . import avoidance, scoring
from .errors import EvaluationError
from .models import Application, EvaluationSession, Objection, ObjectionState, PublicityRule, SessionState

OBJECTIONS_PER_HOUR = 10
audit.register_verb("objection", gettext_lazy("提出公示异议"))


def working_days() -> int:
    # unscoped: reference data
    rule = PublicityRule.objects.order_by("pk").first()
    return rule.working_days if rule else 5


def period_end(start: datetime.date) -> Deadline:
    return WorkingCalendar().end_of_period(start, working_days())


def ready_to_publish(session: EvaluationSession, actor: Actor) -> None:
    """Results go public only after every assigned quality supervisor has reported."""
    gaps = avoidance.supervision_gaps(session)
    if gaps:
        raise DomainError(EvaluationError.SUPERVISION_INCOMPLETE, _("不能公示：{gaps}").format(gaps="；".join(gaps)))


@transaction.atomic
def start_publicity(*, actor: Actor, session: EvaluationSession, comment: str = "") -> EvaluationSession:
    today = today_in_china()
    end = period_end(today)
    workflow.take_transition(session, "start_publicity", actor=actor, comment=comment,
                             changes={"publicity_from": today, "publicity_until": end.date})  # fmt: skip
    return session


def publicised(session: EvaluationSession) -> list[Application]:
    """The candidates whose results are public: those who passed."""
    passed = [pk for pk, result in scoring.results(session).items() if result == "pass"]
    # unscoped: the publicity list is public by design (masked names only are shown)
    return list(Application.objects.filter(pk__in=passed).select_related("person", "employer").order_by("ticket"))


def _address_key(ip: str | None) -> str:
    return "evaluation.objection:" + hashlib.sha256((ip or "").encode()).hexdigest()[:32]


@transaction.atomic
def object_to(*, application: Application, objector_name: str, objector_contact: str, grounds: str,
              ip: str | None = None) -> Objection:  # fmt: skip
    """Anyone may object to a publicised result while the period runs; a few an hour from one address."""
    key = _address_key(ip)
    cache.add(key, 0, timeout=3600)
    if cache.incr(key) > OBJECTIONS_PER_HOUR:
        raise DomainError(EvaluationError.TOO_MANY, _("提交过于频繁，请稍后再试"))
    session = application.session
    today = today_in_china()
    if session.state != SessionState.PUBLICITY or not (session.publicity_from <= today <= session.publicity_until):
        raise DomainError(EvaluationError.NOT_IN_PUBLICITY, _("该批次不在公示期内"))
    if application.pk not in {a.pk for a in publicised(session)}:
        raise DomainError(EvaluationError.NOT_IN_PUBLICITY, _("该考生不在公示名单中"), field="application")
    objection = Objection.objects.create(application=application, objector_name=objector_name.strip(),
                                         objector_contact=objector_contact.strip(), grounds=grounds.strip())  # fmt: skip
    from talentbase.core.actor import public_actor

    audit.record_audit(actor=public_actor(ip), verb="objection", obj=objection)
    return objection


def resolve(*, actor: Actor, objection: Objection, comment: str, transition: str) -> Objection:
    workflow.take_transition(objection, transition, actor=actor, comment=comment, changes={"resolution": comment.strip()})
    return objection


def uphold(*, actor: Actor, objection: Objection, comment: str) -> Objection:
    return resolve(actor=actor, objection=objection, comment=comment, transition="uphold")


def dismiss(*, actor: Actor, objection: Objection, comment: str) -> Objection:
    return resolve(actor=actor, objection=objection, comment=comment, transition="dismiss")


def may_resolve(objection: Objection, actor: Actor) -> bool:
    return actor.role == "hr" or objection.application.session.institution_id == actor.organisation_id


# An objection still open, or upheld, keeps a candidate's certificate back.
HOLDING = (ObjectionState.OPEN, ObjectionState.UPHELD)


def held_back(session: EvaluationSession) -> set[int]:
    """The applications of the session whose certificate an objection keeps back."""
    # unscoped: the rule every issuance checks
    return set(Objection.objects.filter(application__session=session, state__in=HOLDING)
               .values_list("application_id", flat=True))  # fmt: skip


def issuable(application: Application) -> bool:
    """No objection open or upheld against this candidate."""
    # unscoped: the rule every issuance checks
    return not Objection.objects.filter(application=application, state__in=HOLDING).exists()


def end_due_publicity(now: datetime.datetime) -> int:
    """Scheduled: every session whose publicity period is over moves to issuance."""
    today = today_in_china()
    done = 0
    # unscoped: scheduled work of the platform over every session
    for session in EvaluationSession.objects.filter(state=SessionState.PUBLICITY, publicity_until__lt=today):
        workflow.take_transition(session, "end_publicity", actor=system_actor(), comment=_("公示期满"))
        done += 1
    return done


jobs.register_scheduled("evaluation.end_publicity", end_due_publicity,
                        description="end the publicity of sessions whose period is over and open issuance")  # fmt: skip
