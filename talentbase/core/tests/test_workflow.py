"""Workflows (SECURITY.md "workflows": illegal transitions accepted: 0), on the real filing workflow of an
evaluation institution (talentbase/orgs/workflows.py): the named rules one by one, every disallowed
state × transition × role tried through the API, and random sequences driven by Hypothesis.
"""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from talentbase.catalog.models import Level, Occupation
from talentbase.core import audit
from talentbase.core.errors import CoreError, DomainError
from talentbase.core.models import AuditEvent, Decision
from talentbase.core.roles import Role
from talentbase.core.tests.refusals import refused
from talentbase.core.workflow import available_transitions, take_transition
from talentbase.orgs import actions
from talentbase.orgs.errors import OrgError
from talentbase.orgs.models import EvaluationFiling, FilingState
from talentbase.orgs.workflows import FILING_WORKFLOW, ready_to_file
from tests.personas import ROLES, Personas

OCCUPATION = "4-09-10-01"  # 园林绿化工, 五级–一级
VALID_FROM = datetime.date(2026, 1, 1)
VALID_TO = datetime.date(2028, 12, 31)
_numbers = itertools.count(1)

# --- The simple model the implementation is checked against: written out by hand from the notice, not
# derived from FILING_WORKFLOW, so that a wrong table fails here.
MOVES = {
    (FilingState.DRAFT, "submit"): FilingState.SUBMITTED,
    (FilingState.RETURNED, "submit"): FilingState.SUBMITTED,
    (FilingState.SUBMITTED, "return"): FilingState.RETURNED,
    (FilingState.SUBMITTED, "file"): FilingState.FILED,
    (FilingState.FILED, "revoke"): FilingState.REVOKED,
}
TAKEN_BY = {
    "submit": {Role.EVALUATION, Role.ASSOCIATION},
    "return": {Role.HR},
    "file": {Role.HR},
    "revoke": {Role.HR},
}
NEEDS_COMMENT = {"return", "revoke"}
# Who may ever change a filing; an institution changes only its own filings (HR all of them).
CHANGERS = {Role.HR, Role.EVALUATION, Role.ASSOCIATION}
INSTITUTIONS = {Role.EVALUATION, Role.ASSOCIATION}


def personas_to_try() -> list[tuple[str, str, bool]]:
    """(username, role, outsider) for every role and its same-role outsider, where there is one."""
    result = []
    for role in ROLES:
        result.append((role, role, False))
        if role not in ("city", "sysadmin", "secadmin", "auditadmin"):
            result.append((f"{role}2", role, True))
    return result


def expected_status(username: str, role: str, transition: str, state: str, owner: str = "evaluation") -> int:
    """The answer to ``username`` (acting as ``role``) taking ``transition`` on a filing in ``state`` that
    belongs to the institution of the persona named ``owner``."""
    if role not in CHANGERS:
        return 403  # the role may never change a filing
    if role in INSTITUTIONS and username != owner:
        return 404  # another institution's filing: out of scope, existence not revealed
    if transition in TAKEN_BY and role not in TAKEN_BY[transition]:
        return 403  # a button this role never has
    return 200 if MOVES.get((state, transition)) else 400


def make_filing(organisation, state=FilingState.DRAFT) -> EvaluationFiling:
    """A filing ready for any transition: levels chosen, a number and validity recorded."""
    filing = EvaluationFiling.objects.create(
        organisation=organisation,
        occupation=Occupation.objects.get(code=OCCUPATION),
        state=state,
        filing_number=f"TEST-{next(_numbers):06d}",
        valid_from=VALID_FROM,
        valid_to=VALID_TO,
        institution_type="S",
        site_serial=f"{organisation.pk:06d}",
    )
    filing.levels.set(Level.objects.filter(code__in=["level5", "level4"]))
    return filing


def state_of(filing) -> str:
    return EvaluationFiling.objects.values_list("state", flat=True).get(pk=filing.pk)


# --- The named rules, one journey.


@pytest.fixture
def draft(personas):
    occupation = Occupation.objects.get(code=OCCUPATION)
    return actions.create_filing(
        actor=personas.actor("evaluation"),
        values={"occupation": occupation},
        m2m={"levels": list(Level.objects.filter(code__in=["level5", "level4", "level3"]))},
    )


