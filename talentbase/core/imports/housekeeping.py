"""Keeping the import batches tidy, as scheduled work (``talentbase run_due_work``, item ``imports.purge``;
``talentbase purge_imports`` is its old name): batches previewed but never committed, failed or
cancelled, idle for ``TALENTBASE_IMPORT_RETENTION_DAYS``, lose their uploaded file, staged rows and error
report (a previewed one is cancelled: it can no longer be committed); finished batches lose their error
report after the same time. The rows in error (row number, column, reason: no cell values) stay. What
it did is recorded in the audit log, as the system actor.

Jobs a killed worker left running, imports' among them, are the jobs' reaper's (``core.jobs``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from talentbase.core import audit
from talentbase.core.actor import Actor, system_actor
from talentbase.core.imports.models import ImportBatch, ImportStagedRow, ImportState
from talentbase.core.jobs import register_scheduled

from . import machinery

PURGE_VERB = audit.register_verb("import_purge", _("清理过期导入批次"))
PURGEABLE = (ImportState.PREVIEWED, ImportState.DONE, ImportState.FAILED, ImportState.CANCELLED)


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
                message = machinery.in_language(batch, format_lazy(
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


def purge_due(now) -> int:
    """Scheduled work ``imports.purge``: the batches and unnamed files it removed."""
    result = purge_imports(actor=system_actor(), now=now)
    return len(result.batches) + result.orphan_files


register_scheduled(
    "imports.purge",
    purge_due,
    description="remove import files, staged rows and reports past their retention",
)
