"""A list's total: exact while cheap, never at the cost of the page (pagination.total_of)."""

import pytest
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from talentbase.core import pagination
from talentbase.core.pagination import Ordering, bounded_count, keyset_page, total_of
from talentbase.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def slow_rows():
    """Organisations read slowly: on PostgreSQL each row sleeps; on SQLite every step asks the budget."""
    queryset = Organisation.objects.all()
    if connection.vendor == "postgresql":
        slow = RawSQL("(SELECT true FROM pg_sleep(0.02))", [], output_field=BooleanField())
        queryset = queryset.alias(slow=slow).filter(slow=True)
    return queryset


def test_a_whole_first_page_is_its_own_total_without_a_count(django_assert_num_queries):
    queryset = Organisation.objects.all()
    page = keyset_page(queryset, Ordering("pk"), None, queryset.count() + 5)
    with django_assert_num_queries(0):
        total = total_of(queryset, page=page)
    assert total.exact and total.number == len(page.rows)


def test_a_count_within_its_budget_is_exact():
    queryset = Organisation.objects.all()
    assert bounded_count(queryset, 5.0) == queryset.count()


def test_a_count_past_its_budget_gives_up_and_the_total_says_more_than_the_page(monkeypatch):
    monkeypatch.setattr(pagination, "PROGRESS_STEPS", 1)
    assert bounded_count(slow_rows(), 0.0) is None
    page = keyset_page(Organisation.objects.all(), Ordering("pk"), None, 2)
    assert page.has_next
    total = total_of(slow_rows(), page=page, budget=0.0)
    assert not total.exact and total.number >= 2
    # The connection goes on as before: queries run, none is interrupted or timed out any more.
    assert Organisation.objects.count() == bounded_count(Organisation.objects.all(), 5.0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement timeout")
def test_the_statement_timeout_is_restored_after_a_count():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
        bounded_count(Organisation.objects.all(), 0.5)
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before
