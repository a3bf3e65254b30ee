"""The one way every bulk import runs (DESIGN.md §2): upload → a preview job that validates every row
against the file and the database AND stages the valid rows, prepared for writing, in committed chunks →
commit all or nothing, or only the valid rows → a commit job that re-checks the staged rows against what
changed in the registry since the preview and publishes them in one short transaction → the rows in
error downloadable with their reason, ready to fix and upload again.

An app adds a kind of import with an :class:`Importer` subclass in its ``importers.py`` (found at start-up)
decorated with :func:`register`: its ``columns``, ``validate`` (plain tuples in, one :class:`Outcome` per
row out), ``prepare`` (what to stage: personal data already encrypted, every per-row computation done),
``recheck`` (the staged rows that changes since the preview refuse) and ``publish`` (the bulk write).

The file is read and validated once, by the preview. Staged rows are valid rows only (creates and
updates; skips are counted, not staged), so they serve both policies: "all" is refused at commit while
any row is in error, "valid only" publishes them. The commit does not read the file again: the importer's
``recheck`` (one SQL join over the staged rows) finds what may have changed since the preview started (an
ID number registered meanwhile, a person to update changed or gone), and those rows become rows in error,
in a new report (the file is read again only then, for their cells), or skips; with "all", any such row
fails the batch. ``publish`` still refuses, inside its transaction, what was registered in between.

Why staging: a long import must not hold the database's write lock (SQLite has one for the whole
database), and a job killed half-way must leave nothing published. Each chunk of prepared rows is its
own short committed transaction; publication reads them back and writes them, updates the batch and
deletes them in ONE transaction. A killed preview leaves staged rows and nothing else; running it again
(``talentbase run_import --preview BATCH_ID``, or the reaper of ``talentbase run_due_work``) validates the file again
and stages only the rows after the last staged one (and those whose action changed). A killed commit
leaves the staged rows; running it again re-checks and publishes. Cancelling, failing, or the retention
purge (scheduled work ``imports.purge``) removes staged rows and files. Batches previewed before the preview
staged (``rows_staged`` false) are validated and staged again by the commit job, as they were then.

Both passes are background jobs (``core.jobs``, kinds ``import.preview`` and ``import.commit``, their
target the batch): the job holds the run's state, progress and attempts, the batch what belongs to the
import (its file, rows, counts and outcome).
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from talentbase.core import audit, jobs, private_files, scoping
from talentbase.core.actor import Actor, InactiveOwnerError, actor_snapshot
from talentbase.core.actor import actor_from_snapshot as _actor_from_snapshot
from talentbase.core.errors import DomainError
from talentbase.core.imports.models import (
    ImportBatch,
    ImportMode,
    ImportPolicy,
    ImportRowError,
    ImportStagedRow,
    ImportState,
)
from talentbase.core.jobs.actions import reading_input, report_progress, stop_jobs_for
from talentbase.core.jobs.actions import run as run_job
from talentbase.core.jobs.models import READING_INPUT, Job
from talentbase.core.jobs.registry import JobFailed

from . import bulk
from .columns import Column
from .errors import ImportRefusal
from .reading import Table, detect_format, open_table

CHUNK_SIZE = 2000
# Test hooks: a job exits abruptly (as if killed) once this many rows are staged (the preview), or inside
# the publishing transaction once the importer has written (the commit).
CRASH_AFTER_ENV = "TALENTBASE_IMPORT_CRASH_AFTER"
CRASH_PUBLISH_ENV = "TALENTBASE_IMPORT_CRASH_IN_PUBLISH"
IMPORT_DIR = "imports"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

CREATE, UPDATE, SKIP = "create", "update", "skip"
ACTION_KEY = "_action"
# A prepared payload's ``_lookup`` is staged beside it (not in the JSON), for ``Importer.recheck`` to join on.
LOOKUP_KEY = "_lookup"

IMPORT_VERB = audit.register_verb("import", pgettext_lazy("audit event", "导入"))
UPLOAD_VERB = audit.register_verb("import_upload", _("上传导入文件"))
CANCEL_VERB = audit.register_verb("import_cancel", _("取消导入"))
PREVIEW_KIND = "import.preview"
COMMIT_KIND = "import.commit"


class Outcome(NamedTuple):
    """What a validator says about one row: a payload to write, or the errors as (column, message).

    A validator may yield a second outcome with errors for a row it has already passed (the first of two
    rows with the same ID number, found when the second is read): that row then counts as an error too.
    A payload's ``_action`` is ``create`` (default), ``update`` or ``skip``. ``warnings`` (column, message)
    do not refuse the row: they are shown on the preview and in the error report, marked as warnings.
    """

    row_number: int
    payload: dict | None = None
    errors: tuple[tuple[str, str], ...] = ()
    warnings: tuple[tuple[str, str], ...] = ()


def checked_in_chunks(rows, *, chunk_size: int, check, key, duplicate):
    """The rows checked one by one, a chunk at a time, with a key seen twice in the file reported on both rows.

    ``check(cells)`` gives (errors list, payload or None) or (errors, payload, warnings); ``key(payload)``
    the value that must be unique in the file; ``duplicate(row)`` the error naming the other row. Every
    later copy names the first row with that key; the first row, once, names its first copy: one message
    per row however often the key repeats. Yields, per chunk, ``checked`` — (row number, errors, payload,
    warnings) for the caller to compare with the database, adding to the errors — and ``late``: the
    outcomes of earlier rows found to be the first of a duplicate (already yielded as valid; the machinery
    turns them into errors)."""
    first_row_of: dict = {}
    flagged: set[int] = set()
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, chunk_size)):
        checked: list[tuple[int, list, dict | None, list]] = []
        late: list[Outcome] = []
        in_chunk: dict[int, list] = {}
        for number, cells in chunk:
            errors, payload, *rest = check(cells)
            warnings = rest[0] if rest else []
            if payload is not None:
                first = first_row_of.setdefault(key(payload), number)
                if first != number:
                    errors.append(duplicate(first))
                    if first not in flagged:
                        flagged.add(first)
                        if first in in_chunk:
                            in_chunk[first].append(duplicate(number))
                        else:
                            late.append(Outcome(first, errors=(duplicate(number),)))
            in_chunk[number] = errors
            checked.append((number, errors, payload, warnings))
        yield checked, late


def outcomes(checked) -> Iterator[Outcome]:
    """One outcome per checked row: its errors, or its payload; with its warnings either way."""
    for number, errors, payload, *rest in checked:
        warnings = tuple(rest[0]) if rest else ()
        if errors:
            yield Outcome(number, errors=tuple(errors), warnings=warnings)
        else:
            yield Outcome(number, payload=payload, warnings=warnings)


@dataclass
class PublishResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0


class Importer:
    """One kind of import. Subclasses set the class attributes and implement ``validate`` and ``publish``."""

    kind: str = ""
    label: str = ""
    columns: list[Column] = []
    # Roles that may use this import (besides the scope of what it writes, which validate checks).
    roles: frozenset[str] = frozenset()
    # URL names of the pages: f"{url_prefix}-list", -create, -detail… (see core/imports/views.py).
    url_prefix: str = ""
    template_filename = "import-template.xlsx"
    chunk_size = CHUNK_SIZE

    def may_import(self, actor: Actor) -> bool:
        return actor.role in self.roles

    def url(self, name: str, *args) -> str:
        return reverse(f"{self.url_prefix}-{name}", args=args)

    def option_fields(self, actor: Actor) -> dict:
        """Extra upload form fields for this kind (e.g. the employer a city official imports for)."""
        return {}

    def clean_options(self, actor: Actor, data: dict) -> dict:
        """The options to keep on the batch (JSON), from the cleaned extra fields."""
        return {}

    def instructions(self) -> list[str]:
        """Lines for the template's instructions sheet, before the list of columns."""
        return []

    def upload_help(self) -> str:
        """The line above the upload form: what each row is checked for (the importer's own columns)."""
        return _("先上传文件：系统逐行校验（证件号码、手机号码、日期、文件内重复、是否已登记），显示预览后由您确认提交；提交前不会写入任何数据。")

    def validate(
        self, rows: Iterable[tuple[int, tuple[str, ...]]], *, actor: Actor, mode: str, options: dict
    ) -> Iterator[Outcome]:
        """One outcome per row, in order (rows come as (row number, cells in ``columns`` order))."""
        raise NotImplementedError

    def prepare(self, payloads: list[dict], *, actor: Actor, options: dict) -> list[dict]:
        """Turn a chunk of valid payloads into what is staged (JSON): encrypt personal data here, and do
        every per-row computation the publication needs, since it runs during the preview, outside the
        publishing transaction. A ``_lookup`` key (e.g. an ID number's hash) is staged for ``recheck``."""
        return payloads

    def recheck(self, batch: ImportBatch, *, actor: Actor, since) -> Iterable[Outcome]:
        """At commit, before publishing, without reading the file: the staged rows that what changed in
        the database since ``since`` (the preview's start) now refuses (an outcome with errors) or turns
        into a skip (an outcome whose payload's ``_action`` is ``skip``). Staged rows can be read from
        ``ImportStagedRow`` (``action``, ``lookup``) in SQL. Default: nothing changes a staged row."""
        return ()

    def publish(self, batch: ImportBatch, rows: Iterator[tuple[int, dict]], *, actor: Actor) -> PublishResult:
        """Write the staged rows (row number, prepared payload) in bulk, inside the caller's transaction.
        Raise ``DomainError`` to publish nothing."""
        raise NotImplementedError


