"""Suite-wide set-up: fast password hashing, the demo world in every test database, the audit guard
opened for table flushes, and the checks that every URL was reached and every transition taken by some test."""

import os

import pytest
from django.conf import settings
from django.db import connection

from tests import transition_coverage, url_coverage
from tests.personas import Personas

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Argon2 is the production hasher (tested in test_passwords); tests hash thousands of passwords.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


def pytest_configure(config):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.url_coverage.RecordReachedUrls"]
    transition_coverage.install()


def build_test_world(persons: int = 60) -> None:
    """Reference data (again: a flush empties it) and the demo world with a few persons."""
    from django.apps import apps

    from talentbase.catalog.reference import (
        load_catalog,
        load_certificate_number_formats,
        load_occupation_aliases,
    )
    from talentbase.demo import world
    from talentbase.orgs.reference import load_named_organisations

    load_catalog(apps)
    load_certificate_number_formats(apps)
    load_occupation_aliases(apps)
    load_named_organisations(apps)
    from talentbase.catalog.calendar import load_calendar
    from talentbase.evaluation.reference import seed_layouts, seed_national_versions, seed_rules

    load_calendar(apps)
    seed_national_versions(apps)
    seed_rules(apps)
    seed_layouts(apps)
    world.build_world(employers=20)
    world.build_persons(count=persons)


def open_audit_guard() -> None:
    """Tests empty tables between transactional tests; the audit trigger allows that only while this
    maintenance row exists (the table is not a Django model, so the flush leaves the row alone)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM core_audit_maintenance")
        if cursor.fetchone()[0] == 0:
            cursor.execute("INSERT INTO core_audit_maintenance (reason) VALUES ('test suite')")


_connects_as_owner: bool | None = None


@pytest.fixture(autouse=True)
def _fresh_dropdown_options():
    """Options kept by core.choices may come from a test's rolled-back transaction: never the next test's."""
    from talentbase.core import choices

    choices.clear()


@pytest.fixture(autouse=True)
def _schema_owner_only(request):
    """Tests marked ``schema_owner`` play an intruder who owns the tables (disabling a trigger, migrating
    backwards). On PostgreSQL connected as the application role (CI: scripts/pg_test_database.sh) that is
    exactly what the role cannot do: they are skipped there and run by CI's second pass as the owner."""
    global _connects_as_owner
    if request.node.get_closest_marker("schema_owner") is None:
        return
    if _connects_as_owner is None:
        from talentbase.core.dbroles import owns_audit_tables

        with request.getfixturevalue("django_db_blocker").unblock():
            _connects_as_owner = connection.vendor != "postgresql" or owns_audit_tables(connection)
    if not _connects_as_owner:
        pytest.skip("needs the role that owns the tables; this run connects as the application role")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        open_audit_guard()
        build_test_world()


@pytest.fixture
def personas(db) -> Personas:
    return Personas()


@pytest.fixture
def live_world(transactional_db):
    """For transactional tests (browser journeys): the world again, as the previous flush emptied it."""
    from talentbase.accounts.models import User

    if not User.objects.filter(is_demo=True).exists():
        build_test_world()
    return Personas()


def pytest_sessionfinish(session, exitstatus):
    url_coverage.report(session)
    transition_coverage.report(session)
