"""Keyset pagination: pages of a list by "the rows after this one", so that page 5000 of a million rows
costs what page 1 costs (PERFORMANCE.md: OFFSET 13.5 ms, keyset 0.2 ms), and no page counts the table.

A list is ordered by one field (ascending or descending, empty values last) and then by primary key in the
same direction; the cursor carries the last row's field value and key, signed so that a hand-made cursor is
refused. Each sortable field of a big list needs an index on (field, pk)."""

from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass
from decimal import Decimal

from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.db import OperationalError, connections, transaction
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
        """The list's order: the field, empty values last, then the primary key in the same direction (so
        that one index on (field, pk), read forwards or backwards, gives the rows in order)."""
        if self.field == "pk":
            return ["-pk" if self.descending else "pk"]
        if self.descending:
            return [F(self.field).desc(nulls_last=True), F("pk").desc()]
        return [F(self.field).asc(nulls_last=True), F("pk").asc()]

    def filled_order_by(self):
        """The order among rows whose field has a value. Without NULLS LAST: SQLite sorts empty values
        first and PostgreSQL last when descending, and neither reads its index for the other order."""
        if self.descending:
            return [F(self.field).desc(), F("pk").desc()]
        return [F(self.field).asc(), F("pk").asc()]

    def pk_after(self, pk) -> Q:
        return Q(pk__lt=pk) if self.descending else Q(pk__gt=pk)


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
    """The rows with a value that come after (value, pk). Written ``field >= value AND (field > value OR
    pk > last pk)`` rather than as one OR: the first term bounds the index range on both databases."""
    field = ordering.field
    if ordering.descending:
        return Q(**{f"{field}__lte": value}) & (Q(**{f"{field}__lt": value}) | Q(pk__lt=pk))
    return Q(**{f"{field}__gte": value}) & (Q(**{f"{field}__gt": value}) | Q(pk__gt=pk))


def may_be_empty(model, field: str) -> bool:
    """Whether the ordering field can be empty: a nullable field, or any path through a relation."""
    if "__" in field:
        return True
    try:
        return model._meta.get_field(field).null
    except FieldDoesNotExist:
        return True


def keyset_page(queryset: QuerySet, ordering: Ordering, cursor: str | None, size: int) -> KeysetPage:
    """One page of ``size`` rows after the cursor. Rows with a value in the ordering field come first, read
    in (field, pk) order; then, when those run out, the rows without a value, in pk order. Each part is
    one range of an index, so a page costs the same at the start of a million rows as at the end; a
    page costs one query, or two where the rows with a value end."""
    position = read_cursor(cursor, ordering) if cursor else None
    if ordering.field == "pk":
        queryset = queryset.order_by(*ordering.order_by())
        if position is not None:
            queryset = queryset.filter(ordering.pk_after(position[1]))
        rows = list(queryset[: size + 1])
    else:
        field = ordering.field
        # The ordering value as the database sees it (a foreign key's id, a related field's value).
        queryset = queryset.annotate(**{KEY: F(field)})
        in_empty = position is not None and position[0] is None
        rows = []
        if not in_empty:
            filled = queryset.filter(**{f"{field}__isnull": False}).order_by(*ordering.filled_order_by())
            if position is not None:
                filled = filled.filter(after(ordering, *position))
            rows = list(filled[: size + 1])
        if len(rows) <= size and may_be_empty(queryset.model, field):
            empty = queryset.filter(**{f"{field}__isnull": True}).order_by(*ordering.order_by()[1:])
            if in_empty:
                empty = empty.filter(ordering.pk_after(position[1]))
            rows += list(empty[: size + 1 - len(rows)])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows=rows, next_cursor=make_cursor(ordering, rows[-1]) if more else None,
                      is_first=position is None)  # fmt: skip


# Up to this many rows (an employer's staff, a search) a list counts them exactly; past it, the count is
# the planner's estimate (PostgreSQL) or "more than" (SQLite, which keeps no estimate): counting 10^6
# filtered rows per page view would cost more than the page (PERFORMANCE.md: Paginator count +31 ms; a
# district's 10^4 probed rows made its page 12× the query in bench/search_persons.py).
EXACT_COUNT_UP_TO = 1_000
# The count's share of a page: a filter that few rows pass (a name, an age band and a district on 10^6
# persons) makes the database read every candidate to count them, 60–90 ms (bench/search_persons.py);
# past this the list says "more than" the rows it has shown rather than make the user wait.
COUNT_BUDGET_SECONDS = 0.010
# How often SQLite asks whether the budget is spent: every this many steps of its virtual machine (~0.1 ms).
PROGRESS_STEPS = 10_000


@dataclass(frozen=True)
class Total:
    """How many rows a list holds: ``exact``, else ``number`` is an estimate (``estimated``) or a floor."""

    number: int
    exact: bool = True
    estimated: bool = False


def total_of(
    queryset: QuerySet,
    *,
    page: KeysetPage | None = None,
    exact_up_to: int = EXACT_COUNT_UP_TO,
    budget: float = COUNT_BUDGET_SECONDS,
) -> Total:
    """The rows of a filtered list, counted while cheap: at most ``exact_up_to + 1`` rows are read, for at
    most ``budget`` seconds. A first ``page`` with no next one is the whole list: no count at all."""
    if page is not None and page.is_first and page.next_cursor is None:
        return Total(len(page.rows))
    shown = len(page.rows) if page is not None else 0
    queryset = queryset.order_by()
    counted = bounded_count(queryset[: exact_up_to + 1], budget)
    if counted is not None and counted <= exact_up_to:
        return Total(counted)
    if queryset.db and connections[queryset.db].vendor == "postgresql":
        estimate = _planner_estimate(queryset)
        if estimate is not None:
            return Total(max(estimate, counted or 0, shown), exact=False, estimated=True)
    return Total(exact_up_to if counted is not None else shown, exact=False)


def bounded_count(queryset: QuerySet, budget: float) -> int | None:
    """``queryset.count()``, or None when the database has not finished within ``budget`` seconds: SQLite
    is interrupted by its progress handler, PostgreSQL by a statement timeout local to a savepoint."""
    connection = connections[queryset.db]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        deadline = time.monotonic() + budget
        raw = connection.connection
        # A true answer interrupts the query.
        raw.set_progress_handler(lambda: time.monotonic() > deadline, PROGRESS_STEPS)
        try:
            return queryset.count()
        except OperationalError as error:
            if "interrupt" not in str(error):
                raise
            return None
        finally:
            raw.set_progress_handler(None, PROGRESS_STEPS)
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
                cursor.execute("SHOW statement_timeout")
                before = cursor.fetchone()[0]
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{max(1, round(budget * 1000))}ms"])
                count = queryset.count()
                # A local setting lasts to the end of the transaction: a request's outer one goes on without it.
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [before])
                return count
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != "57014":  # query_canceled
                raise
            return None
    return queryset.count()


def _planner_estimate(queryset: QuerySet) -> int | None:
    sql, params = queryset.values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)  # noqa: S608 — the ORM's own SQL
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    try:
        return int(plan[0]["Plan"]["Plan Rows"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