_importers: dict[str, Importer] = {}


def register(importer_class: type[Importer]) -> type[Importer]:
    """Class decorator: make a kind of import available (pages, API, jobs)."""
    importer = importer_class()
    if not importer.kind:
        raise ValueError(f"{importer_class.__name__} has no kind")
    _importers[importer.kind] = importer
    return importer_class


def get_importer(kind: str) -> Importer:
    try:
        return _importers[kind]
    except KeyError:
        raise DomainError(ImportRefusal.UNKNOWN_KIND, _("未知的导入类型")) from None


def importers() -> list[Importer]:
    return list(_importers.values())


def importer_roles() -> frozenset[str]:
    roles: set[str] = set()
    for importer in _importers.values():
        roles |= set(importer.roles)
    return frozenset(roles)


# --- Files


def media_path(relative: str) -> Path:
    return private_files.path(relative)


def _new_path(batch: ImportBatch, suffix: str) -> str:
    return private_files.new_name(IMPORT_DIR, f"{batch.pk}-", suffix)


# Uploaded rosters and their error reports hold ID numbers as typed: they are stored encrypted with the
# personal-data key (SECURITY.md: no ID number in clear at rest) and decrypted in memory when read.
FILE_CONTEXT = "core.imports.file"


def write_private(relative: str, content: bytes) -> None:
    private_files.write(relative, content, context=FILE_CONTEXT)


