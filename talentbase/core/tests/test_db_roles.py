"""Two database roles: what check --deploy refuses, what the application role cannot do to the audit trail, and
the statements that create both roles. The PostgreSQL tests run in CI's pass as the application role
(scripts/pg_test_database.sh) and, those of the owner, in its second pass; on SQLite the rules are tested
on their facts."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from talentbase.core.checks import database_role_check
from talentbase.core.dbroles import RoleFacts, role_facts, role_problems, setup_sql

CLEAN = RoleFacts(
    "talentbase_app", superuser=False, bypasses_rls=False, owned_audit_tables=(), excess_rights=()
)


def test_an_application_role_that_owns_nothing_and_holds_no_excess_right_may_serve():
    assert role_problems(CLEAN) == []


def test_a_superuser_is_refused():
    facts = RoleFacts("postgres", superuser=True, bypasses_rls=True, owned_audit_tables=(), excess_rights=())
    [problem] = role_problems(facts)
    assert "superuser" in problem and "session_replication_role" in problem


def test_the_owner_of_the_audit_tables_is_refused():
    facts = RoleFacts("owner", False, False, ("core_auditevent",), ())
    [problem] = role_problems(facts)
    assert "owns core_auditevent" in problem


def test_a_role_that_may_update_or_truncate_audit_events_is_refused():
    facts = RoleFacts("app", False, False, (), ("core_auditevent: UPDATE", "core_audit_maintenance: INSERT"))
    [problem] = role_problems(facts)
    assert "core_auditevent: UPDATE" in problem and "core_audit_maintenance: INSERT" in problem


def test_the_set_up_creates_two_unprivileged_roles_and_gives_the_application_no_schema_rights():
    statements = "\n".join(setup_sql(database="tb", owner="tb_owner", app="tb_app"))
    assert "SUPERUSER" not in statements.replace("NOSUPERUSER", "")
    assert 'ALTER DATABASE "tb" OWNER TO "tb_owner"' in statements
    assert 'REVOKE CREATE ON SCHEMA public FROM PUBLIC, "tb_app"' in statements
    assert "TRUNCATE" not in statements  # only the test harness's set-up grants it
    assert "TRUNCATE" in "\n".join(setup_sql(database="tb", owner="o", app="a", test_harness=True))


def test_names_are_quoted_as_identifiers_and_role_names_checked():
    statements = setup_sql(database='x"; DROP', owner="o", app="a")
    assert 'ALTER DATABASE "x""; DROP" OWNER TO "o"' in statements
    for owner, app in [("o'; DROP ROLE x; --", "a"), ("o", "O"), ("same", "same")]:
        with pytest.raises(ValueError):
            setup_sql(database="tb", owner=owner, app=app)


@pytest.mark.django_db
def test_check_deploy_finds_nothing_to_say_on_sqlite_and_judges_the_real_role_on_postgresql():
    errors = database_role_check(None)
    if connection.vendor != "postgresql":
        assert errors == []
        return
    facts = role_facts(connection)
    if facts.superuser or facts.owned_audit_tables:
        assert [error.id for error in errors] == ["talentbase.E005"]
    else:
        assert errors == []


def test_db_roles_refuses_sqlite_in_words():
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite answer")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("db_roles")


# --- As the application role on PostgreSQL: the intruder's moves fail.


@pytest.fixture
def application_role(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL roles")
    facts = role_facts(connection)
    if facts.superuser or facts.owned_audit_tables:
        pytest.skip(
            "this run connects as a superuser or the owner (CI's first PostgreSQL pass uses the app role)"
        )
    return facts


def refused(sql: str) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return str(caught.value)


def test_the_application_role_cannot_switch_the_triggers_off(application_role):
    assert "permission denied" in refused("SET session_replication_role = replica")
    assert "must be owner" in refused("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_guard")
    assert "must be owner" in refused("DROP TRIGGER core_auditevent_guard ON core_auditevent")


def test_the_application_role_cannot_open_the_guard_nor_edit_events(application_role):
    assert "permission denied" in refused("INSERT INTO core_audit_maintenance (reason) VALUES ('x')")
    assert "permission denied" in refused("DELETE FROM core_audit_maintenance")
    assert "permission denied" in refused("UPDATE core_auditevent SET reason = 'x'")


def test_the_application_role_cannot_create_tables(application_role):
    assert "permission denied" in refused("CREATE TABLE intruder (id int)")


def test_the_application_role_holds_exactly_its_rights_and_the_db_roles_check_says_so(
    application_role, capsys
):
    assert application_role.excess_rights == ()
    call_command("db_roles", "--check")
    assert "may serve the application" in capsys.readouterr().out


# --- TRUNCATE fires no row trigger: a statement trigger refuses it (core 0012).


@pytest.mark.django_db
def test_truncate_of_the_audit_tables_is_refused_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL talentbase.audit_guard = 'closed'")  # as if no maintenance row existed
    for table in ("core_auditevent", "core_auditcheckpoint", "core_audithead", "core_auditkeyedstart"):
        message = refused(f"TRUNCATE {table}")
        assert "TRUNCATE refused" in message or "permission denied" in message
