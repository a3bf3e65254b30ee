"""The demo world's evaluation (issue 15): filings, an institution's norm in each state, a year of plans,
sessions in every state with candidates, staff, scores, an objection, issued and revoked certificates, and
demo logins for an examiner and a supervisor. Built through the apps' actions where a state is reached by
them, and written directly where a demo only needs the state to exist (candidates' eligibility is marked
as demo data)."""

from __future__ import annotations

import dataclasses
import datetime

from django.db import transaction

from talentbase.accounts.actors import actor_for_membership
from talentbase.accounts.models import Membership, User
from talentbase.catalog.models import Level, Occupation
from talentbase.core.actor import system_actor
from talentbase.core.roles import Role
from talentbase.orgs.models import EvaluationFiling, FilingState, Organisation

GREENING = "4-09-10-01"
YEAR = 2026


def _actor(username: str):
    user = User.objects.get(username=username, is_demo=True)
    return actor_for_membership(user.memberships.get())


def _filings(institutions) -> list[EvaluationFiling]:
    occupation = Occupation.objects.get(code=GREENING)
    levels = Level.objects.filter(code__in=["level5", "level4", "level3", "level2"])
    filings = []
    for index, institution in enumerate(institutions):
        kinds = institution.kind_codes()
        filing, _created = EvaluationFiling.objects.get_or_create(
            organisation=institution, occupation=occupation,
            defaults={"state": FilingState.FILED, "filing_number": f"沪绿评备 2025-{index + 1:03d}",
                      "valid_from": datetime.date(2025, 1, 1), "valid_to": datetime.date(2028, 12, 31),
                      "institution_type": "Y" if "employer_evaluation" in kinds else "S",
                      "site_serial": f"{100 + index:06d}",
                      "numbering": "hr_system" if index == 3 else "platform"},
        )  # fmt: skip
        filing.levels.set(levels)
        filings.append(filing)
    return filings


def _norms(institution_actor, city, hr) -> None:
    """A norm for an occupation without a national standard: one version in force, the next submitted; and
    drafts returned and kept."""
    from talentbase.core.workflow import perform
    from talentbase.evaluation import actions

    occupation = Occupation.objects.filter(national_standard="unknown", sector__code="greening").order_by("code").first()
    first = actions.create_version(actor=institution_actor, values={
        "occupation": occupation, "title": f"{occupation.name}评价规范", "generation": "2023"})  # fmt: skip
    perform(first, "submit", actor=institution_actor, data={})
    perform(first, "approve", actor=city, data={})
    perform(first, "file", actor=hr, data={"hr_filing_number": "沪人社评规 2026-001",
                                           "effective_from": datetime.date(2026, 3, 1)})  # fmt: skip
    second = actions.create_version(actor=institution_actor, values={
        "occupation": occupation, "title": f"{occupation.name}评价规范（修订）", "generation": "2023"})  # fmt: skip
    perform(second, "submit", actor=institution_actor, data={})
    other = Occupation.objects.filter(national_standard="unknown", sector__code="greening").order_by("code")[1]
    returned = actions.create_version(actor=institution_actor, values={
        "occupation": other, "title": f"{other.name}评价规范", "generation": "2023"})  # fmt: skip
    perform(returned, "submit", actor=institution_actor, data={})
    perform(returned, "return", actor=city, data={"comment": "请补充操作技能考核的评分细则"})
    third = Occupation.objects.filter(national_standard="unknown", sector__code="greening").order_by("code")[2]
    actions.create_version(actor=institution_actor, values={
        "occupation": third, "title": f"{third.name}评价规范", "generation": "2023"})  # fmt: skip


