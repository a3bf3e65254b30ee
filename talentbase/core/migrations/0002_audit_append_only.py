"""The audit trail is append-only in the database too: UPDATE is refused, and DELETE is refused for any
event not covered by a signed checkpoint (retention removes only those).

``core_audit_maintenance`` is not a Django model on purpose: the test suite's table flush does not touch
it, so a row there (written by the test set-up only) lets test databases be emptied between tests."""

from django.db import migrations

SQLITE = [
    "CREATE TABLE core_audit_maintenance (reason varchar(100) NOT NULL)",
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       WHEN OLD.seq > COALESCE((SELECT MAX(upto_seq) FROM core_auditcheckpoint), 0)
        AND NOT EXISTS (SELECT 1 FROM core_audit_maintenance)
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TABLE IF EXISTS core_audit_maintenance",
]

POSTGRES = [
    "CREATE TABLE core_audit_maintenance (reason varchar(100) NOT NULL)",
    """CREATE FUNCTION core_auditevent_guard() RETURNS trigger AS $$
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
    """CREATE TRIGGER core_auditevent_guard BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_guard()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditevent_guard ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_guard()",
    "DROP TABLE IF EXISTS core_audit_maintenance",
]


def statements_for(vendor: str, reverse: bool = False) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_REVERSE if reverse else POSTGRES
    if vendor == "sqlite":
        return SQLITE_REVERSE if reverse else SQLITE
    raise NotImplementedError(f"no audit guard for {vendor}")


def forwards(apps, schema_editor):
    for statement in statements_for(schema_editor.connection.vendor):
        schema_editor.execute(statement)
    apps.get_model("core", "AuditHead").objects.get_or_create(pk=1)


def backwards(apps, schema_editor):
    for statement in statements_for(schema_editor.connection.vendor, reverse=True):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
