"""Standards and evaluation norms: seeded national versions, the norm's review (institution → city bureau →
HR), versions that supersede without changing the old one, and edits only while a version is a draft."""

import datetime

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from talentbase.catalog.models import Level, Occupation
from talentbase.core.errors import DomainError
from talentbase.core.models import AuditEvent, Decision
from talentbase.core.tests.refusals import refused
from talentbase.evaluation import actions
from talentbase.evaluation.errors import EvaluationError
from talentbase.evaluation.models import EligibilityPath, StandardVersion, VersionState
from talentbase.evaluation.workflows import VERSION_WORKFLOW

pytestmark = pytest.mark.django_db

EFFECTIVE = datetime.date(2027, 1, 1)


def norm_occupation() -> Occupation:
    return Occupation.objects.filter(national_standard="unknown", levels__code="level2").order_by("code").first()


def test_each_national_standard_is_a_filed_version_with_the_rules_of_its_template():
    version = StandardVersion.objects.get(occupation__code="4-09-10-01", kind="national")
    assert (version.state, version.generation, version.version) == (VersionState.FILED, "2018", 1)
    assert version.levels.count() == 5
    assert version.levels.get(level__code="level2").has_review and not version.levels.get(level__code="level4").has_review
    four = version.paths.filter(level__code="level4")
    assert four.count() == 3 and not four.filter(needs_review=True).exists()  # the 2018 template is sure
    # A standard older than the 2018 template keeps its rules flagged until checked against its text.
    old = StandardVersion.objects.get(occupation__standard_year=2015, kind="national")
    assert old.paths.exists() and not old.paths.filter(needs_review=False).exists()


def test_a_norm_is_drafted_only_for_an_occupation_without_a_national_standard(personas):
    institution = personas.actor("evaluation")
    national = Occupation.objects.get(code="4-09-10-01")
    refused(EvaluationError.HAS_NATIONAL_STANDARD, actions.create_version, actor=institution,
            values={"occupation": national, "title": "园林绿化工评价规范", "generation": "2023"})  # fmt: skip
    from dataclasses import replace

    from django.core.exceptions import PermissionDenied

    # A staff member of an organisation that does not evaluate (here: an employer) cannot draft one.
    not_an_institution = replace(institution, organisation_id=personas.organisation("employer").pk)
    refused(EvaluationError.NOT_INSTITUTION, actions.create_version, actor=not_an_institution,
            values={"occupation": norm_occupation(), "title": "x", "generation": "2023"})  # fmt: skip
    with pytest.raises(PermissionDenied):
        actions.create_version(actor=personas.actor("employer"), values={"occupation": norm_occupation()})


def test_the_review_of_a_norm_from_draft_to_force_and_its_next_version(personas):
    institution, city, hr = personas.actor("evaluation"), personas.actor("city"), personas.actor("hr")
    occupation = norm_occupation()
    norm = actions.create_version(actor=institution, values={
        "occupation": occupation, "title": f"{occupation.name}评价规范", "generation": "2023"})  # fmt: skip
    assert (norm.kind, norm.institution_id, norm.version, norm.state) == (
        "norm", personas.organisation("evaluation").pk, 1, VersionState.DRAFT)
    # Its levels are the occupation's, its paths the template's, flagged to be checked.
    assert set(norm.levels.values_list("level__code", flat=True)) == set(
        occupation.levels.exclude(national_number=None).values_list("code", flat=True))
    assert norm.paths.exists() and not norm.paths.filter(needs_review=False).exists()

    level2_paths = list(norm.paths.filter(level__code="level2"))
    for path in level2_paths:
        actions.delete_path(actor=institution, path=path)
    error = refused(EvaluationError.LEVEL_WITHOUT_PATH, VERSION_WORKFLOW.transition("submit").guard, norm, institution)
    assert "二级" in str(error.message)
    actions.save_path(actor=institution, version=norm, values={
        "level": Level.objects.get(code="level2"), "order": 1, "required_level": Level.objects.get(code="level3"),
        "years": 5, "years_since_level": True, "description": "取得三级证书后从事本职业5年",
    })  # fmt: skip

    from talentbase.core.workflow import perform

    perform(norm, "submit", actor=institution, data={})
    refused(EvaluationError.VERSION_LOCKED, actions.update_version, actor=institution, version=norm,
            values={"title": "改名"})  # fmt: skip
    from talentbase.core.workflow import TransitionFormError

    with pytest.raises(TransitionFormError):
        perform(norm, "return", actor=city, data={})  # a return needs its comment
    perform(norm, "return", actor=city, data={"comment": "请补充技能要求"})
    assert StandardVersion.objects.get(pk=norm.pk).state == VersionState.RETURNED
    actions.update_version(actor=institution, version=norm, values={"exam_structure": "理论闭卷 90 分钟"})
    perform(norm, "submit", actor=institution, data={})
    perform(norm, "approve", actor=city, data={})
    perform(norm, "file", actor=hr, data={"hr_filing_number": "沪人社评规 2026-01", "effective_from": EFFECTIVE})
    norm.refresh_from_db()
    assert (norm.state, norm.hr_filing_number, norm.effective_from) == (
        VersionState.FILED, "沪人社评规 2026-01", EFFECTIVE)
    history = list(Decision.objects.filter(object_type="evaluation.standardversion", object_id=str(norm.pk))
                   .values_list("transition", flat=True))  # fmt: skip
    assert history == ["submit", "return", "submit", "approve", "file"]

    # A second version: the first stays as it was, superseded, when the second is filed.
    second = actions.create_version(actor=institution, values={
        "occupation": occupation, "title": f"{occupation.name}评价规范", "generation": "2023"})  # fmt: skip
    assert second.version == 2
    paths_before = list(norm.paths.values_list("pk", "description"))
    perform(second, "submit", actor=institution, data={})
    perform(second, "approve", actor=city, data={})
    perform(second, "file", actor=hr, data={"hr_filing_number": "沪人社评规 2027-02", "effective_from": EFFECTIVE})
    norm.refresh_from_db()
    assert norm.state == VersionState.SUPERSEDED
    assert list(norm.paths.values_list("pk", "description")) == paths_before
    assert AuditEvent.objects.filter(object_type="evaluation.standardversion", object_id=str(norm.pk)).exists()


