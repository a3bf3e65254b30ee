from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from talentbase.core.dbroles import role_facts, role_problems, setup_sql


class Command(BaseCommand):
    help = (
        "Print (or, with --execute, run as a superuser) the SQL that creates the two PostgreSQL roles: the "
        "migrating role that owns the tables and the application role that owns nothing. Then migrate with "
        "DATABASE_URL naming the owner, and serve with DATABASE_URL naming the application role. --check reports "
        "whether the role DATABASE_URL names may serve the application."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--owner", default="talentbase_owner", help="the migrating role (owns the tables)"
        )
        parser.add_argument("--app", default="talentbase_app", help="the application role (owns nothing)")
        parser.add_argument("--database", help="the database (default: the one DATABASE_URL names)")
        parser.add_argument("--execute", action="store_true", help="run the statements on DATABASE_URL")
        parser.add_argument(
            "--test-harness",
            action="store_true",
            help="also grant TRUNCATE to the application role, which the test suite's table flush needs "
            "(never in production; the audit tables refuse TRUNCATE anyway)",
        )
        parser.add_argument("--check", action="store_true", help="check the role DATABASE_URL connects as")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("database roles are a PostgreSQL matter: set DATABASE_URL=postgres://…")
        if options["check"]:
            problems = role_problems(role_facts(connection))
            for problem in problems:
                self.stderr.write(f"the application {problem}")
            if problems:
                raise CommandError("this role may not serve the application")
            self.stdout.write(
                self.style.SUCCESS(f"role {connection.settings_dict['USER']!r} may serve the application")
            )
            return
        try:
            statements = setup_sql(
                database=options["database"] or connection.settings_dict["NAME"],
                owner=options["owner"],
                app=options["app"],
                test_harness=options["test_harness"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        if not options["execute"]:
            for statement in statements:
                self.stdout.write(statement + ";")
            return
        try:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        except DatabaseError as error:
            raise CommandError(f"{error}".strip()) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"roles {options['owner']!r} (owner) and {options['app']!r} (application) are ready"
            )
        )
