"""Finding persons for the list page: by name through the name-key index, and by age band.

Every person has a few ``PersonNameKey`` rows: the name itself, normalised like a query (NFKC, lower case,
no spaces or separators), and its pinyin keys (``pinyin.name_keys``: "zhangsan", "zs", every reading of a
heteronym up to a cap, both spellings of ü). A search matches a person when the query is a PREFIX of one
of their keys: "张", "张三", "zs" and "zhangs" find 张三; "三" and "san" do not, being the start of no key.

"Starts with" is a range, ``key >= q AND key < q + U+10FFFF``, which SQLite and PostgreSQL both answer from
the (key, person) b-tree. LIKE would not: SQLite's LIKE is case-insensitive and skips the index, and
PostgreSQL's needs a second index with pattern operators. The range needs keys compared by code point:
SQLite's BINARY collation does, and on PostgreSQL the key column has the "C" collation (migration 0002).

The keys are derived data, always ``person_name_keys`` of the stored name: ``registry.actions`` rebuilds
them when it writes a name, ``registry.bulk`` writes them with the persons it writes (imports, the demo
world), and ``index_names`` rebuilds them for many persons at once (a command, a migration, the benchmark).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import functools
import itertools
from collections.abc import Iterable

from django.db import connections, router, transaction
from django.db.models import DateField, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import GreaterThan, IsNull, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from talentbase.core.imports import bulk

from .models import Person, PersonNameKey
from .pinyin import name_keys, query_key

KEY_LENGTH = PersonNameKey._meta.get_field("key").max_length
# The highest code point: every key that starts with q sorts at or after q and before q + this.
HIGHEST_CHARACTER = chr(0x10FFFF)
WRITE_BATCH = 5000
# Up to this many related rows, a filter reads them all; past it, it probes person by person (see
# ``persons_having``). Near the square root of 51 × 10^6 persons, where the two costs meet.
FEW = 5000
# Up to this many, their person ids are read and put in the query as a list (see ``persons_having``).
LISTED = 1000


def _batches(items: Iterable, size: int):
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def search_key(text: str) -> str:
    """A search text in the form of the keys, cut to the key length (a longer query matches by its start)."""
    return query_key(text)[:KEY_LENGTH]


@functools.lru_cache(maxsize=65536)
def person_name_keys(full_name: str) -> tuple[str, ...]:
    """The keys of one name, the only computation of them: its pinyin keys and the name itself, each cut to
    the key length. Cached per name (and its pinyin per character): a roster repeats common names."""
    keys = {key[:KEY_LENGTH] for key in name_keys(full_name)}
    own = search_key(full_name)
    if own:
        keys.add(own)
    return tuple(sorted(keys))


def persons_having(rows: QuerySet, *, few: bool | None = None) -> Q:
    """Persons with at least one of ``rows`` (current employments, name keys: a model with ``person_id``),
    in the form that is fast for how many rows there are: ``few`` when the caller knows, else read from
    the index up to ``FEW`` (one cheap query):

    - few (one employer, most names of two letters or more): ``pk IN (their person ids)``, the ids read,
      when fewer than ``LISTED``; else ``pk IN (rows)`` as a subquery; then at most ``FEW`` persons fetched;
    - many (a district, a sector, one letter, a common surname): ``(SELECT … WHERE person_id = person.id
      LIMIT 1) IS NOT NULL``, so that the list walks its own index (pk or the sort field) and probes each
      person's rows until the page is full: about 51 × 10^6 / ``FEW`` probes at worst on 10^6 persons.

    Why not leave the choice to the database: SQLite reads an IN subquery whole before the first row (a
    district of 10^6 persons: 150 ms, against 2 ms for the probes), and PostgreSQL plans IN and EXISTS as
    the same semi-join, which past a deep cursor merges from the first employment (155 ms). A scalar
    subquery is never turned into a join, on either database."""
    rows = rows.order_by()
    if few is None and _name_search_leads.get() and connections[rows.db].vendor == "postgresql":
        few = True  # see ``name_search_leading``
    if few is None:
        # Up to LISTED rows, their person ids themselves go into the query. As a subquery, PostgreSQL merged
        # an employer's 654 rows with the walk of the whole person index ("employer: left", 177 ms on 10^6
        # persons); as a list it looks the persons up (a few ms). Past it they are counted up to FEW.
        person_ids = list(rows.values_list("person_id", flat=True)[:LISTED])
        if len(person_ids) < LISTED:
            return Q(pk__in=sorted(set(person_ids)))
        few = rows.values("pk")[:FEW].count() < FEW
    if few:
        return Q(pk__in=rows.values("person_id"))
    probe = rows.filter(person_id=OuterRef("pk")).values("pk")[:1]
    return Q(IsNull(Subquery(probe), False))


def persons_having_any(*rowsets: QuerySet) -> Q:
    """Persons with at least one row in any of ``rowsets`` (each a model with ``person_id``), in the form of
    ``persons_having``: when they hold few rows in all, ``pk IN (their person ids)`` (a list, or one UNION
    of them), read from their indexes; else one probe per rowset, OR-ed, as the list walks its own index.
    An OR of two IN lists would make PostgreSQL test both hashed lists on every person it walks."""
    rowsets = [rows.order_by() for rows in rowsets]
    person_ids: list[int] = []
    for rows in rowsets:
        person_ids += rows.values_list("person_id", flat=True)[: LISTED - len(person_ids)]
        if len(person_ids) >= LISTED:
            break
    else:
        return Q(pk__in=sorted(set(person_ids)))
    if sum(rows.values("pk")[:FEW].count() for rows in rowsets) < FEW:
        first, *others = [rows.values("person_id") for rows in rowsets]
        return Q(pk__in=first.union(*others)) if others else Q(pk__in=first)
    condition = Q()
    for rows in rowsets:
        condition |= persons_having(rows, few=False)
    return condition


_name_search_leads: contextvars.ContextVar[bool] = contextvars.ContextVar("name_search_leads", default=False)


@contextlib.contextmanager
def name_search_leading(text: str | None):
    """While a list's scope and filters are built: when the search names few persons (two characters or
    more), PostgreSQL gets every other subquery as a semi-join too, and leads with the name.

    Its planner cannot weigh a probe (it takes one for a filter that keeps every row), so it walks the
    persons and probes each: a district official's q=zs probed 56 000 persons (135 ms); as semi-joins it
    starts from the 15 000 names (36 ms). SQLite already leads with the IN list and probes the rest."""
    token = _name_search_leads.set(len(search_key(text or "")) > 1)
    try:
        yield
    finally:
        _name_search_leads.reset(token)


def name_prefix_condition(text: str) -> Q | None:
    """Persons with a key that starts with the search text; None when the text holds nothing to search for.

    A search of two characters or more is taken as few persons, so that it leads the query when combined
    with broad filters or a district's scope (on SQLite, q=zs with a district and an age band: 20 ms
    instead of 510 ms on 10^6 persons); a single letter or surname is counted."""
    key = search_key(text)
    if not key:
        return None
    keys = PersonNameKey.objects.filter(key__gte=key, key__lt=key + HIGHEST_CHARACTER)
    return persons_having(keys, few=True if len(key) > 1 else None)


def index_person_names(person_ids: Iterable[int]) -> int:
    """Rebuild the name keys of these persons from their names as stored now; returns the number of keys.

    After ``registry.actions`` writes a name: the persons are read and written in batches of
    ``WRITE_BATCH``, inside one transaction."""
    ids = sorted(set(person_ids))
    written = 0
    with transaction.atomic(using=router.db_for_write(PersonNameKey)):
        for chunk in _batches(ids, WRITE_BATCH):
            PersonNameKey.objects.filter(person_id__in=chunk).delete()
            names = Person.objects.filter(pk__in=chunk).values_list("pk", "full_name")
            written += index_names(names, replace=False)
    return written


def index_names(
    names: Iterable[tuple[int, str]],
    *,
    replace: bool = True,
    key_model=PersonNameKey,
    using: str | None = None,
) -> int:
    """Write the keys of (person id, full name) pairs without going row by row through the ORM (see
    ``write_name_keys``), ``WRITE_BATCH`` persons at a time. With ``replace`` the persons' old keys go
    first; a caller that has just created the persons passes ``replace=False``.

    The fast path for 10^5–10^6 persons (the ``index_person_names`` command, the benchmark): keys come from
    ``person_name_keys``, whose pinyin is cached per character and per name. A writer that already holds
    the keys (imports prepare them ahead of their transaction) calls ``write_name_keys`` directly.
    ``key_model`` and ``using`` let a migration pass its historical model and its database."""
    alias = using or router.db_for_write(key_model)
    written = 0
    with transaction.atomic(using=alias):
        for chunk in _batches(names, WRITE_BATCH):
            rows = [(pk, key) for pk, full_name in chunk for key in person_name_keys(full_name or "")]
            written += write_name_keys(
                rows, replace_for=[pk for pk, _name in chunk] if replace else None, key_model=key_model,
                using=alias,
            )  # fmt: skip
    return written


def write_name_keys(
    rows: Iterable[tuple[int, str]],
    *,
    replace_for: list[int] | None = None,
    key_model=PersonNameKey,
    using: str | None = None,
) -> int:
    """Write (person id, key) rows as they are, inside the caller's transaction: COPY on PostgreSQL, one
    executemany on the driver's own cursor elsewhere (SQLite), no per-row Python beyond the driver's.
    ``replace_for``: the persons whose old keys go first (in ``WRITE_BATCH`` slices)."""
    connection = connections[using or router.db_for_write(key_model)]
    bulk.note_filled(key_model, connection.alias)
    table = connection.ops.quote_name(key_model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ("person_id", "key"))
    manager = key_model._default_manager.using(connection.alias)
    for chunk in _batches(replace_for or (), WRITE_BATCH):
        manager.filter(person_id__in=chunk).delete()
    written = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the driver's cursor under Django's wrapper
        if connection.vendor == "postgresql":
            # psycopg 3's COPY is twice executemany (PERFORMANCE.md).
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608 — names from _meta
                for row in rows:
                    copy.write_row(row)
                    written += 1
        elif connection.vendor == "sqlite":
            rows = rows if isinstance(rows, list) else list(rows)
            raw.executemany(f"INSERT INTO {table} ({columns}) VALUES (?, ?)", rows)  # noqa: S608
            written = len(rows)
        else:
            rows = rows if isinstance(rows, list) else list(rows)
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s)", rows)  # noqa: S608
            written = len(rows)
    return written


class AgeBand:
    """Age bands of the list filter, in whole years on the day of the search: (lowest, highest) age."""

    choices = [
        ("to30", _("30 岁及以下")),
        ("31-40", _("31–40 岁")),
        ("41-50", _("41–50 岁")),
        ("51-60", _("51–60 岁")),
        ("over60", _("60 岁以上")),
    ]
    bounds: dict[str, tuple[int | None, int | None]] = {
        "to30": (None, 30),
        "31-40": (31, 40),
        "41-50": (41, 50),
        "51-60": (51, 60),
        "over60": (61, None),
    }


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class Unindexed(Func):
    """A column that SQLite will not look up in an index (``+column``); other databases see the column.

    SQLite has no statistics on value ranges: it takes any range for a small one and reads it from the
    index, then sorts, where walking the list's own order and testing each row is far cheaper for a
    broad range (an age band holds a sixth of all persons: 28 ms against 3 ms on 10^6 persons; with a
    district's scope 830 ms against 10 ms). PostgreSQL weighs both from its histograms."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


def age_band_condition(band: str, today: datetime.date, *, sorted_by_birth_date: bool = True) -> Q:
    """Persons whose age on ``today`` is in the band, as a range of birth dates: read from the birth_date
    index when the list is sorted by it, else tested row by row as the list walks its order (a band is
    broad, so a page is full after a few hundred rows).

    Age ≥ n when born on or before the day n years ago; age ≤ n when born after the day n + 1 years ago.
    Persons without a birth date are in no band."""
    lowest, highest = AgeBand.bounds[band]
    birth = F("birth_date") if sorted_by_birth_date else Unindexed("birth_date", output_field=DateField())
    condition = Q(birth_date__isnull=False)
    if lowest is not None:
        condition &= Q(LessThanOrEqual(birth, years_before(today, lowest)))
    if highest is not None:
        condition &= Q(GreaterThan(birth, years_before(today, highest + 1)))
    return condition
