"""Background jobs as one thing: one way to enqueue (after the transaction commits), one runner (a job sent
twice runs once), one progress API; scheduled work that ``talentbase run_due_work`` runs, each item
idempotent, a failing item not stopping the others; and the migration that moved exports and import runs
onto jobs without losing anything. Clocks move with time-machine."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse

from talentbase.core import crypto, private_files
from talentbase.core.jobs import JobFailed, register_kind, registry
from talentbase.core.jobs import actions as jobs
from talentbase.core.jobs.models import Job, JobState
from talentbase.core.jobs.scheduled import lock_key, run_due_work
from talentbase.core.tests.imports_support import IMMEDIATE_TASKS

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
RAN: list[int] = []


def _count_run(job):
    RAN.append(job.pk)
    jobs.report_progress(job, 1, total=2, message="half")
    assert not jobs.report_progress(Job(pk=job.pk, attempts=job.attempts + 1), 2)  # not this run's


def _refuse(job):
    raise JobFailed("没有可导入的正确行")


def _crash(job):
    raise RuntimeError("boom")


register_kind("test.count", _count_run)
register_kind("test.refuse", _refuse)
register_kind("test.crash", _crash)


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE_TASKS
    RAN.clear()
    return settings


# --- enqueue and run


def test_a_job_is_sent_to_the_queue_only_when_its_transaction_commits(personas, immediate,
                                                                      django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue(actor=personas.actor("employer"), kind="test.count", title="t")
        assert RAN == []  # not before the commit
    job.refresh_from_db()
    assert RAN == [job.pk] and job.state == JobState.SUCCEEDED
    assert (job.progress_done, job.progress_total, job.progress_message) == (1, 2, "half")
    assert job.actor_snapshot["role"] == "employer" and job.owner == personas.user("employer")


def test_a_rolled_back_request_leaves_no_job_and_sends_nothing(personas, immediate,
                                                               django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            jobs.enqueue(actor=personas.actor("employer"), kind="test.count")
            raise RuntimeError("the request failed")
    assert callbacks == [] and not Job.objects.filter(kind="test.count").exists() and RAN == []


def test_an_unknown_kind_is_refused_before_anything_is_written(personas):
    with pytest.raises(LookupError):
        jobs.enqueue(actor=personas.actor("employer"), kind="test.nobody-registered-this")
    assert not Job.objects.exists()


def test_a_job_sent_twice_runs_once(personas, immediate):
    job = Job.objects.create(kind="test.count", owner=personas.user("employer"))
    jobs.run(job.pk)
    jobs.run(job.pk)
    assert RAN == [job.pk]


def test_a_refusal_fails_the_job_with_its_message_and_a_crash_with_the_generic_one(personas):
    refused = Job.objects.create(kind="test.refuse", owner=personas.user("employer"))
    assert jobs.run(refused.pk).error == "没有可导入的正确行"
    crashed = Job.objects.create(kind="test.crash", owner=personas.user("employer"))
    with pytest.raises(RuntimeError):
        jobs.run(crashed.pk)
    crashed.refresh_from_db()
    assert crashed.state == JobState.FAILED and crashed.error == str(jobs.INTERNAL_ERROR)


# --- the progress page and API (the access matrix in tests/access/test_core.py covers the outsiders)


def test_the_api_lists_the_callers_own_jobs_with_their_progress(personas):
    mine = Job.objects.create(kind="export", owner=personas.user("employer"), state="running", progress_done=1,
                              progress_total=4)  # fmt: skip
    Job.objects.create(kind="export", owner=personas.user("employer", outsider=True))
    client = personas.client("employer")
    listed = client.get(reverse("job-list")).json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    detail = client.get(reverse("job-detail", args=[mine.pk])).json()
    assert (detail["state"], detail["progress_done"], detail["percent"], detail["has_result"]) == (
        "running",
        1,
        25,
        False,
    )


def test_the_progress_page_links_to_what_the_job_serves(personas, django_capture_on_commit_callbacks, settings,
                                                       tmp_path):  # fmt: skip
    from talentbase.core.tests.imports_support import FIXTURES, upload

    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    batch = upload(
        django_capture_on_commit_callbacks, personas.actor("employer"), FIXTURES / "roster_fixed.xlsx"
    )
    page = personas.client("employer").get(batch.current_job.get_absolute_url()).content.decode()
    assert f'href="{batch.get_absolute_url()}" data-testid="job-target"' in page


# --- scheduled work


def test_every_registered_item_does_nothing_the_second_time(personas):
    """Run on a quiet database, then once more: whatever the first run found, the second finds nothing."""
    now = START + datetime.timedelta(days=400)
    with time_machine.travel(now, tick=False):
        run_due_work(now=now)
        again = run_due_work(now=now)
    assert {outcome.name for outcome in again} >= {"imports.purge", "jobs.purge_results", "jobs.reap"}
    assert [(o.name, o.done, o.failed) for o in again if o.done or o.failed] == []


def test_the_command_runs_every_item_and_reports_what_it_did(personas):
    out = io.StringIO()
    call_command("run_due_work", stdout=out)
    for name in ("imports.purge", "jobs.purge_results", "jobs.reap"):
        assert f"{name}: 0 done" in out.getvalue()
    listed = io.StringIO()
    call_command("run_due_work", "--list", stdout=listed)
    assert "jobs.reap: " in listed.getvalue()


def test_only_runs_the_named_item_and_an_unknown_name_is_refused(personas):
    out = io.StringIO()
    call_command("run_due_work", "--only", "jobs.reap", stdout=out)
    assert out.getvalue().startswith("jobs.reap: ") and "imports.purge" not in out.getvalue()
    with pytest.raises(CommandError, match="no scheduled work named nope"):
        call_command("run_due_work", "--only", "nope")


def test_a_failing_item_does_not_stop_the_others_and_the_command_exits_non_zero(personas, monkeypatch):
    done: list[str] = []

    def broken(now):
        raise RuntimeError("the disk is full")

    def counted(now):
        done.append("counted")
        return 2

    monkeypatch.setattr(registry, "_scheduled", dict(registry._scheduled))
    registry.register_scheduled("aaa.broken", broken)
    registry.register_scheduled("zzz.counted", counted)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="aaa.broken"):
        call_command("run_due_work", stdout=out, stderr=err)
    assert "aaa.broken: FAILED" in err.getvalue() and "the disk is full" in err.getvalue()
    assert "zzz.counted: 2 done" in out.getvalue() and "jobs.reap: 0 done" in out.getvalue()
    assert done == ["counted"]


def test_the_commands_of_before_still_run_their_items(personas):
    out = io.StringIO()
    call_command("purge_imports", stdout=out)
    assert "imports.purge: 0 done" in out.getvalue() and "jobs.purge_results: 0 done" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's")
def test_an_item_another_runner_holds_is_skipped(personas, django_db_blocker):
    import psycopg
    from django.conf import settings

    database = settings.DATABASES["default"]
    other = psycopg.connect(host=database["HOST"] or "127.0.0.1", port=database["PORT"] or 5432,
                            user=database["USER"], password=database["PASSWORD"], dbname=connection.settings_dict["NAME"],
                            autocommit=True)  # fmt: skip
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [lock_key("jobs.reap")])
        (outcome,) = run_due_work(only=["jobs.reap"])
        assert outcome.skipped and not outcome.failed
        other.execute("SELECT pg_advisory_unlock(%s)", [lock_key("jobs.reap")])
        (outcome,) = run_due_work(only=["jobs.reap"])
        assert not outcome.skipped
    finally:
        other.close()


# --- the migration of exports and import runs onto jobs


@pytest.mark.schema_owner
@pytest.mark.django_db(transaction=True)
def test_exports_and_import_runs_of_before_become_jobs_and_nothing_is_lost(live_world, settings, tmp_path):
    from django.db.migrations.executor import MigrationExecutor

    settings.MEDIA_ROOT = tmp_path
    executor = MigrationExecutor(connection)
    # Back to before the jobs, then forward to the latest state (the rest of the suite runs on it).
    before, after = [("core", "0006_staged_rows_one_index")], executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    old_exports, old_batches = (
        old.get_model("core", "ExportJob").objects,
        old.get_model("core", "ImportBatch").objects,
    )
    user = live_world.user("employer")
    stored = private_files.new_name("exports", "1-", ".xlsx.bin")
    private_files.write(stored, b"the workbook", context="core.export.file")
    query = crypto.encrypt("status=active", context="core.export.query")
    done = old_exports.create(created_by_id=user.pk, url_name="registry:person-list", title="人员", state="done",
                                    total_rows=5, progress=5, stored_file=stored, filename="persons.xlsx",
                                    query_encrypted=query)  # fmt: skip
    failed = old_exports.create(created_by_id=user.pk, url_name="registry:person-list", title="人员",
                                      state="failed", message="导出时发生内部错误")  # fmt: skip
    snapshot = {"role": "employer", "user_id": user.pk, "organisation_id": None}
    common = {
        "kind": "registry.persons",
        "created_by_id": user.pk,
        "actor_snapshot": snapshot,
        "file_format": "xlsx",
    }
    committing = old_batches.create(**common, original_filename="a.xlsx", state="committing", total_rows=10,
                                            progress=4, attempts=2, committed_by_id=user.pk,
                                            committed_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))  # fmt: skip
    previewed = old_batches.create(**common, original_filename="b.xlsx", state="previewed", total_rows=3,
                                           progress=3)  # fmt: skip
    heartbeat = old_batches.get(pk=committing.pk).updated_at

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    export = Job.objects.get(pk=done.pk)  # the same id: /exports/<id>/ redirects to /jobs/<id>/
    assert (export.kind, export.state, export.progress_done, export.result_filename) == (
        "export",
        "succeeded",
        5,
        "persons.xlsx",
    )
    assert export.arguments == {"url_name": "registry:person-list", "query": query}
    assert Job.objects.get(pk=failed.pk).error == "导出时发生内部错误"
    client = live_world.client("employer")
    download = client.get(reverse("core:export-download", args=[done.pk]), follow=True)
    assert download.status_code == 200 and download.content == b"the workbook"
    from talentbase.core.imports.machinery import current_job
    from talentbase.core.imports.models import ImportBatch as Batch

    run = current_job(committing.pk, "import.commit")
    assert (run.state, run.progress_done, run.progress_total, run.attempts) == ("running", 4, 10, 2)
    assert run.updated_at == heartbeat  # the reaper still sees how long it has been silent
    assert Batch.objects.get(pk=previewed.pk).progress == 3
    assert current_job(previewed.pk, "import.preview").state == "succeeded"
    newer = Job.objects.create(kind="export", owner=user)
    assert newer.pk > max(done.pk, failed.pk)  # PostgreSQL's sequence moved past the copied ids

    executor = MigrationExecutor(connection)  # and back: the rows return to their tables of before
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    assert old.get_model("core", "ExportJob").objects.get(pk=done.pk).stored_file == stored
    assert old.get_model("core", "ImportBatch").objects.get(pk=committing.pk).attempts == 2
    MigrationExecutor(connection).migrate(after)