def read_private(relative: str) -> bytes:
    return private_files.read(relative, context=FILE_CONTEXT)


_remove = private_files.remove


# --- The acting user of a job


def actor_from_snapshot(snapshot: dict) -> Actor:
    """The actor of the job (``core.actor``), refused with the import's own message."""
    try:
        return _actor_from_snapshot(snapshot)
    except InactiveOwnerError:
        raise DomainError(ImportRefusal.USER_INACTIVE, _("提交导入的账号已停用，导入未执行")) from None


# --- Actions: upload, commit, cancel (pages and the API call these)


def upload(
    *,
    actor: Actor,
    kind: str,
    uploaded_file,
    mode: str = ImportMode.CREATE,
    policy: str = ImportPolicy.ALL,
    options: dict | None = None,
) -> ImportBatch:
    """Keep the file and start its preview (a job): nothing is written to the registry here."""
    importer = get_importer(kind)
    scoping.ensure_may(actor, ImportBatch, "add")
    if not importer.may_import(actor):
        raise PermissionDenied
    name = Path(getattr(uploaded_file, "name", "") or "upload").name[:255]
    file_format = detect_format(name)
    if file_format is None:
        raise DomainError(ImportRefusal.FORMAT, _("只能导入 .xlsx、.xls、.ods 或 .csv 文件"), field="file")
    if getattr(uploaded_file, "size", 0) > MAX_UPLOAD_BYTES:
        raise DomainError(ImportRefusal.TOO_LARGE, _("文件超过 50 MB，请分成几个文件导入"), field="file")
    if mode not in ImportMode.values:
        raise DomainError(ImportRefusal.MODE, _("请选择已有记录的处理方式"), field="mode")
    if policy not in ImportPolicy.values:
        raise DomainError(ImportRefusal.POLICY, _("请选择提交方式"), field="policy")
    options = dict(options or {})
    options.setdefault("language", translation.get_language() or settings.LANGUAGE_CODE)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=kind, organisation_id=actor.organisation_id, created_by=actor.user,
            actor_snapshot=actor_snapshot(actor), original_filename=name, file_format=file_format,
            mode=mode, policy=policy, options=options,
        )  # fmt: skip
        batch.stored_file = _new_path(batch, f".{file_format}")
        try:
            chunks = uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else [uploaded_file.read()]
            write_private(batch.stored_file, b"".join(chunks))
            batch.save(update_fields=["stored_file"])
            audit.record_audit(actor=actor, verb=UPLOAD_VERB, obj=batch,
                               changes={"kind": kind, "mode": mode, "policy": policy})  # fmt: skip
        except BaseException:
            _remove(batch.stored_file)
            raise
        jobs.enqueue(actor=actor, kind=PREVIEW_KIND, title=name, target=batch)
    return batch


def commit(*, actor: Actor, batch: ImportBatch, policy: str | None = None) -> ImportBatch:
    """Start writing a previewed batch: all rows or nothing (refused while any row is in error), or only
    the valid rows. The job runs after this transaction commits; a second click finds it started."""
    batch = scoping.get_for(actor, ImportBatch, batch.pk, "change")
    if not get_importer(batch.kind).may_import(actor):
        raise PermissionDenied
    policy = policy or batch.policy
    if policy not in ImportPolicy.values:
        raise DomainError(ImportRefusal.POLICY, _("请选择提交方式"), field="policy")
    if batch.state != ImportState.PREVIEWED:
        raise DomainError(
            ImportRefusal.STATE, _("该批次当前不能提交（{state}）").format(state=batch.get_state_display())
        )
    if policy == ImportPolicy.ALL and batch.error_rows:
        raise DomainError(
            ImportRefusal.HAS_ERRORS,
            _("有 {count} 行错误：请下载错误报告，修正后重新上传；或选择“只导入正确的行”").format(
                count=batch.error_rows
            ),
        )
    if not batch.valid_rows:
        raise DomainError(ImportRefusal.NOTHING, _("没有可导入的正确行"))
    with transaction.atomic():
        moved = ImportBatch.objects.filter(pk=batch.pk, state=ImportState.PREVIEWED).update(
            state=ImportState.COMMITTING, policy=policy, committed_by=actor.user,
            actor_snapshot=actor_snapshot(actor), committed_at=timezone.now(), message="",
        )  # fmt: skip
        if not moved:
            raise DomainError(ImportRefusal.STATE, _("该批次已在导入或已结束"))
        jobs.enqueue(actor=actor, kind=COMMIT_KIND, title=batch.original_filename, target=batch,
                     total=batch.total_rows)  # fmt: skip
    batch.refresh_from_db()
    return batch


