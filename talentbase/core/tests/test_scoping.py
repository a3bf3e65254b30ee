"""Scope rules and the contributions later apps add to them: the union of the parts that grant the actor's
role, never a part that does not; one own rule per model."""

import pytest
from django.db.models import Q
from hypothesis import given
from hypothesis import strategies as st

from talentbase.core import scoping
from talentbase.core.actor import Actor
from talentbase.core.roles import SYSTEM
from talentbase.registry.models import Person


def part(rows, **roles):
    return scoping.ScopePart(roles=scoping._roles(roles.get("view", ()), (), roles.get("change", ()), (), None),
                             rows=rows)  # fmt: skip


def rule(own, *contributions):
    return scoping.ScopeRule(model=Person, own=own, contributions=list(contributions))


EMPLOYER = Actor(role="employer", organisation_id=7)
INSTITUTION = Actor(role="evaluation", organisation_id=9)


def test_a_model_has_one_own_rule_and_registering_again_is_refused():
    with pytest.raises(ValueError, match="contribute"):
        scoping.register(Person, rows=lambda actor: scoping.EVERYTHING, view=["city"])


def test_a_contribution_adds_its_rows_and_roles_to_the_own_rule():
    combined = rule(
        part(lambda a: Q(employer=a.organisation_id), view=["employer"]),
        part(lambda a: Q(issuer=a.organisation_id), view=["evaluation", "employer"]),
    )
    assert combined.may(INSTITUTION, "view") and not combined.may(INSTITUTION, "change")
    assert combined.q(INSTITUTION, "view") == Q(issuer=9)
    assert combined.q(EMPLOYER, "view") == Q(employer=7) | Q(issuer=7)
    assert combined.roles["view"] == {"employer", "evaluation"}


def test_a_part_that_does_not_grant_the_role_adds_nothing_even_if_its_rows_would_match():
    combined = rule(
        part(lambda a: Q(employer=a.organisation_id), view=["employer"], change=["employer"]),
        part(lambda a: scoping.EVERYTHING, view=["evaluation"]),
    )
    assert combined.q(EMPLOYER, "change") == Q(employer=7)
    assert combined.q(EMPLOYER, "view") == Q(employer=7)


def test_everything_wins_and_nothing_drops_out_of_the_union():
    combined = rule(
        part(lambda a: scoping.NOTHING, view=["employer"]), part(lambda a: Q(x=1), view=["employer"])
    )
    assert combined.q(EMPLOYER, "view") == Q(x=1)
    assert rule(part(lambda a: scoping.NOTHING, view=["employer"])).q(EMPLOYER, "view") == scoping.NOTHING
    wide = rule(
        part(lambda a: Q(x=1), view=["employer"]), part(lambda a: scoping.EVERYTHING, view=["employer"])
    )
    assert wide.q(EMPLOYER, "view") == scoping.EVERYTHING


def test_the_system_actor_sees_everything_and_an_unknown_action_is_a_bug():
    combined = rule(part(lambda a: Q(x=1), view=["employer"]))
    assert combined.q(Actor(role=SYSTEM), "change") == scoping.EVERYTHING
    with pytest.raises(ValueError):
        combined.may(EMPLOYER, "approve")


@given(st.lists(st.sampled_from(["a", "b", "c", "all", "none"]), min_size=1, max_size=6))
def test_the_union_is_the_or_of_its_terms(terms):
    as_q = {"all": scoping.EVERYTHING, "none": scoping.NOTHING}
    conditions = [as_q.get(t, Q(name=t)) for t in terms]
    result = scoping.union(conditions)
    if "all" in terms:
        assert result == scoping.EVERYTHING
    elif set(terms) == {"none"}:
        assert result == scoping.NOTHING
    else:
        expected = None
        for t in terms:
            if t != "none":
                expected = Q(name=t) if expected is None else expected | Q(name=t)
        assert result == expected


def test_a_contribution_made_before_the_own_rule_is_kept():
    class Early:
        _meta = Person._meta

    contribution = scoping.contribute(Early, source="tests", rows=lambda a: Q(x=1), view=["evaluation"])
    try:
        registered = scoping.register(Early, rows=lambda a: Q(y=1), view=["employer"])
        assert registered.contributions == [contribution]
    finally:
        scoping._rules.pop(Early, None)
        scoping._early.pop(Early, None)
