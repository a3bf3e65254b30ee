"""Avoidance (回避) and staffing of a session: who may not examine whom, and whether a session has the
examiners its rules ask for (DOMAIN.md §7; the rules are data: ``AvoidanceRule``, ``StaffingRule``)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.utils.translation import gettext as _

from talentbase.registry.models import Employment

from .models import (
    Application,
    Assignment,
    AvoidanceRule,
    DeclaredRelation,
    Duty,
    EvaluationSession,
    StaffingRule,
)

CANDIDATE_STATES = ("submitted", "accepted")


def rule_for(session: EvaluationSession) -> AvoidanceRule:
    # unscoped: reference data every check reads
    rule = AvoidanceRule.objects.filter(institution_type=session.filing.institution_type).first()
    return rule or AvoidanceRule(institution_type=session.filing.institution_type, same_employer=True)


def staffing_rule() -> StaffingRule:
    # unscoped: reference data every check reads
    return StaffingRule.objects.order_by("pk").first() or StaffingRule(name="default")


def _current_jobs(person_ids: Iterable[int]) -> dict[int, set[tuple[int, str]]]:
    """{person: {(employer, department)}} of their current employments."""
    jobs: dict[int, set[tuple[int, str]]] = {}
    # unscoped: compared for avoidance, never shown
    for person_id, employer_id, department in Employment.objects.filter(
        person_id__in=list(person_ids), end_date__isnull=True
    ).values_list("person_id", "employer_id", "department"):
        jobs.setdefault(person_id, set()).add((employer_id, department))
    return jobs


def conflicts(session: EvaluationSession, examiner_id: int, candidate_ids: Iterable[int]) -> dict[int, str]:
    """{candidate: why this examiner may not mark them} under the session's institution type."""
    candidate_ids = [pk for pk in candidate_ids if pk != examiner_id]
    rule = rule_for(session)
    jobs = _current_jobs([examiner_id, *candidate_ids])
    mine = jobs.get(examiner_id, set())
    my_employers = {employer for employer, _dept in mine}
    my_departments = {(employer, dept) for employer, dept in mine if dept}
    found: dict[int, str] = {}
    for candidate in candidate_ids:
        theirs = jobs.get(candidate, set())
        if rule.same_employer and my_employers & {employer for employer, _dept in theirs}:
            found[candidate] = _("与考生同一单位")
        elif rule.same_department and my_departments & {(e, d) for e, d in theirs if d}:
            found[candidate] = _("与考生同一部门")
    # unscoped: relations declared about these persons, compared and never listed
    declared = DeclaredRelation.objects.filter(examiner_id=examiner_id, candidate_id__in=candidate_ids)
    reverse = DeclaredRelation.objects.filter(candidate_id=examiner_id, examiner_id__in=candidate_ids)
    for relation in declared:
        found.setdefault(relation.candidate_id, _("申报了{kind}关系").format(kind=relation.get_kind_display()))
    for relation in reverse:
        found.setdefault(relation.examiner_id, _("申报了{kind}关系").format(kind=relation.get_kind_display()))
    return found


def candidate_ids(session: EvaluationSession) -> list[int]:
    # unscoped: the session's candidates, for the session's own checks
    return list(Application.objects.filter(session=session, state__in=CANDIDATE_STATES).values_list("person_id", flat=True))


def active(session: EvaluationSession):
    # unscoped: the session's own staff, for the session's own checks
    return Assignment.objects.filter(session=session, active=True)


def staffing_gaps(session: EvaluationSession) -> list[str]:
    """What the session still lacks for its candidates, in words (empty: staffed as the rules ask)."""
    rule = staffing_rule()
    candidates = len(candidate_ids(session))
    counts = {duty: 0 for duty in Duty.values}
    for duty in active(session).values_list("duty", flat=True):
        counts[duty] += 1
    gaps = []
    invigilators = max(rule.min_invigilators, math.ceil(candidates / rule.candidates_per_invigilator))
    if counts[Duty.INVIGILATOR] < invigilators:
        gaps.append(_("理论考试监考人员须至少 {n} 名，现有 {m} 名").format(n=invigilators, m=counts[Duty.INVIGILATOR]))
    practical = rule.min_practical
    if rule.candidates_per_practical:
        practical = max(practical, math.ceil(candidates / rule.candidates_per_practical))
    if rule.odd_panels and practical % 2 == 0:
        practical += 1
    if counts[Duty.PRACTICAL] < practical:
        gaps.append(_("操作技能考评员须至少 {n} 名，现有 {m} 名").format(n=practical, m=counts[Duty.PRACTICAL]))
    elif rule.odd_panels and counts[Duty.PRACTICAL] % 2 == 0:
        gaps.append(_("操作技能考评员须为奇数"))
    has_review = session.version.levels.filter(level_id=session.level_id, has_review=True).exists()
    if has_review:
        if counts[Duty.REVIEW] < rule.min_review:
            gaps.append(_("综合评审专家须至少 {n} 名，现有 {m} 名").format(n=rule.min_review, m=counts[Duty.REVIEW]))
        elif rule.odd_panels and counts[Duty.REVIEW] % 2 == 0:
            gaps.append(_("综合评审专家须为奇数"))
    share = rule_for(session).outside_share
    if share:
        examiners = list(active(session).filter(duty__in=[Duty.PRACTICAL, Duty.REVIEW]).values_list("person_id", flat=True))
        if examiners:
            jobs = _current_jobs(examiners)
            outside = sum(1 for pk in examiners if session.institution_id not in {e for e, _d in jobs.get(pk, set())})
            if outside * 100 < share * len(examiners):
                gaps.append(_("外单位考评员须占 {share}% 以上，现有 {m}/{n}").format(share=share, m=outside,
                                                                                  n=len(examiners)))  # fmt: skip
    return gaps


def supervision_gaps(session: EvaluationSession) -> list[str]:
    """Results are published only after the assigned supervisors have reported."""
    supervisors = list(active(session).filter(duty__in=[Duty.INTERNAL_SUPERVISOR, Duty.EXTERNAL_SUPERVISOR]))
    if not supervisors:
        return [_("尚未指派质量督导员")]
    missing = [s for s in supervisors if not s.reported_at]
    return [_("{n} 名质量督导员尚未提交督导报告").format(n=len(missing))] if missing else []
