"""Keeping the import batches tidy, run on a schedule by management commands:

- ``reap_stale_imports`` (``talentbase reap_imports``): a job left running by a killed worker (its batch
  validating or committing, and not moved for ``TALENTBASE_IMPORT_STALE_MINUTES``) is started again, since
  both jobs resume where they stopped; after ``REAP_ATTEMPTS`` restarts the batch fails instead. A running
  job moves its batch at every chunk (``updated_at``), so only a dead one goes quiet for minutes.
- ``purge_imports`` (``talentbase purge_imports``): batches previewed but never committed, failed or
  cancelled, idle for ``TALENTBASE_IMPORT_RETENTION_DAYS``, lose their uploaded file, staged rows and error
  report (a previewed one is cancelled: it can no longer be committed); finished batches lose their error
  report after the same time. The rows in error (row number, column, reason: no cell values) stay.

Both record what they did in the audit log, as the system actor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from talentbase.core import audit
from talentbase.core.actor import Actor
from talentbase.core.imports.models import ImportBatch, ImportStagedRow, ImportState

from . import machinery

REAP_ATTEMPTS = 3
REAP_VERB = "import_reap"
PURGE_VERB = "import_purge"
JOBS = {ImportState.VALIDATING: "run_preview", ImportState.COMMITTING: "run_import"}
PURGEABLE = (ImportState.PREVIEWED, ImportState.DONE, ImportState.FAILED, ImportState.CANCELLED)


@dataclass
class ReapResult:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def _in_language(batch: ImportBatch, message) -> str:
    """A message for the batch, in the language its uploader used (as the jobs write theirs)."""
    with translation.override(batch.options.get("language") or settings.LANGUAGE_CODE):
        return str(message)


def stale_after() -> timedelta:
    return timedelta(minutes=settings.TALENTBASE_IMPORT_STALE_MINUTES)


def reap_stale_imports(*, actor: Actor, now=None, attempts: int = REAP_ATTEMPTS) -> ReapResult:
    """Start again the jobs of batches left validating or committing and idle for longer than the setting,
    or fail those already started again ``attempts`` times (nothing was published: failing removes the
    staged rows and the file). Each batch is taken by a conditional update on its ``updated_at``, so a job
    that moved meanwhile, or a second reaper, is left alone."""
    now = now or timezone.now()
    result = ReapResult()
    stale = ImportBatch.objects.filter(state__in=list(JOBS), updated_at__lt=now - stale_after()).order_by(
        "pk"
    )
    for batch in stale:
        same = ImportBatch.objects.filter(pk=batch.pk, state=batch.state, updated_at=batch.updated_at)
        with transaction.atomic():
            if batch.attempts >= attempts:
                message = _in_language(batch, format_lazy(
                    _("导入任务中断了 {count} 次，已停止，未导入任何数据；请重新上传"), count=batch.attempts + 1
                ))  # fmt: skip
                if not same.update(state=ImportState.FAILED, message=message[:500], finished_at=now,
                                   stored_file="", updated_at=now):  # fmt: skip
                    continue
                ImportStagedRow.objects.filter(batch_id=batch.pk).delete()
                stored = batch.stored_file
                transaction.on_commit(lambda stored=stored: machinery._remove(stored))
                audit.record_audit(actor=actor, verb=REAP_VERB, obj=batch,
                                   changes={"state": batch.state, "attempts": batch.attempts, "outcome": "failed"})  # fmt: skip
                result.failed.append(batch.pk)
                continue
            if not same.update(attempts=F("attempts") + 1, updated_at=now):
                continue
            audit.record_audit(actor=actor, verb=REAP_VERB, obj=batch,
                               changes={"state": batch.state, "attempts": batch.attempts + 1, "outcome": "requeued"})  # fmt: skip
            job, batch_id = JOBS[batch.state], batch.pk
            transaction.on_commit(lambda job=job, batch_id=batch_id: machinery._enqueue(job, batch_id))
            result.requeued.append(batch.pk)
    return result


@dataclass
class PurgeResult:
    batches: list[int] = field(default_factory=list)
    expired: int = 0
    files: int = 0
    staged_rows: int = 0
    orphan_files: int = 0


def retention() -> timedelta:
    return timedelta(days=settings.TALENTBASE_IMPORT_RETENTION_DAYS)


def purge_imports(*, actor: Actor, now=None) -> PurgeResult:
    """Remove what the retention period ends (see the module's docstring), in one transaction, the files
    once it commits; one audit event for the run when anything went. Files under the imports folder that no
    batch names (a job killed between writing a report and recording it) go too, once as old."""
    now = now or timezone.now()
    cutoff = now - retention()
    holds_something = Q(stored_file__gt="") | Q(error_report__gt="") | Q(staged_rows__isnull=False)
    idle = Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, updated_at__lt=cutoff)
    previewed = Q(state=ImportState.PREVIEWED) & (
        Q(previewed_at__lt=cutoff) | Q(previewed_at__isnull=True, updated_at__lt=cutoff)
    )
    ended = Q(state__in=[ImportState.DONE, ImportState.FAILED, ImportState.CANCELLED]) & idle
    result = PurgeResult()
    with transaction.atomic():
        batches = list(
            ImportBatch.objects.select_for_update()
            .filter(pk__in=ImportBatch.objects.filter(holds_something & (previewed | ended)).values("pk"))
            .order_by("pk")
        )
        files: list[str] = []
        for batch in batches:
            if batch.state not in PURGEABLE:
                continue  # committed between the query and the lock: the commit's job owns it now
            values = {"stored_file": "", "error_report": "", "updated_at": now}
            if batch.state == ImportState.PREVIEWED:
                message = _in_language(batch, format_lazy(
                    _("预览后 {days} 天内未提交，已自动取消；上传的文件和错误报告已删除"), days=retention().days
                ))  # fmt: skip
                values.update(state=ImportState.CANCELLED, message=message[:500], finished_at=now)
                result.expired += 1
            if not ImportBatch.objects.filter(pk=batch.pk, state=batch.state).update(**values):
                continue
            files += [path for path in (batch.stored_file, batch.error_report) if path]
            result.batches.append(batch.pk)
        if batches:
            result.staged_rows, _deleted = ImportStagedRow.objects.filter(
                batch_id__in=result.batches
            ).delete()
        result.files = len(files)
        result.orphan_files = len(orphans := _orphan_files(cutoff))
        files += orphans
        if result.batches or orphans:
            audit.record_audit(actor=actor, verb=PURGE_VERB, object_type=ImportBatch._meta.label_lower, changes={
                "batches": result.batches, "expired": result.expired, "files": result.files,
                "staged_rows": result.staged_rows, "orphan_files": result.orphan_files,
                "retention_days": retention().days,
            })  # fmt: skip
        transaction.on_commit(lambda: [machinery._remove(path) for path in files])
    return result


def _orphan_files(cutoff) -> list[str]:
    """Files in the imports folder older than the cutoff that no batch names."""
    directory = machinery.media_path(machinery.IMPORT_DIR)
    if not directory.is_dir():
        return []
    oldest = cutoff.timestamp()  # files keep their real mtime; the cutoff may be a test's travelled time
    candidates = [f"{machinery.IMPORT_DIR}/{path.name}" for path in directory.iterdir()
                  if path.is_file() and path.stat().st_mtime < oldest]  # fmt: skip
    if not candidates:
        return []
    named = set()
    for start in range(0, len(candidates), 500):
        chunk = candidates[start : start + 500]
        named.update(ImportBatch.objects.filter(stored_file__in=chunk).values_list("stored_file", flat=True))
        named.update(
            ImportBatch.objects.filter(error_report__in=chunk).values_list("error_report", flat=True)
        )
    return [path for path in candidates if path not in named]
