"""A filing authorises its institution for its occupation and levels within its validity, and only while
filed (notice 三.三.5): the rule every later step of evaluation asks."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talentbase.catalog.models import Level, Occupation
from talentbase.orgs.models import EvaluationFiling, FilingState, Standing
from talentbase.orgs.queries import filing_in_force
from talentbase.orgs.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

FROM, TO = datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)


@pytest.fixture
def filing():
    institution = OrganisationFactory(kinds=["social_evaluation"])
    filing = EvaluationFiling.objects.create(
        organisation=institution, occupation=Occupation.objects.get(code="4-09-10-01"), state=FilingState.FILED,
        filing_number="沪绿评备 T-1", valid_from=FROM, valid_to=TO, institution_type="S", site_serial="000001",
    )  # fmt: skip
    filing.levels.set(Level.objects.filter(code__in=["level5", "level4"]))
    return filing


def _asks(filing, *, level="level4", on=FROM, occupation=None, organisation=None):
    return filing_in_force(
        organisation_id=organisation or filing.organisation_id,
        occupation_id=occupation or filing.occupation_id,
        level_id=Level.objects.get(code=level).pk,
        on=on,
    )


def test_a_filed_filing_covers_its_levels_within_its_validity(filing):
    assert _asks(filing) == filing
    assert _asks(filing, on=TO) == filing
    assert _asks(filing, level="level3") is None  # a level it does not cover
    assert _asks(filing, on=FROM - datetime.timedelta(days=1)) is None
    assert _asks(filing, on=TO + datetime.timedelta(days=1)) is None
    other = Occupation.objects.exclude(pk=filing.occupation_id).first()
    assert _asks(filing, occupation=other.pk) is None
    assert _asks(filing, organisation=OrganisationFactory(kinds=["social_evaluation"]).pk) is None


@pytest.mark.parametrize("state", [FilingState.DRAFT, FilingState.SUBMITTED, FilingState.RETURNED,
                                   FilingState.REVOKED])  # fmt: skip
def test_a_filing_not_filed_or_revoked_authorises_nothing(filing, state):
    EvaluationFiling.objects.filter(pk=filing.pk).update(state=state)
    assert _asks(filing) is None
    filing.refresh_from_db()
    assert filing.standing(FROM) == (Standing.REVOKED if state == FilingState.REVOKED else Standing.NOT_FILED)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(min_value=-800, max_value=1600))
def test_standing_and_the_query_agree_on_every_date(filing, offset):
    on = FROM + datetime.timedelta(days=offset)
    expected = Standing.NOT_YET if on < FROM else Standing.LAPSED if on > TO else Standing.IN_FORCE
    assert filing.standing(on) == expected
    assert (_asks(filing, on=on) == filing) == (expected == Standing.IN_FORCE)


def test_the_number_prefix_has_sixteen_characters_in_the_national_order(filing):
    prefix = filing.number_prefix(level=Level.objects.get(code="level5"), year=2026)
    assert prefix == "S" + "0000" + "31" + "000001" + "26" + "5"
    assert len(prefix) == 16
    with pytest.raises(ValueError):
        filing.number_prefix(level=Level.objects.get(code="apprentice"), year=2026)
