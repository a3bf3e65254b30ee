"""Keyset pagination: pages of a list by "the rows after this one", so that page 5000 of a million rows
costs what page 1 costs (PERFORMANCE.md: OFFSET 13.5 ms, keyset 0.2 ms), and no page counts the table.

A list is ordered by one field (ascending or descending, empty values last) and then by primary key; the
cursor carries the last row's field value and key, signed so that a hand-made cursor is refused."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from django.core import signing
from django.db.models import F, Q, QuerySet

SALT = "talentbase.keyset"


@dataclass(frozen=True)
class Ordering:
    field: str
    descending: bool = False

    @classmethod
    def parse(cls, text: str) -> Ordering:
        return cls(text.lstrip("-"), text.startswith("-"))

    def order_by(self):
        expression = F(self.field).desc(nulls_last=True) if self.descending else F(self.field).asc(nulls_last=True)
        return [expression, "pk"] if self.field != "pk" else ["pk"]


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    is_first: bool

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def _encode(value):
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"dec": str(value)}
    return value


def _decode(value):
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return datetime.date.fromisoformat(value["d"])
        if "dec" in value:
            return Decimal(value["dec"])
    return value


KEY = "_keyset_value"


def make_cursor(ordering: Ordering, obj) -> str:
    value = getattr(obj, KEY) if ordering.field != "pk" else obj.pk
    payload = json.dumps([ordering.field, ordering.descending, _encode(value), obj.pk], separators=(",", ":"))
    return signing.dumps(payload, salt=SALT, compress=True)


def read_cursor(cursor: str, ordering: Ordering):
    """The (value, pk) a cursor points after, or None when it is missing, forged or for another order."""
    try:
        field, descending, value, pk = json.loads(signing.loads(cursor, salt=SALT))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if field != ordering.field or descending != ordering.descending:
        return None
    return _decode(value), pk


def after(ordering: Ordering, value, pk) -> Q:
    """The rows that come after (value, pk) in this ordering, empty values last."""
    if ordering.field == "pk":
        return Q(pk__gt=pk)
    field = ordering.field
    if value is None:
        return Q(**{f"{field}__isnull": True, "pk__gt": pk})
    beyond = Q(**{f"{field}__lt" if ordering.descending else f"{field}__gt": value})
    return beyond | Q(**{field: value, "pk__gt": pk}) | Q(**{f"{field}__isnull": True})


def keyset_page(queryset: QuerySet, ordering: Ordering, cursor: str | None, size: int) -> KeysetPage:
    position = read_cursor(cursor, ordering) if cursor else None
    if ordering.field != "pk":
        # The ordering value as the database sees it (a foreign key's id, a related field's value).
        queryset = queryset.annotate(**{KEY: F(ordering.field)})
    queryset = queryset.order_by(*ordering.order_by())
    if position is not None:
        queryset = queryset.filter(after(ordering, *position))
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows=rows, next_cursor=make_cursor(ordering, rows[-1]) if more else None,
                      is_first=position is None)  # fmt: skip
