"""Which level a person held in an occupation on a date: the one question that eligibility, subsidies,
staffing and analytics all ask (DESIGN.md §2, registry).

The answer comes from ``LevelEntry`` rows, each standing on one record (a certificate recorded in the
registry, an appointment, later a certificate the platform issues). The apps that own those records call
the actions here inside their own transaction and audit their own change; the entries are derived data and
are never edited by hand:

- ``record_level``  a record now makes a level true from a date (created, corrected or re-imported);
- ``record_levels_bulk`` the same for many new records at once (a certificate import);
- ``confirm_level`` a declared record was confirmed (by HR's export or the issuing institution);
- ``end_level``     a record stops counting from a date (revoked, replaced, appointment ended);
- ``drop_level``    a record entered by mistake is removed, with its entry.

Reads: ``level_on`` for one person, ``levels_on`` for many at once (one indexed query per chunk, for
reports over 10^5 persons), ``level_history`` for the person page, and ``years_in_trade`` from the
employment history with overlapping periods counted once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import NamedTuple

from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from talentbase.catalog.models import Level, Occupation
from talentbase.core.actor import Actor
from talentbase.core.imports import bulk

from .models import Employment, LevelEntry

# SQLite accepts at most 32766 parameters in a statement; PostgreSQL takes one array instead.
PERSON_CHUNK = 10_000


def _id(value) -> int:
    return value if isinstance(value, int) else value.pk


def levels_by_rank() -> dict[int, Level]:
    """The eight rungs by rank: read each time (one small query), so a name the city bureau corrects shows
    at once."""
    return {level.rank: level for level in Level.objects.all()}


# --- Actions (called inside the owning app's transaction)


def record_level(
    *,
    person,
    occupation,
    level: Level,
    valid_from: datetime.date,
    confirmed: bool,
    source_kind: str,
    source_id: int,
    valid_to: datetime.date | None = None,
) -> LevelEntry:
    """The entry of one record, created or brought up to date (a record corrected, or imported again)."""
    entry, _created = LevelEntry.objects.update_or_create(
        source_kind=source_kind,
        source_id=source_id,
        defaults={
            "person_id": _id(person), "occupation_id": _id(occupation), "level_id": level.pk,
            "rank": level.rank, "valid_from": valid_from, "valid_to": valid_to, "confirmed": confirmed,
            "end_reason": "",
        },
    )  # fmt: skip
    return entry


class NewLevel(NamedTuple):
    """The entry of one new record, as ``record_levels_bulk`` takes it (dates as dates or ISO text)."""

    person_id: int
    occupation_id: int
    level_id: int
    valid_from: datetime.date | str
    confirmed: bool
    source_kind: str
    source_id: int


LEVEL_COLUMNS = ["person_id", "occupation_id", "level_id", "rank", "valid_from", "valid_to", "confirmed",
                 "source_kind", "source_id", "end_reason", "created_at", "updated_at"]  # fmt: skip


@transaction.atomic
def record_levels_bulk(*, actor: Actor, entries: Iterable[NewLevel]) -> int:
    """The entries of many new records (a certificate import; ``actor`` is who imports them): what
    ``record_level`` writes for each, inserted with COPY / executemany (PERFORMANCE.md). A record that may
    have an entry already (corrected, imported again) goes through ``record_level``: the unique source
    refuses a second entry, and with it the whole call."""
    rank_of = dict(Level.objects.values_list("pk", "rank"))
    connection = bulk.connection_for(LevelEntry)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return bulk.insert_rows(LevelEntry, LEVEL_COLUMNS, (
        (person_id, occupation_id, level_id, rank_of[level_id], valid_from, None, confirmed, source_kind, source_id,
         "", now, now)
        for person_id, occupation_id, level_id, valid_from, confirmed, source_kind, source_id in entries
    ))  # fmt: skip


def confirm_level(*, source_kind: str, source_id: int) -> int:
    return LevelEntry.objects.filter(source_kind=source_kind, source_id=source_id).update(confirmed=True)


def end_level(*, source_kind: str, source_id: int, on: datetime.date, reason: str) -> int:
    """The record stops counting from ``on`` (the entry covers the days before it). An entry that would
    end before it starts (revoked on its first day) ends on that day: it covers nothing."""
    # unscoped: the entry of a record its caller has fetched and changes in scope
    entry = LevelEntry.objects.filter(source_kind=source_kind, source_id=source_id).first()
    if entry is None:
        return 0
    entry.valid_to = max(on, entry.valid_from)
    entry.end_reason = reason[:100]
    entry.save(update_fields=["valid_to", "end_reason", "updated_at"])
    return 1


def drop_level(*, source_kind: str, source_id: int) -> int:
    return LevelEntry.objects.filter(source_kind=source_kind, source_id=source_id).delete()[0]


# --- Reads


def covering(on: datetime.date) -> Q:
    """Entries in force on ``on``: started, and not ended (``valid_to`` is exclusive)."""
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def level_on(person, occupation, on: datetime.date, *, include_declared: bool = False) -> Level | None:
    """The highest level the person held in the occupation on ``on``; None if none. Only confirmed
    records count unless ``include_declared``.

    One raw query over the (person, occupation, valid_from) index, joined to the ladder: eligibility and
    subsidy checks ask this once per applicant, and the ORM's query building cost more than the query."""
    connection = connections[router.db_for_read(LevelEntry)]
    quote = connection.ops.quote_name
    entries, ladder = quote(LevelEntry._meta.db_table), quote(Level._meta.db_table)
    confirmed = "" if include_declared else " AND e.confirmed = %s"
    sql = (
        f"SELECT l.id, l.code, l.name, l.short_name, l.rank, l.national_number FROM {entries} e "  # noqa: S608
        f"JOIN {ladder} l ON l.id = e.level_id WHERE e.person_id = %s AND e.occupation_id = %s "
        f"AND e.valid_from <= %s AND (e.valid_to IS NULL OR e.valid_to > %s){confirmed} ORDER BY e.rank DESC LIMIT 1"
    )
    params = [_id(person), _id(occupation), on, on] + ([] if include_declared else [True])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    pk, code, name, short_name, rank, national_number = row
    return Level(
        pk=pk, code=code, name=name, short_name=short_name, rank=rank, national_number=national_number
    )


