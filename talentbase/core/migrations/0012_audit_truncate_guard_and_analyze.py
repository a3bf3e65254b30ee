"""On PostgreSQL: TRUNCATE of an audit table is refused like a DELETE (TRUNCATE fires no row triggers, so the
guard of 0002 never saw it), and ``talentbase_analyze`` lets the application role, which owns no table,
refresh the statistics after a bulk import (ANALYZE needs the owner before PostgreSQL 17).

The maintenance row (written by the owner only) opens the guard for the test suite's flushes; a transaction
can close it again for itself with ``SET LOCAL talentbase.audit_guard = 'closed'`` (anyone may: it only makes
the guard stricter), which is how the suite tests the guard while connected as the application role, which
cannot delete the row."""

from django.db import migrations

AUDIT_TABLES = ["core_auditevent", "core_auditcheckpoint", "core_auditkeyedstart", "core_audithead"]

ANALYZE_FUNCTION = """
CREATE OR REPLACE FUNCTION talentbase_analyze(schema_name text, tables text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  target text;
BEGIN
  FOREACH target IN ARRAY tables LOOP
    IF EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = schema_name AND tablename = target
               AND tableowner = current_user) THEN
      EXECUTE format('ANALYZE %I.%I', schema_name, target);
    END IF;
  END LOOP;
END $$
"""

MAINTENANCE_OPEN = """(EXISTS (SELECT 1 FROM core_audit_maintenance)
         AND COALESCE(current_setting('talentbase.audit_guard', true), '') <> 'closed')"""

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION core_auditevent_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           RAISE EXCEPTION 'audit events are append-only';
         END IF;
         IF OLD.seq > COALESCE((SELECT MAX(upto_seq) FROM core_auditcheckpoint), 0)
            AND NOT {MAINTENANCE_OPEN} THEN
           RAISE EXCEPTION 'audit events are append-only';
         END IF;
         RETURN OLD;
       END $$ LANGUAGE plpgsql""",
    f"""CREATE FUNCTION core_audit_truncate_guard() RETURNS trigger AS $$
       BEGIN
         IF NOT {MAINTENANCE_OPEN} THEN
           RAISE EXCEPTION 'audit tables are append-only: TRUNCATE refused';
         END IF;
         RETURN NULL;
       END $$ LANGUAGE plpgsql""",
    *[
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION core_audit_truncate_guard()"""
        for table in AUDIT_TABLES
    ],
    ANALYZE_FUNCTION,
]
POSTGRES_REVERSE = [
    """CREATE OR REPLACE FUNCTION core_auditevent_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           RAISE EXCEPTION 'audit events are append-only';
         END IF;
         IF OLD.seq > COALESCE((SELECT MAX(upto_seq) FROM core_auditcheckpoint), 0)
            AND NOT EXISTS (SELECT 1 FROM core_audit_maintenance) THEN
           RAISE EXCEPTION 'audit events are append-only';
         END IF;
         RETURN OLD;
       END $$ LANGUAGE plpgsql""",
    "DROP FUNCTION IF EXISTS talentbase_analyze(text, text[])",
    *[f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}" for table in AUDIT_TABLES],
    "DROP FUNCTION IF EXISTS core_audit_truncate_guard()",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # A plain cursor: the function's format('%I') is not a query placeholder.
        with schema_editor.connection.cursor() as cursor:
            for statement in POSTGRES:
                cursor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            for statement in POSTGRES_REVERSE:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0011_job_phase")]

    operations = [migrations.RunPython(forwards, backwards)]
