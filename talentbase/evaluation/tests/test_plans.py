"""Annual evaluation plans: lines only within a filing in force that month, reported to the appraisal
centre (HR) and the sector unit of each occupation, acknowledged once all have, returned with comments."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from talentbase.catalog.models import Level, Occupation
from talentbase.core.errors import DomainError
from talentbase.core.models import Decision
from talentbase.core.tests.refusals import refused
from talentbase.core.workflow import TransitionFormError, perform
from talentbase.evaluation import plans
from talentbase.evaluation.errors import EvaluationError
from talentbase.evaluation.models import EvaluationPlan, PlanAcknowledgement, PlanState
from talentbase.evaluation.workflows import PLAN_WORKFLOW
from talentbase.orgs.models import EvaluationFiling, FilingState

pytestmark = pytest.mark.django_db

GREENING = "4-09-10-01"


@pytest.fixture
def filing(personas):
    filing = EvaluationFiling.objects.create(
        organisation=personas.organisation("evaluation"), occupation=Occupation.objects.get(code=GREENING),
        state=FilingState.FILED, filing_number="沪绿评备 P-1", valid_from=datetime.date(2026, 1, 1),
        valid_to=datetime.date(2027, 6, 30), institution_type="S", site_serial="000321",
    )  # fmt: skip
    filing.levels.set(Level.objects.filter(code__in=["level5", "level4", "level3"]))
    return filing


def line(plan, actor, *, level="level4", month=3, count=40):
    return plans.save_line(actor=actor, plan=plan, values={
        "occupation": Occupation.objects.get(code=GREENING), "level": Level.objects.get(code=level),
        "month": month, "planned_candidates": count})  # fmt: skip


def test_lines_only_for_what_a_filing_covers_that_month(personas, filing):
    institution = personas.actor("evaluation")
    plan = plans.create_plan(actor=institution, year=2027)
    refused(EvaluationError.PLAN_EXISTS, plans.create_plan, actor=institution, year=2027)
    line(plan, institution, month=3)
    error = refused(EvaluationError.NOT_FILED, line, plan, institution, level="level1")
    assert "2027年3月" in str(error.message) and "没有覆盖" in str(error.message)
    refused(EvaluationError.NOT_FILED, line, plan, institution, month=7)  # the filing ends in June
    assert plan.lines.count() == 1


def test_reported_acknowledged_by_the_centre_and_the_sector_unit(personas, filing):
    institution, hr, sector = personas.actor("evaluation"), personas.actor("hr"), personas.actor("sector")
    assert Occupation.objects.get(code=GREENING).sector_id in sector.sector_ids
    plan = plans.create_plan(actor=institution, year=2027)
    refused(EvaluationError.PLAN_EMPTY, perform, plan, "submit", actor=institution, data={})
    line(plan, institution, month=3, count=40)
    line(plan, institution, level="level3", month=5, count=12)
    perform(plan, "submit", actor=institution, data={})
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED and plan.submitted_at is not None
    refused(EvaluationError.PLAN_LOCKED, line, plan, institution, month=4)

    perform(plan, "acknowledge", actor=hr, data={"comment": "已收到"})
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED  # the sector unit has still to
    assert plans.awaiting(plan) == {"hr": False, "sectors": {Occupation.objects.get(code=GREENING).sector_id}}
    with pytest.raises(DomainError):
        perform(plan, "acknowledge", actor=hr, data={})  # once is enough
    with pytest.raises(PermissionDenied):
        perform(plan, "acknowledge", actor=institution, data={})
    perform(plan, "acknowledge", actor=sector, data={})
    plan.refresh_from_db()
    assert plan.state == PlanState.ACKNOWLEDGED
    moves = list(Decision.objects.filter(object_type="evaluation.evaluationplan", object_id=str(plan.pk))
                 .values_list("transition", "role"))  # fmt: skip
    assert moves == [("submit", "evaluation"), ("acknowledge", "hr"), ("acknowledge", "sector"), ("complete", "system")]


def test_a_return_needs_comments_and_clears_the_acknowledgements(personas, filing):
    institution, hr, sector = personas.actor("evaluation"), personas.actor("hr"), personas.actor("sector")
    plan = plans.create_plan(actor=institution, year=2027)
    line(plan, institution)
    perform(plan, "submit", actor=institution, data={})
    perform(plan, "acknowledge", actor=hr, data={})
    with pytest.raises(TransitionFormError):
        perform(plan, "return", actor=sector, data={})
    perform(plan, "return", actor=sector, data={"comment": "5月与行业技能竞赛冲突，请调整"})
    plan.refresh_from_db()
    assert plan.state == PlanState.RETURNED and not PlanAcknowledgement.objects.filter(plan=plan).exists()
    line(plan, institution, month=4)  # editable again


def test_a_filing_revoked_after_the_line_was_written_stops_the_submission(personas, filing):
    institution = personas.actor("evaluation")
    plan = plans.create_plan(actor=institution, year=2027)
    line(plan, institution)
    EvaluationFiling.objects.filter(pk=filing.pk).update(state=FilingState.REVOKED)
    refused(EvaluationError.NOT_FILED, perform, plan, "submit", actor=institution, data={})
    assert EvaluationPlan.objects.get(pk=plan.pk).state == PlanState.DRAFT


def test_the_plan_pages(personas, filing):
    client = personas.client("evaluation")
    assert client.post(reverse("evaluation:plan-create"), {"year": 2027}).status_code == 302
    plan = EvaluationPlan.objects.get(year=2027)
    occupation = Occupation.objects.get(code=GREENING)
    bad = client.post(reverse("evaluation:plan-line-create", args=[plan.pk]), {
        "occupation": occupation.pk, "level": Level.objects.get(code="level1").pk, "month": 3,
        "planned_candidates": 10})  # fmt: skip
    assert bad.status_code == 400 and "没有覆盖" in bad.content.decode()
    ok = client.post(reverse("evaluation:plan-line-create", args=[plan.pk]), {
        "occupation": occupation.pk, "level": Level.objects.get(code="level4").pk, "month": 3,
        "planned_candidates": 25})  # fmt: skip
    assert ok.status_code == 302
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "共 25 人" in page and 'data-transition="submit"' in page
    client.post(reverse("evaluation:plan-transition", args=[plan.pk, "submit"]))
    hr_page = personas.client("hr").get(plan.get_absolute_url()).content.decode()
    assert 'data-transition="acknowledge"' in hr_page and "待市职业技能鉴定中心确认" in hr_page
    assert client.get(reverse("evaluation:plan-edit", args=[plan.pk])).status_code == 404


def test_the_plan_page_and_api_set_each_line_against_what_was_done(personas):
    from talentbase.evaluation.models import Application
    from talentbase.evaluation.tests.helpers import session_for
    from talentbase.registry.models import Person

    session = session_for(personas.organisation("evaluation"), state="examining")
    session_for(personas.organisation("evaluation"), state="cancelled")  # not counted
    for n, person in enumerate(Person.objects.filter(user__isnull=True).order_by("pk")[:3], start=1):
        Application.objects.create(session=session, person=person, channel="employer", applied_on=datetime.date(2026, 12, 1),
                                   ticket=f"2027777777{n:04d}", state="accepted" if n < 3 else "refused")  # fmt: skip
    line = session.plan_line
    assert plans.actual_by_line(line.plan)[line.pk] == {"plan_line_id": line.pk, "sessions": 1, "candidates": 2,
                                                        "certificates": 0}  # fmt: skip
    page = personas.client("evaluation").get(line.plan.get_absolute_url())
    assert page.status_code == 200 and ("已发证 0 人" in page.content.decode())
    body = personas.client("evaluation").get(reverse("planline-list"), {"plan": line.plan_id}).json()
    assert body["results"][0]["actual"] == {"sessions": 1, "candidates": 2, "certificates": 0}


def test_the_api_filters_plans_by_a_year_and_refuses_what_is_no_number_of_64_bits(personas):
    client = personas.client("city")
    assert client.get(reverse("evaluationplan-list"), {"year": 2026}).status_code == 200
    assert client.get(reverse("evaluationplan-list"), {"year": -(2**63)}).json()["results"] == []
    assert client.get(reverse("evaluationplan-list"), {"year": 2**63}).status_code == 400


# --- The plan's workflow as a state machine: whoever presses what, the state follows the table, and the
# plan is acknowledged exactly when HR and the sector unit have both acknowledged since its last submission.


PLAN_ROLES = ("evaluation", "hr", "sector", "city", "employer")
PLAN_NAMES = [t.name for t in PLAN_WORKFLOW.transitions]


@settings(max_examples=20, stateful_step_count=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
class PlanReview(RuleBasedStateMachine):
    @initialize()
    def draft(self):
        from tests.personas import Personas

        self.personas = Personas()
        institution = self.personas.actor("evaluation")
        organisation = self.personas.organisation("evaluation")
        if not EvaluationFiling.objects.filter(organisation=organisation, filing_number="沪绿评备 SM").exists():
            filing = EvaluationFiling.objects.create(
                organisation=organisation, occupation=Occupation.objects.get(code=GREENING), state=FilingState.FILED,
                filing_number="沪绿评备 SM", valid_from=datetime.date(2026, 1, 1), valid_to=datetime.date(2099, 12, 31),
                institution_type="S", site_serial="000999",
            )  # fmt: skip
            filing.levels.set(Level.objects.filter(code="level4"))
        year = 2030 + EvaluationPlan.objects.count()
        self.plan = plans.create_plan(actor=institution, year=year)
        plans.save_line(actor=institution, plan=self.plan, values={
            "occupation": Occupation.objects.get(code=GREENING), "level": Level.objects.get(code="level4"),
            "month": 3, "planned_candidates": 10})  # fmt: skip
        self.state = PlanState.DRAFT
        self.acknowledged_by: set[str] = set()

    @rule(name=st.sampled_from(PLAN_NAMES), role=st.sampled_from(PLAN_ROLES))
    def press(self, name, role):
        from django.core.exceptions import PermissionDenied

        actor = self.personas.actor(role)
        self.plan.refresh_from_db()
        try:
            perform(self.plan, name, actor=actor, data={"comment": "意见"})
        except (PermissionDenied, DomainError):
            return
        if name == "submit":
            self.state = PlanState.SUBMITTED
        elif name == "return":
            self.state, self.acknowledged_by = PlanState.RETURNED, set()
        elif name == "acknowledge":
            self.acknowledged_by.add(role)
            if {"hr", "sector"} <= self.acknowledged_by:
                self.state = PlanState.ACKNOWLEDGED
        else:  # "complete" is the platform's: no role may press it
            raise AssertionError(f"{role} pressed {name}")

    @invariant()
    def stored(self):
        if hasattr(self, "plan"):
            assert EvaluationPlan.objects.get(pk=self.plan.pk).state == self.state


def test_the_plan_review_follows_its_table_whatever_is_pressed():
    PlanReview.TestCase().runTest()


def test_a_line_deleted_on_its_page_returns_to_its_plan(personas, filing):
    institution = personas.actor("evaluation")
    plan = plans.create_plan(actor=institution, year=2027)
    made = line(plan, institution)
    response = personas.client("evaluation").post(reverse("evaluation:plan-line-delete", args=[made.pk]))
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert not plan.lines.exists()
