"""Every menu page of every role keeps to its recorded number of database queries (NetBox's
query_counts.json): a list that starts querying per row fails here before it is slow in production.

After a deliberate change, record the new counts with TALENTBASE_UPDATE_QUERY_COUNTS=1 and commit them."""

import json
import os
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from talentbase.core.navigation import menu_for
from tests.personas import ROLES

BASELINE = Path(__file__).with_name("query_counts.json")
# Not queries of data: the savepoint and the statement timeout that bound a list's count on PostgreSQL
# (core.pagination.bounded_count), which SQLite bounds with a progress handler instead. Left out, the
# counts are the same on both databases.
CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SHOW STATEMENT_TIMEOUT")


def data_queries(queries) -> int:
    return sum(1 for query in queries.captured_queries
               if not query["sql"].lstrip().upper().startswith(CONTROL) and "set_config(" not in query["sql"])  # fmt: skip
UPDATE = os.environ.get("TALENTBASE_UPDATE_QUERY_COUNTS") == "1"

pytestmark = pytest.mark.django_db


def measure(personas, role) -> dict[str, int]:
    client = personas.client(role)
    counts = {}
    for entry in menu_for(personas.actor(role)):
        client.get(entry.url)  # warm: session, caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(entry.url)
        assert response.status_code == 200, (role, entry.url_name)
        counts[entry.url_name] = data_queries(queries)
    return counts


@pytest.mark.parametrize("role", ROLES)
def test_menu_pages_keep_their_query_counts(personas, role):
    measured = measure(personas, role)
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    if UPDATE:
        baseline[role] = measured
        BASELINE.write_text(json.dumps(baseline, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        return
    recorded = baseline.get(role)
    assert recorded is not None, f"no recorded counts for {role}: run with TALENTBASE_UPDATE_QUERY_COUNTS=1"
    grown = {name: (recorded.get(name), count) for name, count in measured.items()
             if recorded.get(name) is None or count > recorded[name]}  # fmt: skip
    assert not grown, f"pages that query more than recorded (recorded, now): {grown}"
