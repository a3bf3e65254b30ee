#!/usr/bin/env bash
# A PostgreSQL test database set up as production is: the tables owned by a migrating role, the suite run as an
# application role that is neither superuser nor owner (README: Database roles).
#   scripts/pg_test_database.sh NAME   creates roles NAME_owner and NAME_app and the database test_NAME, migrated
# Then:  DATABASE_URL=postgres://NAME_app@HOST:5432/NAME PYTEST_ADDOPTS=--reuse-db make test
# (pytest-django adds the test_ prefix and, with --reuse-db, uses the database prepared here.)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

name="$1"
host="${PG_HOST:-127.0.0.1}"
superuser="${PG_SUPERUSER:-postgres}"
owner="${name}_owner"
app="${name}_app"
test_db="test_${name}"
bin=.venv/bin
# The test settings: they add the example app of tests/ (the suite migrates it too).
export DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH="$PWD"

psql -h "$host" -U "$superuser" -v ON_ERROR_STOP=1 -q \
    -c "DROP DATABASE IF EXISTS $test_db" -c "CREATE DATABASE $test_db"
DATABASE_URL="postgres://$superuser@$host:5432/$test_db" TALENTBASE_DEV=1 \
    $bin/talentbase db_roles --owner "$owner" --app "$app" --execute --test-harness
DATABASE_URL="postgres://$owner@$host:5432/$test_db" TALENTBASE_DEV=1 $bin/talentbase migrate --noinput -v0
DATABASE_URL="postgres://$owner@$host:5432/$test_db" TALENTBASE_DEV=1 $bin/talentbase createcachetable
# The suite's flush between transactional tests truncates every table: the migration took TRUNCATE on the audit
# tables back (as in production), the harness gives it again; their statement trigger still guards them.
psql -h "$host" -U "$owner" -d "$test_db" -v ON_ERROR_STOP=1 -q \
    -c "GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO $app"
# The suite empties its tables between transactional tests; the audit guard lets it while this row exists.
# Only the owner can write it: the application role can never open the guard (see conftest.py).
psql -h "$host" -U "$owner" -d "$test_db" -v ON_ERROR_STOP=1 -q \
    -c "INSERT INTO core_audit_maintenance (reason) VALUES ('test suite')"
DATABASE_URL="postgres://$app@$host:5432/$test_db" TALENTBASE_DEV=1 $bin/talentbase db_roles --check