def test_the_city_publishes_a_national_version_and_the_institution_may_not(personas):
    city, institution = personas.actor("city"), personas.actor("evaluation")
    occupation = Occupation.objects.get(code="4-09-10-01")
    version = actions.create_version(actor=city, values={"occupation": occupation, "title": "园林绿化工国家职业技能标准（2026年版）",
                                                         "generation": "2023"})  # fmt: skip
    assert (version.kind, version.version) == ("national", 2)
    from talentbase.core.workflow import perform

    assert [t.name for t in VERSION_WORKFLOW.available(version, institution)] == []
    perform(version, "publish", actor=city, data={"effective_from": EFFECTIVE})
    assert StandardVersion.objects.get(occupation=occupation, kind="national", version=1).state == VersionState.SUPERSEDED


def test_levels_and_paths_are_checked_and_locked_once_submitted(personas):
    institution = personas.actor("evaluation")
    occupation = norm_occupation()
    norm = actions.create_version(actor=institution, values={"occupation": occupation, "title": "规范",
                                                             "generation": "2018"})  # fmt: skip
    row = norm.levels.get(level__code="level4")
    refused(EvaluationError.WEIGHTS, actions.save_version_level, actor=institution, version=norm, level_row=row,
            values={"theory_weight": 40, "skill_weight": 70})  # fmt: skip
    actions.save_version_level(actor=institution, version=norm, level_row=row,
                               values={"theory_weight": 40, "skill_weight": 60, "theory_before_practical": True})  # fmt: skip
    refused(EvaluationError.LEVEL_NOT_OFFERED, actions.save_version_level, actor=institution, version=norm,
            values={"level": Level.objects.get(code="apprentice")})  # fmt: skip
    refused(EvaluationError.PATH_EMPTY, actions.save_path, actor=institution, version=norm,
            values={"level": Level.objects.get(code="level4"), "description": "无条件"})  # fmt: skip
    from talentbase.core.workflow import perform

    perform(norm, "submit", actor=institution, data={})
    path = norm.paths.first()
    refused(EvaluationError.VERSION_LOCKED, actions.delete_path, actor=institution, path=path)
    assert EligibilityPath.objects.filter(pk=path.pk).exists()


