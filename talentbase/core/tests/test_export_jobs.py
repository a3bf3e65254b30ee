"""Large exports run as background jobs: the same rows, columns and scope as the page's own export, with
progress; the file is encrypted at rest, served only to the user who asked, and purged after retention."""

import datetime

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from talentbase.core.exports import background as export_jobs
from talentbase.core.exports.models import ExportJob, ExportState
from talentbase.core.models import AuditEvent
from talentbase.core.tests.imports_support import IMMEDIATE_TASKS
from talentbase.registry.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(settings, tmp_path):
    settings.TALENTBASE_EXPORT_SYNC_ROWS = 3
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    return settings


def sheet_rows(content: bytes):
    import io

    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_a_small_export_is_still_written_at_once(personas, settings):
    settings.TALENTBASE_EXPORT_SYNC_ROWS = 10**6
    response = personas.client("city").get(reverse("registry:person-list"), {"export": "xlsx"})
    assert response.status_code == 200 and not ExportJob.objects.exists()


def test_a_large_export_runs_as_a_job_with_the_pages_rows_and_scope(personas, small_limit, tmp_path,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    client = personas.client("employer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("registry:person-list"), {"export": "xlsx", "status": "active"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.state == ExportState.DONE and job.progress == job.total_rows
    assert "status=active" not in job.query_encrypted  # the query is stored encrypted
    assert AuditEvent.objects.filter(verb="export", reason__contains=f"job #{job.pk}").exists()
    page = client.get(job.get_absolute_url())
    assert 'data-testid="export-download"' in page.content.decode()
    assert client.get(reverse("core:export-progress", args=[job.pk])).status_code == 200
    assert client.get(reverse("core:export-list")).status_code == 200
    download = client.get(reverse("core:export-download", args=[job.pk]))
    assert download.status_code == 200
    rows = sheet_rows(download.content)
    visible = Person.objects.filter(employments__employer=personas.organisation("employer"), status="active")
    assert len(rows) - 1 == visible.distinct().count()
    assert b"PK" not in (tmp_path / job.stored_file).read_bytes()[:4]  # not a zip on disk: encrypted
    # Another user, even of the same role and organisation kind, never sees it.
    assert personas.client("employer", outsider=True).get(job.get_absolute_url()).status_code == 404
    assert personas.client("employer", outsider=True).get(
        reverse("core:export-download", args=[job.pk])).status_code == 404  # fmt: skip
    assert personas.client("worker").get(job.get_absolute_url()).status_code == 403


def test_export_files_are_purged_after_the_retention(
    personas, small_limit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        personas.client("city").get(reverse("registry:person-list"), {"export": "xlsx"})
    job = ExportJob.objects.get()
    assert export_jobs.purge_exports() == 0
    later = job.created_at + datetime.timedelta(days=8)
    assert export_jobs.purge_exports(now=later) == 1
    job.refresh_from_db()
    assert job.stored_file == ""
    assert personas.client("city").get(reverse("core:export-download", args=[job.pk])).status_code == 404
