"""Shared by the import tests (core, registry, the access matrix): jobs run in-process, uploaded files go to
a temporary folder, and the API routes are reachable even before the router line is in talentbase/urls.py."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from talentbase.core.imports import machinery
from talentbase.core.imports.models import ImportBatch

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "imports"
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def import_settings(settings, tmp_path):
    """Tasks run in-process (when their transaction commits) and files land in a temporary MEDIA_ROOT."""
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


@pytest.fixture
def import_api_routes(settings):
    """The API under /api/v1/imports/ (kept as a fixture: the tests that use it name it)."""
    return settings


def uploaded(path: Path | str, name: str | None = None) -> SimpleUploadedFile:
    path = Path(path)
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def upload(
    capture, actor, path, *, kind="registry.persons", mode="create", policy="all", options=None, name=None
):
    """Upload a file and run its preview job (``capture`` is pytest-django's
    ``django_capture_on_commit_callbacks``: the test's transaction never commits)."""
    with capture(execute=True):
        batch = machinery.upload(
            actor=actor,
            kind=kind,
            uploaded_file=uploaded(path, name),
            mode=mode,
            policy=policy,
            options=options,
        )
    batch.refresh_from_db()
    return batch


def commit(capture, actor, batch: ImportBatch, policy: str | None = None) -> ImportBatch:
    with capture(execute=True):
        machinery.commit(actor=actor, batch=batch, policy=policy)
    batch.refresh_from_db()
    return batch


def as_if_killed(
    batch: ImportBatch, state: str, *, job_state: str = "running", batch_values=None, **job_values
):
    """The batch left ``validating`` or ``committing`` by a worker killed during that pass: its job (created
    if the pass had none yet) is left ``job_state``, its heartbeat (``updated_at``) where it was."""
    from talentbase.core.jobs.actions import jobs_for
    from talentbase.core.jobs.models import Job

    kind = machinery.COMMIT_KIND if state == "committing" else machinery.PREVIEW_KIND
    ImportBatch.objects.filter(pk=batch.pk).update(state=state, **(batch_values or {}))
    job = machinery.current_job(batch.pk, kind)
    if job is None:
        job = Job.objects.create(kind=kind, owner=batch.created_by, actor_snapshot=batch.actor_snapshot,
                                 progress_total=batch.total_rows, target=batch)  # fmt: skip
    Job.objects.filter(pk=job.pk).update(state=job_state, **job_values)
    assert jobs_for(batch).first().pk == job.pk
    job.refresh_from_db()
    return job


def row_errors(batch: ImportBatch, *, warnings: bool = False) -> dict[int, list[tuple[str, str]]]:
    """The batch's row errors (or, with ``warnings``, its warnings) by row number."""
    errors: dict[int, list[tuple[str, str]]] = {}
    for error in batch.row_errors.filter(warning=warnings).order_by("row_number", "pk"):
        errors.setdefault(error.row_number, []).append((error.column, error.message))
    return errors


def write_xlsx(path: Path, headers, rows) -> Path:
    """A sheet of text cells, as a clerk's roster is typed (streamed, so 10^5 rows stay small in memory)."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, headers)
    for index, cells in enumerate(rows, start=1):
        for col, value in enumerate(cells):
            sheet.write_string(index, col, value)
    workbook.close()
    return path