def test_the_pages_draft_show_and_lock_a_norm(personas):
    client = personas.client("evaluation")
    occupation = norm_occupation()
    response = client.post(reverse("evaluation:version-create"), {
        "occupation": occupation.pk, "title": f"{occupation.name}评价规范", "generation": "2023"})  # fmt: skip
    assert response.status_code == 302
    norm = StandardVersion.objects.get(occupation=occupation, kind="norm")
    page = client.get(norm.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200 and "申报条件" in text and "待核实" in text
    assert reverse("evaluation:path-create", args=[norm.pk]) in text
    added = client.post(reverse("evaluation:path-create", args=[norm.pk]), {
        "level": Level.objects.get(code="level4").pk, "order": 9, "description": "累计从事本职业7年",
        "years": "7", "years_since_level": "", "school": "", "title_grade": ""})  # fmt: skip
    assert added.status_code == 302, added.content.decode()[:2000]
    assert norm.paths.filter(description="累计从事本职业7年", years=7).exists()
    client.post(reverse("evaluation:version-transition", args=[norm.pk, "submit"]))
    assert client.get(reverse("evaluation:version-edit", args=[norm.pk])).status_code == 404
    locked = client.get(norm.get_absolute_url()).content.decode()
    assert reverse("evaluation:path-create", args=[norm.pk]) not in locked
    city = personas.client("city").get(norm.get_absolute_url()).content.decode()
    assert 'data-transition="approve"' in city and 'data-transition="return"' in city


# --- The norm's workflow as a state machine: whatever is pressed by whom, the state follows the table.

ROLES = ("evaluation", "city", "hr", "employer")
NAMES = [t.name for t in VERSION_WORKFLOW.transitions]
TABLE = {(t.name, s): t for t in VERSION_WORKFLOW.transitions for s in t.source}


@settings(max_examples=25, stateful_step_count=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
class NormReview(RuleBasedStateMachine):
    personas = None

    @initialize()
    def draft(self):
        from tests.personas import Personas

        self.personas = Personas()
        institution = self.personas.actor("evaluation")
        self.norm = actions.create_version(actor=institution, values={
            "occupation": norm_occupation(), "title": "状态机规范", "generation": "2023"})  # fmt: skip
        self.state = VersionState.DRAFT

    @rule(name=st.sampled_from(NAMES), role=st.sampled_from(ROLES))
    def press(self, name, role):
        from django.core.exceptions import PermissionDenied

        from talentbase.core.workflow import perform

        actor = self.personas.actor(role)
        transition = TABLE.get((name, self.state))
        allowed = transition is not None and role in transition.roles and transition.when(self.norm, actor)
        data = {"comment": "意见", "hr_filing_number": "沪人社评规 SM", "effective_from": EFFECTIVE}
        try:
            perform(self.norm, name, actor=actor, data=data)
        except (PermissionDenied, DomainError):
            assert not allowed, (name, role, self.state)
        else:
            assert allowed, (name, role, self.state)
            self.state = transition.target

    @invariant()
    def stored(self):
        if self.personas is not None:
            assert StandardVersion.objects.get(pk=self.norm.pk).state == self.state


@pytest.mark.django_db
def test_the_norm_review_follows_its_table_whatever_is_pressed():
    NormReview.TestCase().runTest()


def test_hr_returns_an_approved_norm_to_its_institution_and_a_level_is_added_on_its_page(personas):
    from talentbase.core.workflow import perform

    institution, city, hr = personas.actor("evaluation"), personas.actor("city"), personas.actor("hr")
    occupation = norm_occupation()
    norm = actions.create_version(actor=institution, values={"occupation": occupation, "title": "规范",
                                                             "generation": "2023"})  # fmt: skip
    perform(norm, "submit", actor=institution, data={})
    perform(norm, "approve", actor=city, data={})
    perform(norm, "return_by_hr", actor=hr, data={"comment": "请补充考核时长"})
    assert StandardVersion.objects.get(pk=norm.pk).state == VersionState.RETURNED
    # Back in the institution's hands: it removes a level and adds it again on the page.
    row = norm.levels.get(level__code="level5")
    actions.delete_version_level(actor=institution, level_row=row)
    assert not norm.paths.filter(level__code="level5").exists()
    client = personas.client("evaluation")
    response = client.post(reverse("evaluation:level-create", args=[norm.pk]), {
        "level": Level.objects.get(code="level5").pk, "theory_weight": 40, "skill_weight": 60, "pass_mark": 60,
        "kept_years": 2})  # fmt: skip
    assert response.status_code == 302
    assert norm.levels.get(level__code="level5").theory_weight == 40
    wrong = client.post(reverse("evaluation:level-create", args=[norm.pk]), {
        "level": Level.objects.get(code="level4").pk, "theory_weight": 40, "skill_weight": 60, "pass_mark": 60,
        "kept_years": 2})  # fmt: skip
    assert wrong.status_code == 400  # the level is there already
