"""Large exports as background jobs: a list page whose filtered rows exceed
``TALENTBASE_EXPORT_SYNC_ROWS`` hands its export to a job and shows its progress; small ones are written
at once as before.

The job rebuilds the list exactly as the page would for its user: the same view class (found by URL name),
the same query, the actor of the request (role, organisation, district, sectors) re-read from the
snapshot, so scope and filters cannot differ. The export is audited when asked for, as a synchronous one
is; the file is stored encrypted and served only to the user who asked."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talentbase.core import audit, crypto, private_files, scoping
from talentbase.core.actor import Actor, actor_from_snapshot, actor_snapshot

from .models import ExportJob, ExportState
from .workbooks import workbook_bytes

logger = logging.getLogger(__name__)

EXPORT_DIR = "exports"
QUERY_CONTEXT = "core.export.query"
FILE_CONTEXT = "core.export.file"
PROGRESS_EVERY = 2000


def sync_limit() -> int:
    return getattr(settings, "TALENTBASE_EXPORT_SYNC_ROWS", 20_000)


def is_large(queryset) -> bool:
    """More rows than a request should write: counted only up to the limit (an index range at most)."""
    limit = sync_limit()
    return queryset.order_by()[: limit + 1].count() > limit


def start(*, actor: Actor, url_name: str, query: QueryDict, title: str, filename: str, audited_query: str,
          model_label: str) -> ExportJob:  # fmt: skip
    """Record the job and enqueue it after the transaction commits."""
    query = query.copy()
    query.pop("export", None)
    with transaction.atomic():
        job = ExportJob.objects.create(
            created_by=actor.user, organisation_id=actor.organisation_id, actor_snapshot=actor_snapshot(actor),
            url_name=url_name, query_encrypted=crypto.encrypt(query.urlencode(), context=QUERY_CONTEXT),
            title=str(title)[:200], filename=filename[:200],
        )  # fmt: skip
        audit.record_audit(actor=actor, verb=audit.EXPORT, object_type=model_label,
                           reason=f"{audited_query} (job #{job.pk})"[:500])  # fmt: skip
        job_id = job.pk
        transaction.on_commit(lambda: _enqueue(job_id))
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import run_export as task

    task.enqueue(job_id)


def _list_view(job: ExportJob, actor: Actor):
    """The list page's view, set up as for the user's request."""
    match = resolve(reverse(job.url_name))
    view = match.func.view_class()
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(crypto.decrypt(job.query_encrypted, context=QUERY_CONTEXT))
    request.user = actor.user
    request.actor = actor
    request.resolver_match = match
    view.setup(request, *match.args, **match.kwargs)
    return view


def run_export(job_id: int) -> None:
    """Write the file in one pass, reporting progress; a failure leaves a message and no file."""
    moved = ExportJob.objects.filter(pk=job_id, state=ExportState.QUEUED).update(state=ExportState.RUNNING)
    if not moved:
        return  # done, failed or taken by another worker
    job = ExportJob.objects.get(pk=job_id)
    try:
        actor = actor_from_snapshot(job.actor_snapshot)
        view = _list_view(job, actor)
        queryset = view.get_queryset("export")
        total = queryset.count()
        ExportJob.objects.filter(pk=job.pk).update(total_rows=total)

        def rows():
            for number, obj in enumerate(queryset.iterator(chunk_size=2000), start=1):
                yield [column.value(obj) for column in view.columns]
                if number % PROGRESS_EVERY == 0:
                    ExportJob.objects.filter(pk=job.pk).update(progress=number, updated_at=timezone.now())

        content = workbook_bytes([str(c.label) for c in view.columns], rows())
        relative = private_files.new_name(EXPORT_DIR, f"{job.pk}-", ".xlsx.bin")
        private_files.write(relative, content, context=FILE_CONTEXT)
        ExportJob.objects.filter(pk=job.pk).update(state=ExportState.DONE, progress=total, stored_file=relative,
                                                   finished_at=timezone.now())  # fmt: skip
    except Exception:
        logger.exception("export %s failed", job_id)
        ExportJob.objects.filter(pk=job.pk).update(state=ExportState.FAILED, finished_at=timezone.now(),
                                                   message=str(_("导出时发生内部错误，请重试或联系管理员")))  # fmt: skip
        raise


def read_file(actor: Actor, job: ExportJob) -> bytes:
    job = scoping.get_for(actor, ExportJob, job.pk, "view")
    if (
        job.state != ExportState.DONE
        or not job.stored_file
        or not private_files.path(job.stored_file).exists()
    ):
        raise FileNotFoundError
    return private_files.read(job.stored_file, context=FILE_CONTEXT)


def purge_exports(*, now: datetime.datetime | None = None) -> int:
    """Remove the files of exports older than the retention; the job rows stay, marked as purged."""
    days = getattr(settings, "TALENTBASE_EXPORT_RETENTION_DAYS", 7)
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    removed = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).exclude(stored_file=""):
        private_files.remove(job.stored_file)
        ExportJob.objects.filter(pk=job.pk).update(stored_file="", message=str(_("文件已过保留期限，已删除")))
        removed += 1
    return removed