@pytest.mark.django_db
def test_the_institution_submits_its_draft_with_a_decision_and_an_audit_event(personas, draft):
    institution = personas.actor("evaluation")
    decision = actions.decide_filing(actor=institution, filing=draft, transition="submit")
    assert state_of(draft) == FilingState.SUBMITTED
    assert (decision.from_state, decision.to_state, decision.transition) == ("draft", "submitted", "submit")
    assert (decision.actor, decision.role, decision.organisation_id) == (
        institution.user,
        "evaluation",
        institution.organisation_id,
    )
    event = AuditEvent.objects.filter(
        verb=audit.TRANSITION, object_type="orgs.evaluationfiling", object_id=str(draft.pk)
    ).get()
    assert event.changes == {"state": ["draft", "submitted"], "transition": "submit"}
    assert (event.actor_id, event.role) == (institution.user.pk, "evaluation")


@pytest.mark.django_db
def test_a_draft_without_levels_cannot_be_submitted(personas, draft):
    draft.levels.clear()
    refused(OrgError.NO_LEVELS, actions.decide_filing, actor=personas.actor("evaluation"), filing=draft,
            transition="submit")  # fmt: skip
    assert state_of(draft) == FilingState.DRAFT


@pytest.mark.django_db
def test_hr_returns_a_submission_only_with_a_comment_and_the_institution_resubmits(personas, draft):
    institution, hr = personas.actor("evaluation"), personas.actor("hr")
    actions.decide_filing(actor=institution, filing=draft, transition="submit")
    decisions = Decision.objects.count()
    refused(CoreError.COMMENT_REQUIRED, actions.decide_filing, actor=hr, filing=draft, transition="return")
    refused(CoreError.COMMENT_REQUIRED, actions.decide_filing, actor=hr, filing=draft, transition="return",
            comment="   ")  # fmt: skip
    assert state_of(draft) == FilingState.SUBMITTED
    assert Decision.objects.count() == decisions

    decision = actions.decide_filing(
        actor=hr, filing=draft, transition="return", comment="请补充考评人员名单"
    )
    assert state_of(draft) == FilingState.RETURNED
    assert decision.comment == "请补充考评人员名单"
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.reason == "请补充考评人员名单"
    assert event.changes["state"] == ["submitted", "returned"]

    actions.decide_filing(actor=institution, filing=draft, transition="submit")
    assert state_of(draft) == FilingState.SUBMITTED
    history = [(d.from_state, d.to_state) for d in Decision.objects.filter(object_id=str(draft.pk))]
    assert history == [("draft", "submitted"), ("submitted", "returned"), ("returned", "submitted")]


@pytest.mark.django_db
def test_hr_files_only_with_a_filing_number_of_its_own_and_a_validity(personas, draft):
    institution, hr = personas.actor("evaluation"), personas.actor("hr")
    actions.decide_filing(actor=institution, filing=draft, transition="submit")

    refused(OrgError.FILING_NUMBER_REQUIRED, actions.decide_filing, actor=hr, filing=draft, transition="file")
    assert state_of(draft) == FilingState.SUBMITTED

    other = make_filing(personas.organisation("evaluation", outsider=True), FilingState.FILED)
    error = refused(
        "invalid",
        actions.update_filing,
        actor=hr,
        filing=draft,
        values={"filing_number": other.filing_number, "valid_from": VALID_FROM, "valid_to": VALID_TO},
        m2m={},
    )
    assert (error.field, str(error.message)) == ("filing_number", "备案编号已被使用")
    error = refused(
        "invalid",
        actions.update_filing,
        actor=hr,
        filing=draft,
        values={"filing_number": "沪绿评备 2026-001", "valid_from": VALID_TO, "valid_to": VALID_FROM},
        m2m={},
    )
    assert (error.field, str(error.message)) == ("valid_to", "截止日期不能早于起始日期")
    draft.refresh_from_db()
    assert (draft.state, draft.filing_number, draft.valid_to) == (FilingState.SUBMITTED, "", None)

    actions.update_filing(actor=hr, filing=draft, m2m={},
                          values={"filing_number": "沪绿评备 2026-001", "valid_from": VALID_FROM})  # fmt: skip
    refused(OrgError.FILING_DATES, actions.decide_filing, actor=hr, filing=draft, transition="file")
    actions.update_filing(actor=hr, filing=draft, values={"valid_to": VALID_TO}, m2m={})
    error = refused(OrgError.NUMBERING_REQUIRED, actions.decide_filing, actor=hr, filing=draft, transition="file")
    assert error.field == "site_serial"
    actions.update_filing(actor=hr, filing=draft, values={"site_serial": "000901"}, m2m={})
    decision = actions.decide_filing(actor=hr, filing=draft, transition="file")
    draft.refresh_from_db()
    assert (decision.from_state, decision.to_state) == ("submitted", "filed")
    assert (draft.state, draft.filing_number, draft.valid_to) == (
        FilingState.FILED,
        "沪绿评备 2026-001",
        VALID_TO,
    )