CANCELLABLE = (ImportState.UPLOADED, ImportState.VALIDATING, ImportState.PREVIEWED, ImportState.COMMITTING,
               ImportState.FAILED)  # fmt: skip


def cancel(*, actor: Actor, batch: ImportBatch) -> ImportBatch:
    """Drop a batch that is not done: its file, staged rows and report go; a running job stops at its
    next chunk and publishes nothing."""
    batch = scoping.get_for(actor, ImportBatch, batch.pk, "change")
    with transaction.atomic():
        moved = ImportBatch.objects.filter(pk=batch.pk, state__in=CANCELLABLE).update(
            state=ImportState.CANCELLED, finished_at=timezone.now()
        )
        if not moved:
            raise DomainError(ImportRefusal.STATE, _("该批次已完成，不能取消"))
        ImportStagedRow.objects.filter(batch_id=batch.pk).delete()
        stop_jobs_for(batch, _("已取消该批次"))
        audit.record_audit(actor=actor, verb=CANCEL_VERB, obj=batch)
        stored, report = batch.stored_file, batch.error_report
        transaction.on_commit(lambda: (_remove(stored), _remove(report)))
        ImportBatch.objects.filter(pk=batch.pk).update(stored_file="", error_report="")
    batch.refresh_from_db()
    return batch


# --- The jobs


def _set_state(batch: ImportBatch, sources: Iterable[str], target: str, **values) -> bool:
    """Move the batch if it is in one of ``sources`` (a conditional update: one winner)."""
    values.setdefault("updated_at", timezone.now())  # update() skips auto_now; the reaper reads it
    moved = ImportBatch.objects.filter(pk=batch.pk, state__in=list(sources)).update(state=target, **values)
    if moved:
        batch.refresh_from_db()
    return bool(moved)


def _fail(batch: ImportBatch, message, sources=(ImportState.VALIDATING, ImportState.COMMITTING)) -> None:
    """Nothing published: the staged rows and the uploaded file go (the error report, if any, stays)."""
    stored = batch.stored_file
    with transaction.atomic():
        if _set_state(batch, sources, ImportState.FAILED, message=str(message)[:500], finished_at=timezone.now(),
                      stored_file=""):  # fmt: skip
            ImportStagedRow.objects.filter(batch_id=batch.pk).delete()
            transaction.on_commit(lambda: _remove(stored))


def in_language(batch: ImportBatch, message) -> str:
    """A message for the batch, in the language its uploader used (as the jobs write theirs)."""
    with translation.override(batch.options.get("language") or settings.LANGUAGE_CODE):
        return str(message)


def current_job(batch_id: int, kind: str) -> Job | None:
    return Job.objects.filter(kind=kind, target_id=batch_id, target_type__model="importbatch",
                              target_type__app_label="core").order_by("-pk").first()  # fmt: skip


def run_preview(batch_id: int) -> None:
    """Run the batch's preview in this process, also when a killed worker left it running
    (``talentbase run_import --preview``); a batch past its preview is left alone."""
    job = _job_to_run(batch_id, PREVIEW_KIND, (ImportState.UPLOADED, ImportState.VALIDATING))
    if job is not None:
        run_job(job.pk, take_over=True)


def run_import(batch_id: int) -> None:
    """Run the batch's commit in this process, as :func:`run_preview` does the preview."""
    job = _job_to_run(batch_id, COMMIT_KIND, (ImportState.COMMITTING,))
    if job is not None:
        run_job(job.pk, take_over=True)


