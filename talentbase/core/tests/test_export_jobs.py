"""Large exports run as background jobs (kind ``export``): the same rows, columns and scope as the page's own
export, with progress; the file is encrypted at rest, served only to the user who asked, and purged after
retention. The export URLs of before redirect to the job's."""

import datetime

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from talentbase.core.actor import system_actor
from talentbase.core.jobs.actions import purge_job_results
from talentbase.core.jobs.models import Job, JobState
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
    assert response.status_code == 200 and not Job.objects.exists()


def test_a_large_export_runs_as_a_job_with_the_pages_rows_and_scope(personas, small_limit, tmp_path,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    client = personas.client("employer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("registry:person-list"), {"export": "xlsx", "status": "active"})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.kind, job.state) == ("export", JobState.SUCCEEDED)
    assert job.progress_done == job.progress_total and job.result_filename == "persons.xlsx"
    assert "status=active" not in str(job.arguments)  # the query is stored encrypted
    assert AuditEvent.objects.filter(verb="export", reason__contains=f"job #{job.pk}").exists()
    page = client.get(job.get_absolute_url())
    assert 'data-testid="job-download"' in page.content.decode()
    assert client.get(reverse("core:job-progress", args=[job.pk])).status_code == 200
    assert client.get(reverse("core:export-list")).status_code == 200
    assert client.get(reverse("core:job-list")).status_code == 200
    download = client.get(reverse("core:job-download", args=[job.pk]))
    assert download.status_code == 200
    rows = sheet_rows(download.content)
    visible = Person.objects.filter(employments__employer=personas.organisation("employer"), status="active")
    assert len(rows) - 1 == visible.distinct().count()
    assert b"PK" not in (tmp_path / job.result_file).read_bytes()[:4]  # not a zip on disk: encrypted
    # Another user, even of the same role and organisation kind, never sees it; nor does a worker.
    for other in (personas.client("employer", outsider=True), personas.client("worker")):
        assert other.get(job.get_absolute_url()).status_code == 404
        assert other.get(reverse("core:job-download", args=[job.pk])).status_code == 404


def test_the_export_addresses_of_before_redirect_to_the_jobs(personas, small_limit,
                                                             django_capture_on_commit_callbacks):  # fmt: skip
    client = personas.client("employer")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("registry:person-list"), {"export": "xlsx"})
    job = Job.objects.get()
    for old, new in [("core:export-detail", "core:job-detail"), ("core:export-progress", "core:job-progress"),
                     ("core:export-download", "core:job-download")]:  # fmt: skip
        response = client.get(reverse(old, args=[job.pk]))
        assert response.status_code == 302 and response.url == reverse(new, args=[job.pk])


def test_the_progress_partial_polls_while_the_export_runs_and_reloads_the_page_when_it_ends(
    personas, small_limit
):
    job = Job.objects.create(kind="export", owner=personas.user("employer"), state=JobState.RUNNING,
                             progress_done=500, progress_total=1000, title="人员")  # fmt: skip
    client = personas.client("employer")
    partial = client.get(reverse("core:job-progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert 'hx-trigger="every 1s"' in body and 'aria-valuenow="50"' in body and "HX-Refresh" not in partial
    Job.objects.filter(pk=job.pk).update(
        state=JobState.FAILED, error="导出时发生内部错误，请重试或联系管理员"
    )
    ended = client.get(reverse("core:job-progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert ended["HX-Refresh"] == "true" and "导出时发生内部错误" in ended.content.decode()


def test_export_files_are_purged_after_the_retention(
    personas, small_limit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        personas.client("city").get(reverse("registry:person-list"), {"export": "xlsx"})
    job = Job.objects.get()
    assert purge_job_results(actor=system_actor()) == []
    later = job.created_at + datetime.timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_job_results(actor=system_actor(), now=later) == [job.pk]
    assert purge_job_results(actor=system_actor(), now=later) == []  # a second run finds nothing
    job.refresh_from_db()
    assert job.result_file == ""
    assert personas.client("city").get(reverse("core:job-download", args=[job.pk])).status_code == 404
    assert AuditEvent.objects.filter(verb="job_purge", role="system").count() == 1