def _plan(institution_actor, hr, sector):
    from talentbase.core.workflow import perform
    from talentbase.evaluation import plans

    occupation = Occupation.objects.get(code=GREENING)
    plan = plans.create_plan(actor=institution_actor, year=YEAR, note="演示：全年四批")
    lines = {}
    for level, month, count in (("level4", 3, 60), ("level4", 6, 60), ("level3", 9, 30), ("level4", 11, 40),
                                ("level4", 12, 40), ("level3", 12, 20)):  # fmt: skip
        lines[(level, month)] = plans.save_line(actor=institution_actor, plan=plan, values={
            "occupation": occupation, "level": Level.objects.get(code=level), "month": month,
            "planned_candidates": count})  # fmt: skip
    perform(plan, "submit", actor=institution_actor, data={})
    perform(plan, "acknowledge", actor=hr, data={"comment": "已收到"})
    perform(plan, "acknowledge", actor=sector, data={})
    next_year = plans.create_plan(actor=institution_actor, year=YEAR + 1)
    plans.save_line(actor=institution_actor, plan=next_year, values={
        "occupation": occupation, "level": Level.objects.get(code="level4"), "month": 4, "planned_candidates": 50})
    perform(next_year, "submit", actor=institution_actor, data={})
    return lines


def _person_with_account(username: str, full_name: str, employer: Organisation):
    from talentbase.registry.models import Employment, Person

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, is_demo=True)
        from .world import DEMO_PASSWORD

        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.get_or_create(user=user, organisation=employer, role=Role.WORKER)
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = (Person.objects.filter(user__isnull=True, employments__employer=employer).order_by("-pk").first()
                  or Person.objects.filter(user__isnull=True).order_by("-pk").first())  # fmt: skip
        person.user = user
        person.save()
    Employment.objects.filter(person=person).exclude(employer=employer).delete()
    if not Employment.objects.filter(person=person, employer=employer, end_date__isnull=True).exists():
        Employment.objects.create(person=person, employer=employer, start_date=datetime.date(2012, 3, 1))
    return person