def levels_on(
    persons: Iterable | None, occupation, on: datetime.date, *, include_declared: bool = False
) -> dict[int, Level]:
    """{person id: highest level on ``on``} for many persons in one occupation, persons without a level
    left out; ``persons=None`` asks for everyone in the occupation. One query per chunk of persons over
    the (occupation, person, valid_from) index, in raw SQL: a report asks for 10^5 persons at once
    (bench/level_on.py)."""
    connection = connections[router.db_for_read(LevelEntry)]
    table = connection.ops.quote_name(LevelEntry._meta.db_table)
    confirmed = "" if include_declared else " AND confirmed = %s"
    sql = (
        f"SELECT person_id, MAX(rank) FROM {table} WHERE occupation_id = %s AND valid_from <= %s "  # noqa: S608
        f"AND (valid_to IS NULL OR valid_to > %s){confirmed}"
    )
    params: list = [_id(occupation), on, on] + ([] if include_declared else [True])
    by_rank = levels_by_rank()
    found: dict[int, Level] = {}
    with connection.cursor() as cursor:
        if persons is None:
            cursor.execute(f"{sql} GROUP BY person_id", params)
            return {person_id: by_rank[rank] for person_id, rank in cursor.fetchall()}
        ids = sorted({_id(p) for p in persons})
        for start in range(0, len(ids), PERSON_CHUNK):
            chunk = ids[start : start + PERSON_CHUNK]
            if connection.vendor == "postgresql":
                cursor.execute(f"{sql} AND person_id = ANY(%s) GROUP BY person_id", [*params, chunk])
            else:
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"{sql} AND person_id IN ({marks}) GROUP BY person_id", [*params, *chunk])
            found.update((person_id, by_rank[rank]) for person_id, rank in cursor.fetchall())
    return found


@dataclass(frozen=True)
class LevelSpan:
    """A span of one level in one occupation, for the person page and the API."""

    occupation: Occupation
    level: Level
    valid_from: datetime.date
    valid_to: datetime.date | None
    confirmed: bool
    source_kind: str
    source_id: int
    end_reason: str
    # When a higher level of the same occupation took over (the entry itself stays open: the level is still
    # held, but it is no longer the person's level), and which level that was.
    superseded_on: datetime.date | None = None
    superseded_by: Level | None = None

    @property
    def is_current(self) -> bool:
        return self.valid_to is None and self.superseded_on is None

    @property
    def shown_end(self) -> datetime.date | None:
        """The span's true end on the history: its own end, or the day a higher level took over."""
        ends = [day for day in (self.valid_to, self.superseded_on) if day is not None]
        return min(ends) if ends else None


