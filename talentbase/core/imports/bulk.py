"""Bulk writes that do not go row by row through the ORM (PERFORMANCE.md): COPY on PostgreSQL,
executemany inside the caller's transaction elsewhere (SQLite), and primary keys handed out in one
statement so that dependent rows can be written the same way."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections, models, router


def connection_for(model: type[models.Model]):
    return connections[router.db_for_write(model)]


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence], *, batch_size: int = 5000
) -> int:
    """Insert plain tuples (values in ``columns`` order, Python dates and strings) into the model's
    table; returns the number of rows. The caller holds the transaction."""
    connection = connection_for(model)
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