@pytest.mark.django_db
def test_the_filing_page_names_a_taken_number_and_reversed_dates_on_their_fields(personas):
    filing = make_filing(personas.organisation("evaluation"), FilingState.SUBMITTED)
    other = make_filing(personas.organisation("evaluation", outsider=True), FilingState.FILED)
    response = personas.client("hr").post(
        reverse("orgs:filing-edit", args=[filing.pk]),
        {"filing_number": other.filing_number, "valid_from": "2026-01-01", "valid_to": "2025-12-31"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["filing_number"] == ["备案编号已被使用"]
    assert form.errors["valid_to"] == ["截止日期不能早于起始日期"]
    assert "约束" not in response.content.decode()  # no constraint names shown to people
    filing.refresh_from_db()
    assert filing.filing_number != other.filing_number


@pytest.mark.django_db
def test_the_filing_guard_refuses_a_number_another_filing_holds(personas):
    """The guard's own check, for a number that reached the filing other than through update_filing."""
    hr = personas.actor("hr")
    filing = make_filing(personas.organisation("evaluation"), FilingState.SUBMITTED)
    other = make_filing(personas.organisation("evaluation", outsider=True), FilingState.FILED)
    ready_to_file(filing, hr)  # its own number is not "taken"
    filing.filing_number = other.filing_number
    refused(OrgError.FILING_NUMBER_TAKEN, ready_to_file, filing, hr)


@pytest.mark.django_db
def test_hr_revokes_a_filing_only_with_a_comment(personas):
    hr = personas.actor("hr")
    filing = make_filing(personas.organisation("evaluation"), FilingState.FILED)
    refused(CoreError.COMMENT_REQUIRED, actions.decide_filing, actor=hr, filing=filing, transition="revoke")
    assert state_of(filing) == FilingState.FILED
    decision = actions.decide_filing(
        actor=hr, filing=filing, transition="revoke", comment="考评场地不再符合条件"
    )
    assert (decision.from_state, decision.to_state, decision.comment) == (
        "filed",
        "revoked",
        "考评场地不再符合条件",
    )
    assert state_of(filing) == FilingState.REVOKED


# --- Every state × transition × role, through the API.


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(FilingState.values))
@pytest.mark.parametrize("owner", ["evaluation", "association"])
def test_every_illegal_transition_is_refused_through_the_api_and_changes_nothing(personas, state, owner):
    institution = personas.organisation(owner)
    shared = make_filing(institution, state)
    names = [t.name for t in FILING_WORKFLOW.transitions]
    assert set(names) == set(TAKEN_BY)  # the model above covers the whole table
    clients = {username: personas.client(role, outsider) for username, role, outsider in personas_to_try()}
    actors = {username: personas.actor(role, outsider) for username, role, outsider in personas_to_try()}
    for (username, role, _outsider), name in itertools.product(personas_to_try(), [*names, "approve"]):
        expected = expected_status(username, role, name, state, owner)
        filing = make_filing(institution, state) if expected == 200 else shared
        offered = {t.name for t in available_transitions(filing, actors[username])}
        decisions, events = Decision.objects.count(), AuditEvent.objects.count()
        response = clients[username].post(
            reverse("filing-transition", args=[filing.pk]),
            {"transition": name, "comment": "意见"},
            content_type="application/json",
        )
        where = (owner, state, name, username)
        assert response.status_code == expected, (*where, response.content)
        assert (name in offered) == (expected == 200), where  # the buttons shown are what is accepted
        if expected == 200:
            assert state_of(filing) == MOVES[(state, name)], where
            assert response.json() == {"id": filing.pk, "from_state": state, "to_state": MOVES[(state, name)]}
            continue
        assert state_of(shared) == state, where
        assert (Decision.objects.count(), AuditEvent.objects.count()) == (decisions, events), where
        if expected == 400:
            assert response.json()["code"] == CoreError.TRANSITION_REFUSED, where


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(FilingState.values))
def test_the_offered_transitions_are_exactly_the_accepted_ones(personas, state):
    filing = make_filing(personas.organisation("evaluation"), state)
    for username, role, outsider in personas_to_try():
        accepted = {
            t.name
            for t in FILING_WORKFLOW.transitions
            if expected_status(username, role, t.name, state) == 200
        }
        actor = personas.actor(role, outsider)
        assert {t.name for t in available_transitions(filing, actor)} == accepted, (state, username)
        response = personas.client(role, outsider).get(reverse("filing-transitions", args=[filing.pk]))
        if response.status_code == 200:
            assert {row["name"] for row in response.json()} == accepted, (state, username)
        else:
            assert not accepted and response.status_code in (403, 404), (state, username)


