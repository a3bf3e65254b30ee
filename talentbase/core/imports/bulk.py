"""Bulk writes that do not go row by row through the ORM (PERFORMANCE.md): COPY on PostgreSQL,
executemany inside the caller's transaction elsewhere (SQLite), and primary keys handed out in one
statement so that dependent rows can be written the same way.

Inside ``noting_filled_tables()`` (an import's publication), every table written here is noted, and
``refresh_statistics`` then ANALYZEs them on PostgreSQL: 10^4 rows arriving at once leave the planner's row
counts far behind (it expected 136 rows where there were 25,108, and a 14 ms list took 500 ms) until
autovacuum catches up, or never when it is off."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, models, router

logger = logging.getLogger(__name__)

_filled: ContextVar[set[tuple[str, str]] | None] = ContextVar("bulk_filled_tables", default=None)


def connection_for(model: type[models.Model]):
    return connections[router.db_for_write(model)]


@contextmanager
def noting_filled_tables() -> Iterator[set[tuple[str, str]]]:
    """The (database alias, table) pairs written in bulk inside the block: ``insert_rows`` and every other
    bulk writer (``registry.search.write_name_keys``) note theirs with ``note_filled``."""
    tables: set[tuple[str, str]] = set()
    token = _filled.set(tables)
    try:
        yield tables
    finally:
        _filled.reset(token)


def note_filled(model: type[models.Model], alias: str | None = None) -> None:
    tables = _filled.get()
    if tables is not None:
        tables.add((alias or router.db_for_write(model), model._meta.db_table))


def refresh_statistics(tables: Iterable[tuple[str, str]]) -> None:
    """ANALYZE the tables on PostgreSQL (after the publishing transaction has committed: it takes no lock
    that blocks readers or writers, and a failure here is logged, never a failed import). SQLite keeps no
    statistics unless ANALYZE was once run, which talentbase never does: its planner's fixed estimates do
    not drift as tables grow, so nothing is refreshed there."""
    by_alias: dict[str, list[str]] = {}
    for alias, table in sorted(set(tables)):
        by_alias.setdefault(alias, []).append(table)
    for alias, names in by_alias.items():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        try:
            with connection.cursor() as cursor:
                # The application role owns no table: the owner's function (core 0012) runs the ANALYZE.
                cursor.execute("SELECT talentbase_analyze(current_schema()::text, %s)", [names])
        except Exception:  # statistics are an optimisation: the rows are written and committed
            logger.exception("ANALYZE after a bulk import failed for %s", ", ".join(names))


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence], *, batch_size: int = 5000
) -> int:
    """Insert plain tuples (values in ``columns`` order, Python dates and strings) into the model's
    table; returns the number of rows. The caller holds the transaction."""
    connection = connection_for(model)
    note_filled(model, connection.alias)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # noqa: S608 — names from _meta
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 — names from _meta
        batch: list[Sequence] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys for the model, in increasing order, never handed out before.

    PostgreSQL draws them from the column's sequence (concurrency-safe); SQLite, whose writers are
    serialised by the database lock that the caller's transaction holds, continues after the highest id
    ever used (sqlite_sequence remembers deleted ones, so an id seen in the audit log is never reused).
    """
    if count <= 0:
        return []
    connection = connection_for(model)
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        quoted_table, quoted_pk = connection.ops.quote_name(table), connection.ops.quote_name(pk)
        cursor.execute(f"SELECT COALESCE(MAX({quoted_pk}), 0) FROM {quoted_table}")  # noqa: S608
        highest = cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")
            if cursor.fetchone():
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                if row and row[0] and row[0] > highest:
                    highest = row[0]
        return list(range(highest + 1, highest + 1 + count))
