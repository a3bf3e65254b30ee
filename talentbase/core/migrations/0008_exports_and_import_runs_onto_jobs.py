"""Exports and the runs of import batches become jobs (core.Job), so that nothing a user had is lost:

- every ExportJob becomes a job of kind ``export`` with the same id (old links redirect to ``/jobs/<id>/``),
  its state (done → succeeded), progress, encrypted query and result file: a finished export's file still
  downloads, decrypted under the same context ``core.export.file``;
- every ImportBatch gets one job for its latest run (``import.commit`` once committed, else
  ``import.preview``) holding its progress, attempts and heartbeat (``updated_at``), so that a run in flight
  when the migration ran is reaped and resumed as before; the batch keeps its own state and counts.

Reversible: the rows are copied back and the jobs removed."""

from django.core.management.color import no_style
from django.db import migrations

EXPORT_STATES = {"queued": "queued", "running": "running", "done": "succeeded", "failed": "failed"}
EXPORT_STATES_BACK = {"queued": "queued", "running": "running", "succeeded": "done", "failed": "failed"}
# The state of a batch's latest run, from the batch's own state.
RUN_STATES = {
    "uploaded": "queued",
    "validating": "running",
    "previewed": "succeeded",
    "committing": "running",
    "done": "succeeded",
    "failed": "failed",
    "cancelled": "failed",
}
CANCELLED = "已取消该批次"


def _reset_sequence(schema_editor, model) -> None:
    """Rows inserted with explicit ids: PostgreSQL's sequence is moved past them (SQLite's moves itself)."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def forward(apps, schema_editor):
    Job = apps.get_model("core", "Job")
    ExportJob = apps.get_model("core", "ExportJob")
    ImportBatch = apps.get_model("core", "ImportBatch")
    ContentType = apps.get_model("contenttypes", "ContentType")

    for export in ExportJob.objects.order_by("pk").iterator():
        state = EXPORT_STATES.get(export.state, "failed")
        Job.objects.create(
            id=export.pk, kind="export", title=export.title, owner_id=export.created_by_id,
            organisation_id=export.organisation_id, actor_snapshot=export.actor_snapshot,
            arguments={"url_name": export.url_name, "query": export.query_encrypted}, state=state,
            progress_done=export.progress, progress_total=export.total_rows,
            progress_message="" if state == "failed" else export.message,
            error=export.message if state == "failed" else "", result_file=export.stored_file,
            result_filename=export.filename, started_at=None if state == "queued" else export.created_at,
            finished_at=export.finished_at,
        )  # fmt: skip
        # auto_now_add / auto_now would stamp the migration's time: the reaper and the retention read these.
        Job.objects.filter(pk=export.pk).update(created_at=export.created_at, updated_at=export.updated_at)
    _reset_sequence(schema_editor, Job)

    batch_type, _created = ContentType.objects.get_or_create(app_label="core", model="importbatch")
    for batch in ImportBatch.objects.order_by("pk").iterator():
        committed = batch.committed_at is not None or batch.state in ("committing", "done")
        state = RUN_STATES.get(batch.state, "failed")
        started = (batch.committed_at if committed else None) or batch.created_at
        error = ""
        if state == "failed":
            error = batch.message or (CANCELLED if batch.state == "cancelled" else "")
        job = Job.objects.create(
            kind="import.commit" if committed else "import.preview", title=batch.original_filename[:200],
            owner_id=(batch.committed_by_id if committed else None) or batch.created_by_id,
            organisation_id=batch.organisation_id, actor_snapshot=batch.actor_snapshot, state=state,
            progress_done=batch.progress, progress_total=batch.total_rows, attempts=batch.attempts, error=error,
            target_type_id=batch_type.pk, target_id=batch.pk, started_at=None if state == "queued" else started,
            finished_at=batch.finished_at or (batch.previewed_at if batch.state == "previewed" else None),
        )  # fmt: skip
        Job.objects.filter(pk=job.pk).update(created_at=started, updated_at=batch.updated_at)


def backward(apps, schema_editor):
    Job = apps.get_model("core", "Job")
    ExportJob = apps.get_model("core", "ExportJob")
    ImportBatch = apps.get_model("core", "ImportBatch")

    batch_jobs = Job.objects.filter(target_type__app_label="core", target_type__model="importbatch")
    latest: dict[int, object] = {}
    for job in batch_jobs.order_by("pk").iterator():
        latest[job.target_id] = job
    for batch_id, job in latest.items():
        ImportBatch.objects.filter(pk=batch_id).update(progress=job.progress_done, attempts=job.attempts)
    batch_jobs.delete()

    exports = Job.objects.filter(kind="export")
    for job in exports.order_by("pk").iterator():
        ExportJob.objects.create(
            id=job.pk, created_by_id=job.owner_id, organisation_id=job.organisation_id,
            actor_snapshot=job.actor_snapshot, url_name=job.arguments.get("url_name", ""),
            query_encrypted=job.arguments.get("query", ""), title=job.title,
            state=EXPORT_STATES_BACK.get(job.state, "failed"), total_rows=job.progress_total,
            progress=job.progress_done, stored_file=job.result_file, filename=job.result_filename,
            message=job.error or job.progress_message, finished_at=job.finished_at,
        )  # fmt: skip
        ExportJob.objects.filter(pk=job.pk).update(created_at=job.created_at, updated_at=job.updated_at)
    exports.delete()
    _reset_sequence(schema_editor, ExportJob)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_jobs")]

    operations = [migrations.RunPython(forward, backward)]
