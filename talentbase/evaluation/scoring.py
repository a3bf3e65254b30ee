"""Scores (DOMAIN.md §7): theory, practical and — for 二级 and 一级 — comprehensive review, each out of 100,
each passed at the version's pass mark (60 by default); where the standard says so, the practical is sat only
after the theory is passed. Scores are entered by the institution or by the examiner assigned to that part
(avoidance checked again here), changed only with a reason (audited), and confirmed by a second person where
the session asks for it. A session's scoring is finished when every candidate has every part."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentbase.core import audit, scoping
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.roles import Role
from talentbase.registry.queries import person_of_user

from . import avoidance
from .errors import EvaluationError
from .models import (
    Application,
    ApplicationState,
    Assignment,
    Duty,
    EvaluationSession,
    Score,
    ScorePart,
    SessionState,
    VersionLevel,
)

PART_DUTY = {ScorePart.THEORY: Duty.INVIGILATOR, ScorePart.PRACTICAL: Duty.PRACTICAL, ScorePart.REVIEW: Duty.REVIEW}
INSTITUTIONS = (Role.EVALUATION, Role.ASSOCIATION)

audit.register_verb("score", gettext_lazy("录入成绩"))
audit.register_verb("score_change", gettext_lazy("修改成绩"))
audit.register_verb("score_confirm", gettext_lazy("确认成绩"))


def version_level(session: EvaluationSession) -> VersionLevel:
    # unscoped: the rules of the session's own version
    return VersionLevel.objects.get(version_id=session.version_id, level_id=session.level_id)


def parts_of(session: EvaluationSession, level_rules: VersionLevel | None = None) -> list[str]:
    rules = level_rules or version_level(session)
    return [ScorePart.THEORY, ScorePart.PRACTICAL] + ([ScorePart.REVIEW] if rules.has_review else [])


def parse_score(text) -> tuple[Decimal | None, bool]:
    """A typed score: a number from 0 to 100 with at most one decimal, or 缺考 (absent)."""
    if isinstance(text, Decimal | int | float):
        text = str(text)
    text = (text or "").strip()
    if text in ("缺考", "缺", "absent"):
        return None, True
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DomainError(EvaluationError.SCORE_RANGE, _("成绩应为 0 至 100 的数字，或“缺考”"), field="value") from None
    if not value.is_finite() or not (Decimal(0) <= value <= Decimal(100)) or value != value.quantize(Decimal("0.1")):
        raise DomainError(EvaluationError.SCORE_RANGE, _("成绩应为 0 至 100 的数字，最多一位小数"), field="value")
    return value, False


def passed(score, pass_mark: int) -> bool:
    return score is not None and not score.absent and score.value is not None and score.value >= pass_mark


def _examiner_assignment(actor: Actor, session: EvaluationSession, part: str) -> Assignment | None:
    # unscoped: the actor's own assignment to this session
    return Assignment.objects.filter(session=session, user_id=actor.user_id, active=True, duty=PART_DUTY[part]).first()


def _ensure_may_score(actor: Actor, session: EvaluationSession, application: Application, part: str) -> None:
    """The institution's staff, or the examiner assigned to that part — who must not have to avoid the candidate."""
    if actor.role in INSTITUTIONS and session.institution_id == actor.organisation_id:
        return
    if _examiner_assignment(actor, session, part) is None:
        raise DomainError(EvaluationError.NOT_THE_EXAMINER, _("只有本批次该科目的考评人员或评价机构可以录入"))
    me = person_of_user(actor.user_id)
    why = avoidance.conflicts(session, me.pk, [application.person_id]).get(application.person_id) if me else None
    if why:
        raise DomainError(EvaluationError.AVOIDANCE, _("须回避该考生：{why}").format(why=why))


@transaction.atomic
def enter_score(*, actor: Actor, application: Application, part: str, value="", absent: bool = False,
                reason: str = "") -> Score:  # fmt: skip
    application = scoping.get_for(actor, Application.objects.select_related("session"), application.pk, "view")
    session = EvaluationSession.objects.select_for_update().get(pk=application.session_id)  # unscoped: its session
    if session.state != SessionState.EXAMINING:
        raise DomainError(EvaluationError.NOT_EXAMINING, _("该批次不在考评阶段，不能录入成绩"))
    if application.state != ApplicationState.ACCEPTED:
        raise DomainError(EvaluationError.NOT_A_CANDIDATE, _("只有已受理的申报人有成绩"))
    rules = version_level(session)
    if part not in parts_of(session, rules):
        raise DomainError(EvaluationError.NOT_A_CANDIDATE, _("该等级没有此考核科目"), field="part")
    _ensure_may_score(actor, session, application, part)
    number, absent = (None, True) if absent else parse_score(value)
    scores = {s.part: s for s in Score.objects.select_for_update().filter(application=application)}  # unscoped: its own
    if part != ScorePart.THEORY and rules.theory_before_practical and not passed(scores.get(ScorePart.THEORY),
                                                                                 rules.pass_mark):  # fmt: skip
        raise DomainError(EvaluationError.THEORY_FIRST, _("本标准须先通过理论知识考试，方可参加操作技能考核和综合评审"))
    existing = scores.get(part)
    if existing is None:
        score = Score.objects.create(application=application, part=part, value=number, absent=absent,
                                     entered_by=actor.user)  # fmt: skip
        audit.record_audit(actor=actor, verb="score", obj=score, changes={"part": part, "value": str(number or "absent")})
        return score
    if (existing.value, existing.absent) == (number, absent):
        return existing
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError(EvaluationError.REASON_REQUIRED, _("修改已录入的成绩须填写原因"), field="reason")
    before = "缺考" if existing.absent else str(existing.value)
    existing.value, existing.absent, existing.entered_by = number, absent, actor.user
    existing.confirmed_by, existing.confirmed_at = None, None
    existing.save()
    audit.record_audit(actor=actor, verb="score_change", obj=existing, reason=reason[:500],
                       changes={"part": part, "value": [before, "缺考" if absent else str(number)]})  # fmt: skip
    return existing


