"""Keyset pagination walks every row exactly once, in order, whatever the ordering and empty values."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentbase.core.pagination import Ordering, keyset_page
from talentbase.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def walk(queryset, ordering, size):
    seen, cursor = [], None
    while True:
        page = keyset_page(queryset, ordering, cursor, size)
        seen.extend(obj.pk for obj in page.rows)
        if not page.has_next:
            return seen
        cursor = page.next_cursor


@pytest.mark.parametrize(
    "order",
    [
        "pk",
        "-pk",
        "name",
        "-name",
        "district",
        "-district",
        "district__order",
        "-district__order",
        "-created_at",
    ],
)
@pytest.mark.parametrize("size", [1, 3, 7, 50])
def test_walking_the_pages_visits_every_row_once_in_the_order_of_the_list(order, size):
    ordering = Ordering.parse(order)
    queryset = Organisation.objects.all()
    expected = list(queryset.order_by(*ordering.order_by()).values_list("pk", flat=True))
    assert walk(queryset, ordering, size) == expected
    assert any(o.district_id is None for o in queryset)  # the city-level organisations: empty values last


def test_a_forged_cursor_starts_from_the_first_page():
    ordering = Ordering.parse("name")
    page = keyset_page(Organisation.objects.all(), ordering, "forged:cursor", 5)
    assert page.is_first


def test_a_cursor_for_another_ordering_starts_from_the_first_page():
    cursor = keyset_page(Organisation.objects.all(), Ordering.parse("name"), None, 5).next_cursor
    assert keyset_page(Organisation.objects.all(), Ordering.parse("-name"), cursor, 5).is_first


@settings(max_examples=25, deadline=None)
@given(size=st.integers(min_value=1, max_value=20), descending=st.booleans())
def test_date_orderings_walk_every_row(size, descending):
    ordering = Ordering("updated_at", descending)
    queryset = Organisation.objects.all()
    expected = list(queryset.order_by(*ordering.order_by()).values_list("pk", flat=True))
    assert walk(queryset, ordering, size) == expected