@transaction.atomic
def build_evaluation() -> dict:
    """Idempotent: nothing is done when the demo's plan exists already."""
    from talentbase.certificates import issuing
    from talentbase.certificates.models import Certificate
    from talentbase.core.workflow import perform
    from talentbase.evaluation import sessions
    from talentbase.evaluation.models import (
        Application,
        Assignment,
        Duty,
        EvaluationPlan,
        EvaluationSession,
        ExaminerQualification,
        Objection,
        Score,
        StandardVersion,
    )
    from talentbase.registry.models import Person

    institution_actor, hr, city, sector = _actor("evaluation"), _actor("hr"), _actor("city"), _actor("sector")
    institution = Organisation.objects.get(pk=institution_actor.organisation_id)
    if EvaluationPlan.objects.filter(institution=institution, year=YEAR).exists():
        return {}
    institutions = list(Organisation.objects.filter(kinds__code__in=["social_evaluation", "employer_evaluation"])
                        .order_by("pk").distinct()[:4])  # fmt: skip
    _filings(institutions)
    _norms(institution_actor, city, hr)
    lines = _plan(institution_actor, hr, sector)
    occupation = Occupation.objects.get(code=GREENING)
    version = StandardVersion.objects.get(occupation=occupation, kind="national", state="filed")
    employer = Organisation.objects.get(pk=_actor("employer").organisation_id)
    examiner = _person_with_account("examiner", "演示考评员", employer)
    supervisor = _person_with_account("supervisor", "演示质量督导员", employer)
    ExaminerQualification.objects.get_or_create(
        person=examiner, occupation=occupation, card_number="KPY-DEMO-0001",
        defaults={"highest_level": Level.objects.get(code="level2"), "valid_from": datetime.date(2024, 1, 1),
                  "valid_to": datetime.date(2029, 12, 31)},
    )  # fmt: skip
    candidates = list(Person.objects.filter(user__isnull=True).exclude(pk__in=[examiner.pk, supervisor.pk])
                      .order_by("pk")[:40])  # fmt: skip

    def session(key, name, month, theory_day, state, *, closes=None):
        line = lines[key]
        theory = datetime.date(YEAR, month, theory_day)
        made = sessions.create_session(actor=institution_actor, values={
            "plan_line": line, "version": version, "name": name, "registration_closes": closes or theory - datetime.timedelta(days=20),
            "theory_on": theory, "practical_on": theory + datetime.timedelta(days=1),
            "review_on": None, "venue": "上海市徐汇区龙吴路 1100 号", "capacity": line.planned_candidates})  # fmt: skip
        EvaluationSession.objects.filter(pk=made.pk).update(state=state)
        made.refresh_from_db()
        return made

    def enrol(target, people, *, passed=0, failed=0):
        applications = []
        for n, person in enumerate(people, start=1):
            applications.append(Application.objects.create(
                session=target, person=person, employer=employer, channel="batch", applied_on=target.registration_closes,
                ticket=f"{target.theory_on:%Y}{target.pk:06d}{n:04d}", state="accepted", eligibility_note="（演示数据）"))
        for application in applications[:passed]:
            Score.objects.create(application=application, part="theory", value=82)
            Score.objects.create(application=application, part="practical", value=78)
        for application in applications[passed:passed + failed]:
            Score.objects.create(application=application, part="theory", value=65)
            Score.objects.create(application=application, part="practical", value=52)
        return applications

    def staff(target, *, report=True):
        Assignment.objects.create(session=target, person=examiner, user=examiner.user, duty=Duty.PRACTICAL)
        Assignment.objects.create(session=target, person=supervisor, user=supervisor.user,
                                  duty=Duty.EXTERNAL_SUPERVISOR, acting_for=Organisation.objects.get(name="上海市园林绿化行业协会"),
                                  report="考场秩序良好，身份核验严格，考评员独立评分。" if report else "",
                                  reported_at=datetime.datetime(YEAR, 6, 20, tzinfo=datetime.UTC) if report else None)  # fmt: skip

    done = session(("level4", 3), f"园林绿化工四级 {YEAR} 第1批", 3, 15, "issuing")
    enrol(done, candidates[:8], passed=6, failed=2)
    staff(done)
    EvaluationSession.objects.filter(pk=done.pk).update(publicity_from=datetime.date(YEAR, 4, 1),
                                                        publicity_until=datetime.date(YEAR, 4, 8))  # fmt: skip
    issuing.issue_certificates(actor=dataclasses.replace(system_actor(), second_factor=True), session=done)
    revoked = Certificate.objects.filter(session=done).order_by("number").last()
    perform(revoked, "revoke", actor=hr, data={"comment": "演示：复核发现工作年限证明不实"})
    perform(done, "complete", actor=institution_actor, data={})

    publicity = session(("level4", 6), f"园林绿化工四级 {YEAR} 第2批", 6, 10, "publicity")
    applied = enrol(publicity, candidates[8:14], passed=5, failed=1)
    staff(publicity)
    EvaluationSession.objects.filter(pk=publicity.pk).update(publicity_from=datetime.date(YEAR, 12, 1),
                                                             publicity_until=datetime.date(YEAR, 12, 7))  # fmt: skip
    Objection.objects.create(application=applied[0], objector_name="演示异议人", objector_contact="13800000000",
                             grounds="演示：该考生的工作年限证明与社保记录不一致")  # fmt: skip

    scored = session(("level3", 9), f"园林绿化工三级 {YEAR} 第1批", 9, 20, "scored")
    enrol(scored, candidates[14:20], passed=4, failed=2)
    staff(scored, report=False)
    examining = session(("level4", 11), f"园林绿化工四级 {YEAR} 第3批", 11, 20, "examining")
    enrol(examining, candidates[20:26])
    staff(examining, report=False)
    registration = session(("level4", 12), f"园林绿化工四级 {YEAR} 第4批", 12, 28, "registration",
                           closes=datetime.date(YEAR, 12, 20))
    enrol(registration, candidates[26:30])
    session(("level3", 12), f"园林绿化工三级 {YEAR} 第2批", 12, 29, "draft", closes=datetime.date(YEAR, 12, 21))
    cancelled = session(("level3", 12), f"园林绿化工三级 {YEAR} 第2批（已取消）", 12, 30, "cancelled",
                        closes=datetime.date(YEAR, 12, 22))
    return {"sessions": EvaluationSession.objects.filter(institution=institution).count(),
            "certificates": Certificate.objects.count(), "cancelled": cancelled.pk}
