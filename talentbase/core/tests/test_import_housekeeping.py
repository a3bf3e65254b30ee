"""Import batches left behind: the jobs' reaper starts again the runs of a killed worker (or fails them after
a few attempts), and the retention purge removes files, staged rows and error reports of batches never committed
(and the reports of finished ones). Time moves with time-machine."""

from __future__ import annotations

import datetime
import io
import os

import pytest
import time_machine
from django.core.management import call_command

from talentbase.core.actor import system_actor
from talentbase.core.imports import housekeeping, machinery
from talentbase.core.imports.models import ImportBatch, ImportStagedRow
from talentbase.core.jobs.actions import REAP_ATTEMPTS, REAP_VERB, reap_stale_jobs
from talentbase.core.jobs.models import Job
from talentbase.core.models import AuditEvent
from talentbase.core.tests.imports_support import FIXTURES, as_if_killed, commit, import_settings, upload
from talentbase.registry.models import Person

_fixtures = (import_settings,)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_settings")]

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def later(**delta) -> time_machine.travel:
    return time_machine.travel(START + datetime.timedelta(**delta), tick=False)


def previewed_batch(capture, actor, name="roster_mixed.xlsx", **kwargs) -> ImportBatch:
    with later():
        return upload(capture, actor, FIXTURES / name, **kwargs)


def system_events(verb):
    return AuditEvent.objects.filter(verb=verb, role="system")


# --- the reaper (of every job: here, import runs)


def test_a_preview_left_validating_by_a_killed_worker_is_started_again_and_finishes(
    personas, django_capture_on_commit_callbacks
):
    actor = personas.actor("employer")
    batch = previewed_batch(django_capture_on_commit_callbacks, actor, policy="valid_only")
    # As if killed after its first chunk: still validating, one row staged, then silence.
    ImportStagedRow.objects.filter(batch=batch, row_number__gt=6).delete()
    job = as_if_killed(batch, "validating", batch_values={"rows_staged": False})
    with later(minutes=11), django_capture_on_commit_callbacks(execute=True):
        result = reap_stale_jobs(actor=system_actor())
    assert result.requeued == [job.pk] and result.failed == []
    batch.refresh_from_db()
    job.refresh_from_db()
    assert (batch.state, job.state, job.attempts, batch.valid_rows) == ("previewed", "succeeded", 1, 3)
    assert ImportStagedRow.objects.filter(batch=batch).count() == 3
    event = system_events(REAP_VERB).get(object_id=str(job.pk))
    assert event.changes == {"kind": "import.preview", "attempts": 1, "outcome": "requeued"}


def test_a_commit_whose_job_no_worker_took_is_sent_again_and_publishes(
    personas, django_capture_on_commit_callbacks
):
    actor = personas.actor("employer")
    batch = previewed_batch(django_capture_on_commit_callbacks, actor, policy="valid_only")
    with later(minutes=1):
        # The commit's job never ran (its message was lost, or the worker died before picking it up).
        job = as_if_killed(batch, "committing", job_state="queued")
    before = Person.objects.count()
    with later(minutes=12), django_capture_on_commit_callbacks(execute=True):
        assert reap_stale_jobs(actor=system_actor()).resent == [job.pk]
    batch.refresh_from_db()
    job.refresh_from_db()
    assert batch.state == "done" and Person.objects.count() == before + 3
    assert (job.state, job.attempts) == ("succeeded", 0)  # a lost message costs no attempt


def test_a_job_that_moved_recently_is_left_alone(personas, django_capture_on_commit_callbacks):
    batch = previewed_batch(django_capture_on_commit_callbacks, personas.actor("employer"))
    job = as_if_killed(batch, "validating")
    with later(minutes=9), django_capture_on_commit_callbacks(execute=True):
        result = reap_stale_jobs(actor=system_actor())
    assert result.count == 0
    batch.refresh_from_db()
    job.refresh_from_db()
    assert (batch.state, job.state, job.attempts) == ("validating", "running", 0)


def test_the_stale_time_is_a_setting(personas, django_capture_on_commit_callbacks, settings):
    settings.TALENTBASE_JOB_STALE_MINUTES = 60
    batch = previewed_batch(django_capture_on_commit_callbacks, personas.actor("employer"))
    job = as_if_killed(batch, "validating")
    with later(minutes=30), django_capture_on_commit_callbacks(execute=True):
        assert reap_stale_jobs(actor=system_actor()).requeued == []
    with later(minutes=61), django_capture_on_commit_callbacks(execute=True):
        assert reap_stale_jobs(actor=system_actor()).requeued == [job.pk]


def test_a_job_started_again_too_often_fails_and_leaves_nothing_staged(
    personas, django_capture_on_commit_callbacks
):
    actor = personas.actor("employer")
    batch = previewed_batch(django_capture_on_commit_callbacks, actor, policy="valid_only")
    stored = machinery.media_path(batch.stored_file)
    with later(minutes=1):
        job = as_if_killed(batch, "committing", attempts=REAP_ATTEMPTS)
    before = Person.objects.count()
    with later(minutes=12), django_capture_on_commit_callbacks(execute=True):
        result = reap_stale_jobs(actor=system_actor())
    assert result.failed == [job.pk] and result.requeued == []
    batch.refresh_from_db()
    job.refresh_from_db()
    assert batch.state == "failed" and "中断了 4 次" in batch.message
    assert job.state == "failed" and "中断了 4 次" in job.error
    assert not ImportStagedRow.objects.filter(batch=batch).exists() and not stored.exists()
    assert Person.objects.count() == before
    assert system_events(REAP_VERB).get(object_id=str(job.pk)).changes["outcome"] == "failed"
    with later(minutes=30), django_capture_on_commit_callbacks(execute=True):
        assert reap_stale_jobs(actor=system_actor()).count == 0  # a second run finds nothing


