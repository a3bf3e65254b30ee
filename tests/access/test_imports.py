"""Import batches, their row errors and staged rows: a batch belongs to the organisation of the user who
uploaded it. ``a`` is a roster batch of the demo employer, ``b`` one of the outsider employer; the city's
importers see only the city's own batches. Staged rows are the job's alone."""

import pytest

from talentbase.core.import_models import ImportBatch, ImportRowError, ImportStagedRow
from talentbase.core.tests.imports_support import import_api_routes

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
    create_url = "registry:import-create"
    api_basename = "import"
    access = {
        "city": {"view": "", "change": ""},
        "employer": {"view": "a", "change": "a"},
    }

    def make_objects(self, personas):
        return {"a": make_batch(personas, False), "b": make_batch(personas, True)}


class ImportRowErrorAccess(ScopedAccessTests):
    model = ImportRowError
    access = {"city": {"view": ""}, "employer": {"view": "a"}}

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
