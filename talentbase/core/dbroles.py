"""Two PostgreSQL roles: a migrating role that owns the tables, and the application role that serves the
requests and owns nothing.

Why: the audit trail's guard is a trigger, and whoever owns the table (or is a superuser) can switch a trigger
off (``ALTER TABLE … DISABLE TRIGGER``, ``SET session_replication_role = replica``). The application role may
read the audit tables and append to them, delete only what a signed checkpoint covers (the trigger checks), and
nothing else: no UPDATE, no TRUNCATE, no write to the maintenance table that opens the guard.

``setup_sql`` is what a superuser runs once (``talentbase db_roles`` prints or runs it); ``restrict_audit_tables``
runs after every ``migrate`` done by the owner (a post_migrate handler), so tables that a later migration
creates get the same rights; ``role_problems`` is what ``check --deploy`` refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

# Tables of the audit trail and what the application role may do with each (beyond SELECT).
AUDIT_TABLE_RIGHTS = {
    "core_auditevent": {"INSERT", "DELETE"},  # DELETE: retention only; the trigger refuses the rest
    "core_audithead": {"INSERT", "UPDATE"},  # the head moves with every event; it is signed and exported
    "core_auditcheckpoint": {"INSERT"},
    "core_auditkeyedstart": {"INSERT"},
    "core_audit_maintenance": set(),  # a row here opens the guard: the application never writes it
}
ALL_RIGHTS = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def quote(name: str) -> str:
    """A role or database name as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def setup_sql(*, database: str, owner: str, app: str, test_harness: bool = False) -> list[str]:
    """The statements a superuser runs once: both roles (without passwords: set them with ``ALTER ROLE … PASSWORD``
    or use peer/cert authentication), the database owned by the migrating role, and the application role's
    rights on everything the owner will create. ``test_harness`` adds TRUNCATE for the application role, which
    the test suite's table flush needs and production never does (the audit tables refuse it anyway)."""
    for role in (owner, app):
        if not ROLE_NAME.fullmatch(role):
            raise ValueError(
                f"role name {role!r}: use lower-case letters, digits and _ (it is also a SQL literal)"
            )
    if owner == app:
        raise ValueError("the owning role and the application role must differ")
    o, a, d = quote(owner), quote(app), quote(database)
    create = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    statements = [
        # The names were checked against ROLE_NAME above: safe inside the literal.
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{owner}') THEN "  # noqa: S608
        f"CREATE ROLE {o} {create}; END IF; END $$",
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{app}') THEN "  # noqa: S608
        f"CREATE ROLE {a} {create}; END IF; END $$",
        f"ALTER ROLE {o} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS",
        f"ALTER ROLE {a} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS",
        f"ALTER DATABASE {d} OWNER TO {o}",
        f"GRANT CONNECT ON DATABASE {d} TO {a}",
        # Run in the database itself (the schema and default privileges are per database).
        f"ALTER SCHEMA public OWNER TO {o}",
        f"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {a}",
        f"GRANT USAGE ON SCHEMA public TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {a}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {a}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {a}",
    ]
    if test_harness:
        statements += [
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public GRANT TRUNCATE ON TABLES TO {a}",
            f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {a}",
        ]
    return statements


def owns_audit_tables(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename = 'core_auditevent'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def restrict_audit_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """Take from every role but the owner the rights on the audit tables it must not have; returns the
    statements run. Safe to run again (after each migrate by the owner)."""
    if connection.vendor != "postgresql" or not owns_audit_tables(connection):
        return []
    statements = []
    with connection.cursor() as cursor:
        for table, allowed in AUDIT_TABLE_RIGHTS.items():
            cursor.execute(
                "SELECT DISTINCT grantee FROM information_schema.role_table_grants "
                "WHERE table_schema = current_schema() AND table_name = %s AND grantee <> current_user",
                [table],
            )
            grantees = [row[0] for row in cursor.fetchall()]
            refused = ", ".join(right for right in ALL_RIGHTS if right not in allowed)
            for grantee in [*grantees, "PUBLIC"]:
                target = grantee if grantee == "PUBLIC" else quote(grantee)
                statement = f"REVOKE {refused} ON {quote(table)} FROM {target}"
                cursor.execute(statement)
                statements.append(statement)
    return statements


@dataclass(frozen=True)
class RoleFacts:
    """What check --deploy needs to know of the role the application connects as."""

    name: str
    superuser: bool
    bypasses_rls: bool
    owned_audit_tables: tuple[str, ...]
    excess_rights: tuple[str, ...]  # "table: RIGHT" the application role must not hold


def role_facts(connection: BaseDatabaseWrapper) -> RoleFacts:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        name, superuser, bypasses = cursor.fetchone()
        tables = list(AUDIT_TABLE_RIGHTS)
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY(%s) "
            "AND pg_has_role(current_user, tableowner, 'USAGE') ORDER BY tablename",
            [tables],
        )
        owned = tuple(row[0] for row in cursor.fetchall())
        excess = []
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY(%s)",
            [tables],
        )
        present = {row[0] for row in cursor.fetchall()}
        for table in tables:
            if table not in present:
                continue
            for right in ALL_RIGHTS:
                # TRUNCATE is taken back too, but a role holding it still meets the statement trigger, which
                # only a maintenance row (the owner's) opens: the test harness keeps it for its flushes.
                if right in AUDIT_TABLE_RIGHTS[table] or right == "TRUNCATE":
                    continue
                cursor.execute("SELECT has_table_privilege(current_user, %s, %s)", [table, right])
                if cursor.fetchone()[0]:
                    excess.append(f"{table}: {right}")
    return RoleFacts(name, bool(superuser), bool(bypasses), owned, tuple(excess))


def role_problems(facts: RoleFacts) -> list[str]:
    """Why the application may not connect as this role (empty when it may)."""
    problems = []
    if facts.superuser:
        problems.append(
            f"connects as {facts.name!r}, a superuser: it could switch the audit trail's guard off "
            "(session_replication_role)"
        )
    elif facts.bypasses_rls:
        problems.append(f"connects as {facts.name!r}, which bypasses row-level security")
    if facts.owned_audit_tables and not facts.superuser:
        problems.append(
            f"connects as {facts.name!r}, which owns {', '.join(facts.owned_audit_tables)}: an owner can disable "
            "the audit trail's triggers"
        )
    if facts.excess_rights and not facts.superuser and not facts.owned_audit_tables:
        problems.append(
            f"role {facts.name!r} holds rights the audit trail refuses it: {', '.join(facts.excess_rights)} "
            "(run `talentbase migrate` as the owning role: it takes them back)"
        )
    return problems