@transaction.atomic
def confirm_score(*, actor: Actor, score: Score) -> Score:
    """A second person — the institution's staff or an examiner of that part — confirms an entered score."""
    score = scoping.get_for(actor, Score.objects.select_for_update().select_related("application__session"), score.pk,
                            "view")  # fmt: skip
    session = score.application.session
    if session.state != SessionState.EXAMINING:
        raise DomainError(EvaluationError.NOT_EXAMINING, _("该批次不在考评阶段"))
    _ensure_may_score(actor, session, score.application, score.part)
    if score.entered_by_id == actor.user_id:
        raise DomainError(EvaluationError.SAME_PERSON, _("成绩须由录入人以外的人员确认"))
    score.confirmed_by, score.confirmed_at = actor.user, timezone.now()
    score.save(update_fields=["confirmed_by", "confirmed_at"])
    audit.record_audit(actor=actor, verb="score_confirm", obj=score)
    return score


def result_of(application, scores: dict, parts: list[str], rules: VersionLevel,
              confirm: bool) -> str:  # fmt: skip
    """pass, fail or pending (a part missing or unconfirmed). A candidate who failed the theory under a
    theory-first standard has failed: the other parts are not sat."""
    theory = scores.get(ScorePart.THEORY)
    if rules.theory_before_practical and theory is not None and not passed(theory, rules.pass_mark):
        return "fail" if not confirm or theory.confirmed_at else "pending"
    for part in parts:
        score = scores.get(part)
        if score is None or (confirm and score.confirmed_at is None):
            return "pending"
    return "pass" if all(passed(scores[p], rules.pass_mark) for p in parts) else "fail"


class Mark(NamedTuple):
    """A score as ``result_of`` reads it, without a model instance (a session may have 10^4 candidates)."""

    value: Decimal | None
    absent: bool
    confirmed_at: object


def kept_parts(session: EvaluationSession, rules: VersionLevel, person_ids) -> dict[tuple[int, str], Mark]:
    """{(person, part): the passed score kept} — a part passed in an earlier session of the same occupation
    and level within the version's ``kept_years`` before this session's theory exam (DOMAIN.md §7 [check]):
    the candidate does not sit it again. Confirmed or not, as that session's scoring ended."""
    if not rules.kept_years:
        return {}
    since = session.theory_on.replace(year=session.theory_on.year - rules.kept_years)
    # unscoped: the candidates' own earlier scores, for this session's results
    earlier = Score.objects.filter(
        application__person_id__in=list(person_ids), application__state=ApplicationState.ACCEPTED,
        application__session__occupation_id=session.occupation_id, application__session__level_id=session.level_id,
        application__session__theory_on__gte=since, application__session__theory_on__lt=session.theory_on,
        application__session__state__in=[SessionState.SCORED, "publicity", "issuing", "completed"],
        absent=False, value__gte=rules.pass_mark,
    ).values_list("application__person_id", "part", "value")  # fmt: skip
    return {(person, part): Mark(value, False, True) for person, part, value in earlier}


def results(session: EvaluationSession, *, with_kept: bool = False):
    """{application: pass/fail/pending} for the session's accepted candidates: a few queries of tuples. A
    part missing here but passed in an earlier session within the kept period counts as passed.
    ``with_kept``: also {(application, part)} of the parts kept, for the score sheet."""
    rules = version_level(session)
    parts = parts_of(session, rules)
    by_application: dict[int, dict[str, Mark]] = {}
    # unscoped: the session's own scores, for its own results
    for application_id, part, value, absent, confirmed_at in Score.objects.filter(application__session=session) \
            .values_list("application_id", "part", "value", "absent", "confirmed_at"):  # fmt: skip
        by_application.setdefault(application_id, {})[part] = Mark(value, absent, confirmed_at)
    # unscoped: as above
    accepted = dict(Application.objects.filter(session=session, state=ApplicationState.ACCEPTED)
                    .values_list("pk", "person_id"))  # fmt: skip
    kept = kept_parts(session, rules, accepted.values())
    used: set[tuple[int, str]] = set()
    for pk, person in accepted.items():
        scores = by_application.setdefault(pk, {})
        for part in parts:
            if part not in scores and (person, part) in kept:
                scores[part] = kept[(person, part)]
                used.add((pk, part))
    answer = {pk: result_of(pk, by_application[pk], parts, rules, session.confirm_scores) for pk in accepted}
    return (answer, used) if with_kept else answer


def ready_to_finish(session: EvaluationSession, actor: Actor) -> None:
    """Scoring ends when the session was staffed as its rules ask and every candidate has every part."""
    gaps = avoidance.staffing_gaps(session)
    if gaps:
        raise DomainError(EvaluationError.STAFFING_INCOMPLETE, _("考评人员配备不全：{gaps}").format(gaps="；".join(gaps)))
    pending = [pk for pk, result in results(session).items() if result == "pending"]
    if pending:
        raise DomainError(EvaluationError.SCORES_INCOMPLETE,
                          _("还有 {n} 名考生的成绩未录入或未确认").format(n=len(pending)))  # fmt: skip