def _job_to_run(batch_id: int, kind: str, states) -> Job | None:
    """The pass's queued or running job; or, for a batch in that pass that no such job serves (its job
    ended without the batch, or none was recorded), a new one acting as the batch's snapshot."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return None
    job = current_job(batch_id, kind)
    if job is not None and job.is_running:
        return job
    if batch.state not in states:
        return None
    return Job.objects.create(
        kind=kind, title=batch.original_filename[:200], owner_id=batch.committed_by_id or batch.created_by_id,
        organisation_id=batch.organisation_id, actor_snapshot=batch.actor_snapshot, target=batch,
        progress_total=batch.total_rows if kind == COMMIT_KIND else 0,
    )  # fmt: skip


def _preview_job(job: Job) -> None:
    """Validate every row against the file and the database, record the errors and the report, and stage
    the valid rows prepared for writing, in committed chunks. Safe to run again after a crash: the pass
    is made again and staging resumes after the last staged row."""
    batch = ImportBatch.objects.filter(pk=job.target_id).first()
    if batch is None or not _set_state(
        batch, [ImportState.UPLOADED, ImportState.VALIDATING], ImportState.VALIDATING
    ):
        return
    report_progress(job, 0)
    # The first run's start: rows it staged were checked against the registry as it was then.
    ImportBatch.objects.filter(pk=batch.pk, preview_started_at__isnull=True).update(
        preview_started_at=timezone.now()
    )
    batch.refresh_from_db()
    with translation.override(batch.options.get("language") or settings.LANGUAGE_CODE):
        try:
            actor = actor_from_snapshot(job.actor_snapshot)
            result = ImportRun(batch, actor, running_state=ImportState.VALIDATING, job=job).run()
        except DomainError as error:
            _fail(batch, error.message)
            raise JobFailed(error.message) from None
        except Exception:
            _fail(batch, _("校验时发生内部错误，请联系管理员"))
            raise
        if result.cancelled:
            return
        _set_state(batch, [ImportState.VALIDATING], ImportState.PREVIEWED, previewed_at=timezone.now(),
                   rows_staged=True, **result.counts())  # fmt: skip
        report_progress(job, result.total_rows, total=result.total_rows)


def _commit_job(job: Job) -> None:
    """Publish a committed batch: re-check the staged rows against what changed in the registry since the
    preview (without reading the file), then publish them all in one transaction. Safe to run again after
    a crash: nothing was published, and the re-check finds only what it has not taken out yet."""
    batch = ImportBatch.objects.filter(pk=job.target_id).first()
    if batch is None or batch.state != ImportState.COMMITTING:
        return  # done, cancelled or failed: nothing to do (a re-run after success is a no-op)
    with translation.override(batch.options.get("language") or settings.LANGUAGE_CODE):
        try:
            actor = actor_from_snapshot(job.actor_snapshot)
            if batch.rows_staged:
                _recheck(batch, actor, job)
            else:
                # Previewed before the preview staged its rows: validate the file again and stage them now.
                result = ImportRun(batch, actor, running_state=ImportState.COMMITTING, job=job).run()
                if result.cancelled:
                    return
                ImportBatch.objects.filter(pk=batch.pk).update(**result.counts())
                batch.refresh_from_db()
            if batch.state != ImportState.COMMITTING:
                return
            if batch.policy == ImportPolicy.ALL and batch.error_rows:
                message = format_lazy(_("校验发现 {count} 行错误，未导入任何数据；请下载错误报告修正后重新上传"),
                                      count=batch.error_rows)  # fmt: skip
                _fail(batch, message)
                raise JobFailed(message)
            _publish(batch, actor, job)
        except JobFailed:
            raise
        except DomainError as error:
            _fail(batch, error.message)
            raise JobFailed(error.message) from None
        except Exception:
            _fail(batch, _("导入时发生内部错误，未导入任何数据；请联系管理员"))
            raise


def _give_up(job: Job, message) -> None:
    """The reaper stops a job restarted too often, or one that died reading its file: its batch fails
    (nothing was published), and the staged rows and the file go."""
    batch = ImportBatch.objects.filter(pk=job.target_id).first()
    if batch is None:
        return
    if job.phase == READING_INPUT:
        text = in_language(
            batch,
            _("读取上传的文件时导入任务中断：该文件可能已损坏或过大，未导入任何数据；请检查文件后重新上传"),
        )
    else:
        text = in_language(batch, format_lazy(
            _("导入任务中断了 {count} 次，已停止，未导入任何数据；请重新上传"), count=job.attempts + 1
        ))  # fmt: skip
    _fail(batch, text)
    Job.objects.filter(pk=job.pk).update(error=text[:500])


def _recheck(batch: ImportBatch, actor: Actor, job: Job | None = None) -> None:
    """Before publishing: the staged rows that the registry's changes since the preview now refuse become
    rows in error (recorded, in a new report) and those it turns into skips are counted as such; both are
    taken out of the staged rows. Nothing to do, the usual case, costs the importer's one query."""
    importer = get_importer(batch.kind)
    since = batch.preview_started_at or batch.created_at
    refused: dict[int, list[tuple[str, str]]] = {}
    skipped: set[int] = set()
    for outcome in importer.recheck(batch, actor=actor, since=since):
        if outcome.errors:
            refused.setdefault(outcome.row_number, []).extend((str(c), str(m)) for c, m in outcome.errors)
        elif (outcome.payload or {}).get(ACTION_KEY) == SKIP:
            skipped.add(outcome.row_number)
    skipped -= set(refused)
    if not refused and not skipped:
        return
    numbers = sorted(set(refused) | skipped)
    actions: dict[int, str] = {}
    for start in range(0, len(numbers), 500):
        actions.update(
            ImportStagedRow.objects.filter(batch_id=batch.pk, row_number__in=numbers[start : start + 500])
            .values_list("row_number", "action")
        )  # fmt: skip
    refused = {number: errors for number, errors in refused.items() if number in actions}
    skipped = {number for number in skipped if number in actions}
    report = ""
    if refused:
        errors: dict[int, list[tuple[str, str]]] = {}
        warnings: dict[int, list[tuple[str, str]]] = {}
        for number, column, message, warning in (
            ImportRowError.objects.filter(batch_id=batch.pk)
            .order_by("row_number", "pk")
            .values_list("row_number", "column", "message", "warning")
        ):
            (warnings if warning else errors).setdefault(number, []).append((column, message))
        for number, row_errors in refused.items():
            errors.setdefault(number, []).extend(row_errors)
        report = _write_error_report(batch, errors, _read_cells(batch, set(errors), job), warnings)
    dropped = {CREATE: 0, UPDATE: 0}
    for number in actions:
        dropped[actions[number]] = dropped.get(actions[number], 0) + 1
    with transaction.atomic():
        still = (
            ImportBatch.objects.select_for_update().filter(pk=batch.pk, state=ImportState.COMMITTING).first()
        )
        if still is None:
            transaction.on_commit(lambda: _remove(report))
            return
        for start in range(0, len(numbers), 500):
            ImportStagedRow.objects.filter(
                batch_id=batch.pk, row_number__in=numbers[start : start + 500]
            ).delete()
        bulk.insert_rows(ImportRowError, ["batch_id", "row_number", "column", "message"], (
            (batch.pk, number, column[:100], message[:500])
            for number in sorted(refused) for column, message in refused[number]
        ))  # fmt: skip
        values = {
            "valid_rows": F("valid_rows") - len(refused), "error_rows": F("error_rows") + len(refused),
            "skip_rows": F("skip_rows") + len(skipped),
            "create_rows": F("create_rows") - dropped.get(CREATE, 0),
            "update_rows": F("update_rows") - dropped.get(UPDATE, 0), "updated_at": timezone.now(),
        }  # fmt: skip
        if report:
            values["error_report"] = report
            old = still.error_report
            transaction.on_commit(lambda: _remove(old))
        ImportBatch.objects.filter(pk=batch.pk).update(**values)
    batch.refresh_from_db()