def test_a_reaped_run_that_wakes_up_neither_reports_nor_ends_the_next_one(
    personas, django_capture_on_commit_callbacks
):
    from talentbase.core.jobs.actions import finish, report_progress

    batch = previewed_batch(django_capture_on_commit_callbacks, personas.actor("employer"))
    old_run = as_if_killed(batch, "validating")
    with later(minutes=11):
        reap_stale_jobs(actor=system_actor())  # queued again (its task not run: no commit callbacks)
    Job.objects.filter(pk=old_run.pk).update(state="running")  # the next run has started
    assert not report_progress(old_run, 5) and not finish(old_run, "succeeded")
    assert Job.objects.get(pk=old_run.pk).state == "running"


def test_the_reap_imports_command_of_before_still_reaps(personas, django_capture_on_commit_callbacks):
    batch = previewed_batch(django_capture_on_commit_callbacks, personas.actor("employer"))
    as_if_killed(batch, "validating")
    out = io.StringIO()
    with later(minutes=11), django_capture_on_commit_callbacks(execute=True):
        call_command("reap_imports", stdout=out)
    assert "jobs.reap: 1 done" in out.getvalue()
    batch.refresh_from_db()
    assert batch.state == "previewed"


# --- the retention purge


def test_a_batch_previewed_and_never_committed_is_purged_after_the_retention_period(
    personas, django_capture_on_commit_callbacks
):
    actor = personas.actor("employer")
    batch = previewed_batch(django_capture_on_commit_callbacks, actor, policy="valid_only")
    files = [machinery.media_path(batch.stored_file), machinery.media_path(batch.error_report)]
    assert all(path.exists() for path in files) and ImportStagedRow.objects.filter(batch=batch).exists()
    with later(days=6, hours=23), django_capture_on_commit_callbacks(execute=True):
        assert housekeeping.purge_imports(actor=system_actor()).batches == []
    assert all(path.exists() for path in files)
    with later(days=7, minutes=1), django_capture_on_commit_callbacks(execute=True):
        result = housekeeping.purge_imports(actor=system_actor())
    assert (result.batches, result.expired, result.files, result.staged_rows) == ([batch.pk], 1, 2, 3)
    batch.refresh_from_db()
    assert (batch.state, batch.stored_file, batch.error_report) == ("cancelled", "", "")
    assert "7 天内未提交" in batch.message
    assert not any(path.exists() for path in files)
    assert not ImportStagedRow.objects.filter(batch=batch).exists()
    assert batch.row_errors.exists()  # reasons without values stay
    event = system_events(housekeeping.PURGE_VERB).get()
    assert event.changes["batches"] == [batch.pk] and event.changes["expired"] == 1
    with pytest.raises(Exception, match="不能提交"):
        commit(django_capture_on_commit_callbacks, actor, batch, "valid_only")


def test_finished_batches_lose_their_error_report_after_the_retention_period_failed_ones_too(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    actor = personas.actor("employer")
    done = previewed_batch(django_capture_on_commit_callbacks, actor, policy="valid_only")
    with later(hours=1):
        done = commit(django_capture_on_commit_callbacks, actor, done)
    # The same file again, its three valid rows now registered: skipped; the rows in error make a report.
    failed = previewed_batch(django_capture_on_commit_callbacks, actor, mode="skip")
    with later(hours=2):
        machinery._fail(failed, "test", sources=("previewed",))
        failed.refresh_from_db()
    recent = previewed_batch(django_capture_on_commit_callbacks, actor, mode="skip", policy="valid_only")
    with later(days=6):
        recent = commit(django_capture_on_commit_callbacks, actor, recent)
    reports = {b.pk: machinery.media_path(b.error_report) for b in (done, failed, recent)}
    assert (done.state, failed.state, recent.state) == ("done", "failed", "done")
    assert all(path.exists() for path in reports.values())
    with later(days=7, hours=3), django_capture_on_commit_callbacks(execute=True):
        result = housekeeping.purge_imports(actor=system_actor())
    assert result.batches == [done.pk, failed.pk] and result.expired == 0
    assert not reports[failed.pk].exists()
    assert not reports[done.pk].exists() and reports[recent.pk].exists()
    done.refresh_from_db()
    assert done.state == "done" and done.error_report == ""


def test_a_running_batch_is_never_purged_and_unnamed_old_files_are(
    personas, django_capture_on_commit_callbacks
):
    batch = previewed_batch(django_capture_on_commit_callbacks, personas.actor("employer"))
    ImportBatch.objects.filter(pk=batch.pk).update(state="committing")
    orphan = machinery.media_path(f"{machinery.IMPORT_DIR}/{batch.pk}-left-behind-errors.xlsx")
    orphan.write_bytes(b"sealed")
    os.utime(orphan, (START.timestamp(), START.timestamp()))
    out = io.StringIO()
    with later(days=30), django_capture_on_commit_callbacks(execute=True):
        call_command("purge_imports", stdout=out)
    assert "imports.purge: 1 done" in out.getvalue()  # the unnamed file; the running batch is left alone
    batch.refresh_from_db()
    assert batch.state == "committing" and machinery.media_path(batch.stored_file).exists()
    assert ImportStagedRow.objects.filter(batch=batch).exists()
    assert not orphan.exists()
