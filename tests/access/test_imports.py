"""Import batches, their row errors and staged rows: a batch belongs to the organisation of the user who
uploaded it. ``a`` is a roster batch of the demo employer, ``b`` one of the outsider employer; the city's
importers see only the city's own batches. Staged rows are the job's alone."""

import pytest

from talentbase.core.imports import machinery
from talentbase.core.imports.models import ImportBatch, ImportRowError, ImportStagedRow
from talentbase.core.tests.imports_support import import_api_routes
from tests.personas import ROLES

from .base import ScopedAccessTests

_fixtures = (import_api_routes,)


def make_batch(personas, outsider: bool) -> ImportBatch:
    return ImportBatch.objects.create(
        kind="registry.persons", organisation_id=personas.organisation("employer", outsider).pk,
        created_by=personas.user("employer", outsider), original_filename=f"roster-{int(outsider)}.xlsx",
        file_format="xlsx", state="failed",
    )  # fmt: skip


@pytest.mark.usefixtures("import_api_routes")
class ImportBatchAccess(ScopedAccessTests):
    model = ImportBatch
    list_url = "registry:import-list"
    detail_url = "registry:import-detail"
    # The upload page belongs to a kind of import: see test_each_kind_of_import_opens_to_its_roles_only.
    api_basename = "import"
    access = {
        "city": {"view": "", "change": ""},
        "hr": {"view": "", "change": ""},
        "evaluation": {"view": "", "change": ""},
        "association": {"view": "", "change": ""},
        "employer": {"view": "a", "change": "a"},
        # The example app of the test settings (tests/example_app) gives training institutions an import.
        "training": {"view": "", "change": ""},
    }

    def make_objects(self, personas):
        return {"a": make_batch(personas, False), "b": make_batch(personas, True)}


@pytest.mark.parametrize("role", ROLES)
def test_each_kind_of_import_opens_to_its_roles_only(personas, role):
    """An upload page and its template answer 200 to the roles of that importer, 403 to every other."""
    client = personas.client(role)
    for importer in [i for i in machinery.importers() if i.url_prefix]:  # not the test suite's own kinds
        expected = 200 if importer.may_import(personas.actor(role)) else 403
        assert client.get(importer.url("create")).status_code == expected, (importer.kind, role)
        assert client.get(importer.url("template")).status_code == expected, (importer.kind, role)


class ImportRowErrorAccess(ScopedAccessTests):
    model = ImportRowError
    access = {"city": {"view": ""}, "hr": {"view": ""}, "evaluation": {"view": ""}, "association": {"view": ""},
              "employer": {"view": "a"}, "training": {"view": ""}}  # fmt: skip

    def make_objects(self, personas):
        return {
            key: ImportRowError.objects.create(
                batch=make_batch(personas, outsider), row_number=2, column="姓名", message="请填写姓名"
            )  # fmt: skip
            for key, outsider in (("a", False), ("b", True))
        }


class ImportStagedRowAccess(ScopedAccessTests):
    model = ImportStagedRow
    access = {}

    def make_objects(self, personas):
        return {
            key: ImportStagedRow.objects.create(
                batch=make_batch(personas, outsider), row_number=2, payload="{}"
            )
            for key, outsider in (("a", False), ("b", True))
        }