def _read_cells(batch: ImportBatch, numbers: set[int], job: Job | None = None) -> dict[int, list[str]]:
    """The cells of some rows as read from the stored file (for an error report), reading no further than
    the last of them."""
    if not numbers or not batch.stored_file:
        return {}
    importer = get_importer(batch.kind)
    with reading_input(job):
        table = open_table(read_private(batch.stored_file), batch.file_format, importer.columns)
    cells: dict[int, list[str]] = {}
    last = max(numbers)
    for number, row in table.records():
        if number in numbers:
            cells[number] = row
        if number >= last:
            break
    return cells


def _write_error_report(batch: ImportBatch, errors: dict, cells: dict, warnings: dict | None = None) -> str:
    """Write the rows in error with their reasons (and every warning, marked as such) as a new private
    file; its path (the caller records it)."""
    from .reports import error_report_bytes

    warnings = warnings or {}
    content = error_report_bytes(
        batch.headers,
        (
            (number, cells.get(number, []), errors[number], warnings.get(number, []))
            for number in sorted(errors)
        ),
        warnings=[
            (number, column, message) for number in sorted(warnings) for column, message in warnings[number]
        ],
    )
    relative = _new_path(batch, "-errors.xlsx")
    write_private(relative, content)
    return relative


def _publish(batch: ImportBatch, actor: Actor, job: Job) -> None:
    importer = get_importer(batch.kind)
    crash = bool(os.environ.get(CRASH_PUBLISH_ENV))
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().filter(pk=batch.pk).first()
        if locked is None or locked.state != ImportState.COMMITTING:
            return
        with bulk.noting_filled_tables() as filled:
            published = importer.publish(locked, staged_rows(batch.pk), actor=actor)
        if crash:
            os._exit(137)  # the test of a job killed while publishing: the transaction never commits
        ImportStagedRow.objects.filter(batch_id=batch.pk).delete()
        counts = {"created": published.created, "updated": published.updated,
                  "skipped": published.skipped + locked.skip_rows, "errors": locked.error_rows}  # fmt: skip
        audit.record_audit(actor=actor, verb=IMPORT_VERB, obj=locked,
                           changes={"kind": batch.kind, **counts})  # fmt: skip
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=ImportState.DONE, written_rows=published.created + published.updated,
            finished_at=timezone.now(), updated_at=timezone.now(), stored_file="",
        )  # fmt: skip
        Job.objects.filter(pk=job.pk).update(
            progress_done=locked.total_rows, progress_total=locked.total_rows
        )
        stored = locked.stored_file
        transaction.on_commit(lambda: _remove(stored))
        # Fresh planner statistics for the tables the import filled (PostgreSQL), once its rows are committed.
        transaction.on_commit(lambda: bulk.refresh_statistics(filled), robust=True)
    batch.refresh_from_db()


def staged_rows(batch_id: int) -> Iterator[tuple[int, dict]]:
    """The staged rows of a batch in row order, read in chunks (a server-side cursor on PostgreSQL) as plain
    tuples: no model instances for 10^5 rows."""
    connection = bulk.connection_for(ImportStagedRow)
    table = connection.ops.quote_name(ImportStagedRow._meta.db_table)
    decode = json.JSONDecoder().decode
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT row_number, payload FROM {table} WHERE batch_id = %s ORDER BY row_number",  # noqa: S608
                       [batch_id])  # fmt: skip
        while rows := cursor.fetchmany(CHUNK_SIZE):
            for number, payload in rows:
                yield number, decode(payload)