def _superseded(spans: list[LevelSpan]) -> list[LevelSpan]:
    """Each span with the day a higher level of its occupation started while it ran. A declared (unchecked)
    level does not end a confirmed one: the confirmed level stays the person's until a confirmed higher one."""
    result = []
    for span in spans:
        takers = [
            other for other in spans
            if other.occupation.pk == span.occupation.pk and other.level.rank > span.level.rank
            and other.confirmed >= span.confirmed and other.valid_from >= span.valid_from
            and (span.valid_to is None or other.valid_from < span.valid_to)
        ]  # fmt: skip
        if takers:
            first = min(takers, key=lambda other: (other.valid_from, -other.level.rank))
            span = replace(span, superseded_on=first.valid_from, superseded_by=first.level)
        result.append(span)
    return result


def level_history(person, *, include_declared: bool = True) -> list[LevelSpan]:
    """Every entry of the person, by occupation then start: the history the person page draws."""
    # unscoped: the history of a person the caller has fetched in scope (the person page, the worker's own)
    entries = LevelEntry.objects.filter(person_id=_id(person)).select_related("occupation", "level")
    if not include_declared:
        entries = entries.filter(confirmed=True)
    return _superseded(
        [
            LevelSpan(
                e.occupation,
                e.level,
                e.valid_from,
                e.valid_to,
                e.confirmed,
                e.source_kind,
                e.source_id,
                e.end_reason,
            )  # fmt: skip
            for e in entries.order_by("occupation__code", "valid_from", "rank", "pk")
        ]
    )


def current_levels(person, on: datetime.date | None = None, *, include_declared: bool = True) -> list[dict]:
    """Per occupation, the highest level on ``on`` (today by default), and whether it is confirmed: the
    "derived current level" the person page shows. A confirmed level wins over a higher declared one only
    when ``include_declared`` is false."""
    return current_of(level_history(person, include_declared=include_declared), on)


def current_of(history: list[LevelSpan], on: datetime.date | None = None) -> list[dict]:
    """``current_levels`` read from a history already fetched (a page that shows both asks once)."""
    from .identity import today_in_china

    on = on or today_in_china()
    best: dict[int, LevelSpan] = {}
    confirmed_best: dict[int, LevelSpan] = {}
    for span in history:
        if not (span.valid_from <= on and (span.valid_to is None or on < span.valid_to)):
            continue
        key = span.occupation.pk
        current = best.get(key)
        if current is None or (span.level.rank, span.confirmed) > (current.level.rank, current.confirmed):
            best[key] = span
        if span.confirmed:
            held = confirmed_best.get(key)
            if held is None or span.level.rank > held.level.rank:
                confirmed_best[key] = span
    return [
        {"occupation": span.occupation, "level": span.level, "confirmed": span.confirmed, "since": span.valid_from,
         "confirmed_level": confirmed_best[key].level if key in confirmed_best else None,
         "confirmed_since": confirmed_best[key].valid_from if key in confirmed_best else None}
        for key, span in sorted(best.items(), key=lambda item: item[1].occupation.code)
    ]  # fmt: skip


def merged_days(periods: Iterable[tuple[datetime.date, datetime.date]]) -> int:
    """Days covered by the periods [start, end), overlaps counted once."""
    total = 0
    current_start = current_end = None
    for start, end in sorted(p for p in periods if p[1] > p[0]):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += (current_end - current_start).days
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_end is not None:
        total += (current_end - current_start).days
    return total


def years_in_trade(person, occupation, on: datetime.date) -> float:
    """Years worked in the occupation or one related to it up to ``on``, from the employment history, with
    overlapping employments (two employers at once) counted once. An employment without an occupation
    does not count: nothing says it was in the trade."""
    occupation_id = _id(occupation)
    related = set(Occupation.objects.filter(pk=occupation_id).values_list("related__pk", flat=True))
    related.discard(None)
    trades = {occupation_id} | related
    periods = [
        (start, min(end + datetime.timedelta(days=1), on) if end else on)
        # unscoped: the employments of a person the caller has fetched in scope, counted, never shown
        for start, end in Employment.objects.filter(
            person_id=_id(person), occupation_id__in=trades, start_date__lt=on
        ).values_list("start_date", "end_date")
    ]
    return round(merged_days(periods) / 365.25, 2)
