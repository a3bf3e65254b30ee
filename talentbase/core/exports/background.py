"""Large exports as background jobs (jobs of kind ``export``): a list page whose filtered rows exceed
``TALENTBASE_EXPORT_SYNC_ROWS`` hands its export to a job and shows its progress; small ones are written
at once as before.

The job rebuilds the list exactly as the page would for its user: the same view class (found by URL name),
the same query, the actor of the request (role, organisation, district, sectors) re-read from the job's
snapshot, so scope and filters cannot differ. The export is audited when asked for, as a synchronous one
is; the file is stored encrypted and served only to the user who asked."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _

from talentbase.core import audit, crypto, jobs, private_files
from talentbase.core.actor import Actor, actor_from_snapshot
from talentbase.core.jobs.actions import report_progress
from talentbase.core.jobs.models import Job

from .workbooks import workbook_bytes

logger = logging.getLogger(__name__)

KIND = "export"
EXPORT_DIR = "exports"
# Encryption contexts of what an export stores: they name files and fields written since the first
# export job, and must not change (a file written before could no longer be read).
QUERY_CONTEXT = "core.export.query"
FILE_CONTEXT = "core.export.file"
PROGRESS_EVERY = 2000


def sync_limit() -> int:
    return getattr(settings, "TALENTBASE_EXPORT_SYNC_ROWS", 20_000)


def retention_days() -> int:
    return getattr(settings, "TALENTBASE_EXPORT_RETENTION_DAYS", 7)


def is_large(queryset) -> bool:
    """More rows than a request should write: counted only up to the limit (an index range at most)."""
    limit = sync_limit()
    return queryset.order_by()[: limit + 1].count() > limit


def start(*, actor: Actor, url_name: str, query: QueryDict, title: str, filename: str, audited_query: str,
          model_label: str) -> Job:  # fmt: skip
    """Record the export's job, audit the export, and enqueue the job after the transaction commits."""
    query = query.copy()
    query.pop("export", None)
    with transaction.atomic():
        job = jobs.enqueue(actor=actor, kind=KIND, title=title, result_filename=filename, arguments={
            "url_name": url_name, "query": crypto.encrypt(query.urlencode(), context=QUERY_CONTEXT)})  # fmt: skip
        audit.record_audit(actor=actor, verb=audit.EXPORT, object_type=model_label,
                           reason=f"{audited_query} (job #{job.pk})"[:500])  # fmt: skip
    return job


def _list_view(job: Job, actor: Actor):
    """The list page's view, set up as for the user's request."""
    match = resolve(reverse(job.arguments["url_name"]))
    view = match.func.view_class()
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(crypto.decrypt(job.arguments.get("query", ""), context=QUERY_CONTEXT))
    request.user = actor.user
    request.actor = actor
    request.resolver_match = match
    view.setup(request, *match.args, **match.kwargs)
    return view


def run_export(job: Job) -> None:
    """Write the file in one pass, reporting progress; a failure leaves a message and no file."""
    actor = actor_from_snapshot(job.actor_snapshot)
    view = _list_view(job, actor)
    queryset = view.get_queryset("export")
    total = queryset.count()
    columns = view.shown_columns()
    report_progress(job, 0, total=total)

    def rows():
        for number, obj in enumerate(view.decorated(queryset), start=1):
            yield [column.value(obj) for column in columns]
            if number % PROGRESS_EVERY == 0:
                report_progress(job, number)

    content = workbook_bytes([str(c.label) for c in columns], rows(), sheet_name=view.sheet_name())
    relative = private_files.new_name(EXPORT_DIR, f"{job.pk}-", ".xlsx.bin")
    private_files.write(relative, content, context=FILE_CONTEXT)
    Job.objects.filter(pk=job.pk).update(result_file=relative, progress_done=total)


jobs.register_kind(
    KIND, run_export, result_context=FILE_CONTEXT, result_retention_days=retention_days,
    internal_error=_("导出时发生内部错误，请重试或联系管理员"),
)  # fmt: skip