# --- Random sequences.

MACHINE_PERSONAS = ["evaluation", "hr", "association", "evaluation2", "city", "sector", "employer"]


class FilingMachine(RuleBasedStateMachine):
    """Random (persona, transition, with or without comment) steps on one filing; after each, the stored
    state equals the model's, and the buttons offered equal what the model allows."""

    @initialize()
    def create_filing(self):
        people = Personas()
        self.actors = {}
        for username in MACHINE_PERSONAS:
            outsider = username.endswith("2")
            self.actors[username] = people.actor(username.removesuffix("2"), outsider)
        self.filing = make_filing(people.organisation("evaluation"))
        self.state = FilingState.DRAFT

    def outcome(self, username: str, name: str, with_comment: bool):
        role = self.actors[username].role
        if role not in CHANGERS:
            return PermissionDenied
        if role in INSTITUTIONS and username != "evaluation":
            return Http404
        if name in TAKEN_BY and role not in TAKEN_BY[name]:
            return PermissionDenied
        target = MOVES.get((self.state, name))
        if target is None:
            return DomainError
        if name in NEEDS_COMMENT and not with_comment:
            return DomainError
        return target

    @rule(
        username=st.sampled_from(MACHINE_PERSONAS),
        name=st.sampled_from([*TAKEN_BY, "approve"]),
        with_comment=st.booleans(),
    )
    def take(self, username, name, with_comment):
        expected = self.outcome(username, name, with_comment)
        comment = "意见" if with_comment else ""
        if isinstance(expected, type):
            with pytest.raises(expected):
                take_transition(self.filing, name, actor=self.actors[username], comment=comment)
        else:
            decision = take_transition(self.filing, name, actor=self.actors[username], comment=comment)
            assert (decision.from_state, decision.to_state) == (self.state, expected)
            self.state = expected

    @invariant()
    def state_matches_the_model(self):
        assert state_of(self.filing) == self.state
        assert self.filing.state == self.state

    @invariant()
    def offered_transitions_match_the_model(self):
        for username, actor in self.actors.items():
            allowed = {
                name
                for name in TAKEN_BY
                if not isinstance(self.outcome(username, name, with_comment=True), type)
            }
            assert {t.name for t in available_transitions(self.filing, actor)} == allowed, username


@pytest.mark.django_db
def test_random_sequences_of_transitions_follow_the_model(personas):
    run_state_machine_as_test(
        FilingMachine,
        settings=hypothesis_settings(max_examples=30, stateful_step_count=10, deadline=None),
    )


def test_the_page_buttons_take_the_same_transitions_and_show_the_history(personas, draft):
    client = personas.client("evaluation")
    page = client.get(reverse("orgs:filing-detail", args=[draft.pk])).content.decode()
    assert 'data-transition="submit"' in page and 'data-transition="file"' not in page
    response = client.post(
        reverse("orgs:filing-transition", args=[draft.pk, "submit"]), {"comment": "请审核"}
    )
    assert response.status_code == 302
    assert state_of(draft) == FilingState.SUBMITTED
    history = personas.client("hr").get(reverse("orgs:filing-detail", args=[draft.pk])).content.decode()
    assert "提交备案" in history and "请审核" in history
    # A button the role does not have, posted by hand, changes nothing.
    client.post(reverse("orgs:filing-transition", args=[draft.pk, "file"]))
    assert state_of(draft) == FilingState.SUBMITTED