@dataclass
class RunResult:
    total_rows: int = 0
    error_rows: int = 0
    actions: dict[str, int] = field(default_factory=dict)
    cancelled: bool = False

    @property
    def valid_rows(self) -> int:
        return sum(self.actions.values())

    @property
    def skip_rows(self) -> int:
        return self.actions.get(SKIP, 0)

    def counts(self) -> dict:
        return {
            "total_rows": self.total_rows,
            "valid_rows": self.valid_rows,
            "error_rows": self.error_rows,
            "create_rows": self.actions.get(CREATE, 0),
            "update_rows": self.actions.get(UPDATE, 0),
            "skip_rows": self.actions.get(SKIP, 0),
        }


class _CancelledError(Exception):
    pass


# Staged payloads: compact JSON, one encoder for all (dates and decimals as DjangoJSONEncoder writes them).
_PAYLOAD_ENCODER = DjangoJSONEncoder(ensure_ascii=False, separators=(",", ":"))
STAGED_COLUMNS = ["batch_id", "row_number", "action", "lookup", "payload"]


class ImportRun:
    """One pass over the file: validate every row, record the errors, write the error report and stage
    the valid rows (prepared: personal data encrypted) in committed chunks, reporting progress on its job
    while the batch is in ``running_state`` (it stops when the batch leaves it, or the job ends: cancelled).

    Run again after a crash, it resumes: rows up to the last staged one are staged again only when their
    action changed (a person registered meanwhile), and staged rows now refused are taken out."""

    def __init__(self, batch: ImportBatch, actor: Actor, *, running_state: str, job: Job | None = None):
        self.batch = batch
        self.job = job
        self.actor = actor
        self.importer = get_importer(batch.kind)
        self.running_state = running_state
        self.errors: dict[int, list[tuple[str, str]]] = {}
        self.warnings: dict[int, list[tuple[str, str]]] = {}
        self.error_cells: dict[int, list[str]] = {}
        self.actions: dict[int, str] = {}
        self.pending_cells: dict[int, list[str]] = {}
        self.buffer: list[tuple[int, dict]] = []
        self.fed = 0
        self.since_flush = 0
        self.staged = 0
        self.crash_after = int(os.environ.get(CRASH_AFTER_ENV) or 0)
        # What a crashed run staged: {row number: action}.
        self.staged_actions: dict[int, str] = dict(
            ImportStagedRow.objects.filter(batch_id=batch.pk).values_list("row_number", "action")
        )
        self.staged_upto = max(self.staged_actions, default=0)

    # -- the pass

    def run(self) -> RunResult:
        if not self.batch.stored_file or not media_path(self.batch.stored_file).exists():
            raise DomainError(ImportRefusal.FILE_MISSING, _("上传的文件已不存在，请重新上传"))
        with reading_input(self.job):  # checked, then opened by the reader's child: the costly part
            table = open_table(
                read_private(self.batch.stored_file), self.batch.file_format, self.importer.columns
            )
        ImportBatch.objects.filter(pk=self.batch.pk).update(
            headers=table.headers, header_row=table.header_row
        )
        self.batch.headers, self.batch.header_row = table.headers, table.header_row
        try:
            outcomes = self.importer.validate(self._feed(table), actor=self.actor, mode=self.batch.mode,
                                              options=self.batch.options)  # fmt: skip
            for outcome in outcomes:
                self._take(outcome)
            self._flush()
        except _CancelledError:
            return RunResult(cancelled=True)
        if not self.fed:
            raise DomainError(
                ImportRefusal.NO_ROWS,
                _("文件中只有表头，没有数据行：请在表头下方逐行填写（每行一条）后重新上传"),
            )
        self._unstage_refused()
        self._fetch_missing_cells()
        self._save_errors()
        self._write_report()
        counts: dict[str, int] = {}
        for action in self.actions.values():
            counts[action] = counts.get(action, 0) + 1
        return RunResult(total_rows=self.fed, error_rows=len(self.errors), actions=counts)

    def _feed(self, table: Table) -> Iterator[tuple[int, tuple[str, ...]]]:
        positions = [table.positions.get(column.key) for column in self.importer.columns]
        for number, cells in table.records():
            self.pending_cells[number] = cells
            self.fed += 1
            width = len(cells)
            yield number, tuple(cells[p] if p is not None and p < width else "" for p in positions)

    def _take(self, outcome: Outcome) -> None:
        number = outcome.row_number
        cells = self.pending_cells.pop(number, None)
        if outcome.warnings:
            self.warnings.setdefault(number, []).extend((str(c), str(m)) for c, m in outcome.warnings)
        if outcome.errors:
            self.errors.setdefault(number, []).extend((str(c), str(m)) for c, m in outcome.errors)
            if cells is not None:
                self.error_cells[number] = cells
            self.actions.pop(number, None)
        else:
            payload = outcome.payload or {}
            action = payload.get(ACTION_KEY, CREATE)
            self.actions[number] = action
            if action != SKIP and (number > self.staged_upto or self.staged_actions.get(number) != action):
                self.buffer.append((number, payload))
        self.since_flush += 1
        if self.since_flush >= self.importer.chunk_size:
            self._flush()

    def _flush(self) -> None:
        """Stage the buffered rows and record the progress, in one short transaction; stop if the batch
        was cancelled meanwhile."""
        chunk, self.buffer = self.buffer, []
        self.since_flush = 0
        prepared = []
        if chunk:
            payloads = self.importer.prepare([payload for _n, payload in chunk], actor=self.actor,
                                             options=self.batch.options)  # fmt: skip
            encode = _PAYLOAD_ENCODER.encode
            for (number, _p), payload in zip(chunk, payloads, strict=True):
                lookup = payload.pop(LOOKUP_KEY, "")
                prepared.append(
                    (self.batch.pk, number, payload.get(ACTION_KEY, CREATE), lookup, encode(payload))
                )
        # Rows a crashed run staged with another action: replaced.
        replaced = [number for number, _p in chunk if number in self.staged_actions]
        with transaction.atomic():
            # Rows whose outcome is known; the validator may be reading ahead.
            done = self.fed - len(self.pending_cells)
            still = ImportBatch.objects.filter(pk=self.batch.pk, state=self.running_state).update(
                updated_at=timezone.now()
            )
            if not still or (self.job is not None and not report_progress(self.job, done)):
                raise _CancelledError
            if replaced:
                ImportStagedRow.objects.filter(batch_id=self.batch.pk, row_number__in=replaced).delete()
            if prepared:
                bulk.insert_rows(ImportStagedRow, STAGED_COLUMNS, prepared)
        for number in replaced:
            del self.staged_actions[number]
        self.staged += len(prepared)
        if self.crash_after and self.staged >= self.crash_after and prepared:
            os._exit(137)  # the test of a killed job: no cleanup, no rollback of committed chunks

    # -- after the pass

    def _unstage_refused(self) -> None:
        """Staged rows that are now in error (the first of two duplicates, found later) or skipped (staged by
        a crashed run, since registered by someone else) are taken out again."""
        last = ImportStagedRow.objects.filter(batch_id=self.batch.pk).order_by("-row_number").first()
        if last is None:
            return
        refused = [n for n in self.errors if n <= last.row_number]
        refused += [n for n in self.staged_actions if self.actions.get(n) == SKIP]
        refused.sort()
        for start in range(0, len(refused), 500):
            with transaction.atomic():
                ImportStagedRow.objects.filter(
                    batch_id=self.batch.pk, row_number__in=refused[start : start + 500]
                ).delete()

    def _fetch_missing_cells(self) -> None:
        """Rows found in error after they were read (the first of two duplicates) are read again for the
        report; only when there are such rows."""
        missing = {number for number in self.errors if number not in self.error_cells}
        self.error_cells.update(_read_cells(self.batch, missing, self.job))

    def _save_errors(self) -> None:
        def rows():
            for number in sorted(set(self.errors) | set(self.warnings)):
                for column, message in self.errors.get(number, ()):
                    yield self.batch.pk, number, column[:100], message[:500], False
                for column, message in self.warnings.get(number, ()):
                    yield self.batch.pk, number, column[:100], message[:500], True

        with transaction.atomic():
            ImportRowError.objects.filter(batch_id=self.batch.pk).delete()
            bulk.insert_rows(
                ImportRowError, ["batch_id", "row_number", "column", "message", "warning"], rows()
            )

    def _write_report(self) -> None:
        old = self.batch.error_report
        if not self.errors and not self.warnings:
            ImportBatch.objects.filter(pk=self.batch.pk).update(error_report="")
            _remove(old)
            return
        relative = _write_error_report(self.batch, self.errors, self.error_cells, self.warnings)
        ImportBatch.objects.filter(pk=self.batch.pk).update(error_report=relative)
        self.batch.error_report = relative
        _remove(old)


def preview_errors(actor: Actor, batch: ImportBatch, limit: int = 200):
    """The first errors and warnings of a batch, for the preview page (scoped like the batch)."""
    return scoping.visible_to(actor, ImportRowError).filter(batch=batch).order_by("row_number", "pk")[:limit]


def unused_headers(importer: Importer, headers: list[str]) -> list[str]:
    """The file's column headers that name none of the importer's columns: their cells are not imported."""
    from .reading import normalise_header

    known = {key for column in importer.columns for key in column.header_keys()}
    return [str(text) for text in headers if str(text).strip() and normalise_header(text) not in known]


jobs.register_kind(PREVIEW_KIND, _preview_job, give_up=_give_up,
                   internal_error=_("校验时发生内部错误，请联系管理员"))  # fmt: skip
jobs.register_kind(COMMIT_KIND, _commit_job, give_up=_give_up,
                   internal_error=_("导入时发生内部错误，未导入任何数据；请联系管理员"))  # fmt: skip
