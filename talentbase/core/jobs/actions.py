"""Every write the job machinery knows: start a job (:func:`enqueue`), run it (:func:`run`), report its
progress, end it, and the housekeeping that cron runs (:func:`reap_stale_jobs`,
:func:`purge_job_results`)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from talentbase.core import audit, private_files, scoping
from talentbase.core.actor import Actor, actor_snapshot

from .models import ACTIVE_STATES, READING_INPUT, Job, JobState
from .registry import JobFailed, kind_for, kinds

logger = logging.getLogger(__name__)

REAP_ATTEMPTS = 3
REAP_VERB = audit.register_verb("job_reap", _("回收中断的任务"))
PURGE_VERB = audit.register_verb("job_purge", _("清理过期任务"))
INTERNAL_ERROR = _("任务运行时发生内部错误，请重试或联系管理员")
INPUT_UNREADABLE = _("任务在读取上传的文件时中断：该文件无法读取，未再重试；请检查文件后重新上传")


def enqueue(*, actor: Actor, kind: str, title: str = "", target: models.Model | None = None,
            arguments: dict | None = None, total: int = 0, result_filename: str = "") -> Job:  # fmt: skip
    """Record a job run as ``actor`` (its scope is snapshotted) and hand it to the task queue once the
    transaction commits: the same code runs on the database queue and on RQ, and a rolled-back request
    leaves no job behind."""
    kind_for(kind)  # an unknown kind is a programming error: refused before anything is written
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, title=str(title)[:200], owner=actor.user, organisation_id=actor.organisation_id,
            actor_snapshot=actor_snapshot(actor), arguments=arguments or {}, progress_total=total,
            result_filename=result_filename[:200],
            target_type=ContentType.objects.get_for_model(target) if target is not None else None,  # unscoped: a type
            target_id=target.pk if target is not None else None,
        )  # fmt: skip
        job_id = job.pk
        transaction.on_commit(lambda: send(job_id))
    return job


def send(job_id: int) -> None:
    """Put the job on the task queue (its one argument is its id)."""
    from .tasks import run_job

    run_job.enqueue(job_id)


def run(job_id: int, *, take_over: bool = False) -> Job | None:
    """Run a queued job in this process: one winner takes it (a conditional update), so a job sent twice
    runs once. ``take_over`` also runs one left running (``talentbase run_import`` after a killed worker).
    A kind's ``JobFailed`` fails the job with its message; any other error fails it too and is raised."""
    sources = list(ACTIVE_STATES) if take_over else [JobState.QUEUED]
    now = timezone.now()
    taken = Job.objects.filter(pk=job_id, state__in=sources).update(
        state=JobState.RUNNING, started_at=now, updated_at=now, phase=""
    )
    if not taken:
        return None  # finished, failed, or running in another worker
    job = Job.objects.get(pk=job_id)  # unscoped: the worker runs the job it was handed, as its owner
    kind = kind_for(job.kind)
    try:
        kind.run(job)
    except JobFailed as failure:
        finish(job, JobState.FAILED, error=str(failure))  # rendered where it was raised (its language)
    except Exception:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        finish(job, JobState.FAILED, error=kind.internal_error or INTERNAL_ERROR)
        raise
    else:
        finish(job, JobState.SUCCEEDED)
    job.refresh_from_db()
    return job


def report_progress(job: Job, done: int, *, total: int | None = None, message=None, **values) -> bool:
    """Record how far a running job is (and that its worker lives: the heartbeat the reaper reads).
    False when the job is no longer running (cancelled, failed by the reaper): the job should stop."""
    values.update(progress_done=done, updated_at=timezone.now())
    if total is not None:
        values["progress_total"] = total
    if message is not None:
        values["progress_message"] = str(message)[:500]
    return bool(_this_run(job).update(**values))


@contextmanager
def reading_input(job: Job | None) -> Iterator[None]:
    """Mark the run as reading its user's file while the block runs: a worker that dies meanwhile (a file
    that exhausts memory) is blamed on the file, and the reaper fails the job instead of running it again
    (which would kill the next worker too). A worker killed in any other phase is re-queued as before."""
    if job is None:
        yield
        return
    _this_run(job).update(phase=READING_INPUT, updated_at=timezone.now())
    try:
        yield
    finally:
        _this_run(job).update(phase="")


def finish(job: Job, state: str, *, error="", **values) -> bool:
    """End a running job (conditional: a job the reaper or a cancel ended meanwhile stays as it is)."""
    now = timezone.now()
    values.update(state=state, finished_at=now, updated_at=now, error=str(error))
    return bool(_this_run(job).update(**values))


def _this_run(job: Job) -> models.QuerySet:
    """The job while this run owns it: running, and not queued again by the reaper since it started (a
    reaped run that wakes up must neither report nor end the next one)."""
    return Job.objects.filter(
        pk=job.pk, state=JobState.RUNNING, attempts=job.attempts
    )  # unscoped: this run's own row


def stop_jobs_for(target: models.Model, error) -> int:
    """End the queued or running jobs serving ``target`` (its import was cancelled): they stop at their
    next progress report and publish nothing."""
    now = timezone.now()
    return (
        jobs_for(target)
        .filter(state__in=ACTIVE_STATES)
        .update(state=JobState.FAILED, error=str(error), finished_at=now, updated_at=now)
    )


def jobs_for(target: models.Model) -> models.QuerySet:
    """The jobs serving an object, newest first (unscoped: for the object's own machinery)."""
    # unscoped: the machinery of the object reads its own jobs; pages read them through scoping
    return Job.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).order_by("-pk")


def read_result(actor: Actor, job_or_pk) -> tuple[Job, bytes]:
    """The job's result file for its owner, decrypted; ``FileNotFoundError`` when there is none (yet, or
    no longer after the retention)."""
    job = scoping.get_for(actor, Job, getattr(job_or_pk, "pk", job_or_pk), "view")
    context = kind_for(job.kind).result_context
    if (
        job.state != JobState.SUCCEEDED
        or not job.result_file
        or not context
        or not private_files.path(job.result_file).exists()
    ):
        raise FileNotFoundError
    return job, private_files.read(job.result_file, context=context)


# --- Housekeeping (scheduled work: see registry.register_scheduled and core/jobs/scheduled.py)


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.TALENTBASE_JOB_STALE_MINUTES)


@dataclass
class ReapResult:
    requeued: list[int] = field(default_factory=list)
    resent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.requeued) + len(self.resent) + len(self.failed)


def reap_stale_jobs(
    *, actor: Actor, now: datetime.datetime | None = None, attempts: int = REAP_ATTEMPTS
) -> ReapResult:
    """Jobs a killed worker left behind (a worker killed with SIGKILL leaves its task running forever):
    a running job silent for longer than the setting is queued again (every kind's run resumes or starts
    over safely), or, once started again ``attempts`` times, failed (its kind's ``give_up`` cleans up);
    one that died while reading its user's file (:func:`reading_input`) is failed at once, the file being
    the suspect;
    a queued job that no worker took in that time is sent to the queue again (a lost message), without
    counting an attempt. Each job is taken by a conditional update on its ``updated_at``, so a job that
    moved meanwhile, or a second reaper, is left alone: run twice, the second run does nothing."""
    now = now or timezone.now()
    result = ReapResult()
    # unscoped: the reaper looks after every owner's jobs
    stale = Job.objects.filter(state__in=ACTIVE_STATES, updated_at__lt=now - stale_after()).order_by("pk")
    for job in stale:
        same = Job.objects.filter(pk=job.pk, state=job.state, updated_at=job.updated_at)  # unscoped: as above
        try:
            kind = kind_for(job.kind)
        except LookupError:
            logger.error("job %s has an unknown kind %r: left alone", job.pk, job.kind)
            continue
        with transaction.atomic():
            if job.state == JobState.QUEUED:
                if same.update(updated_at=now):
                    transaction.on_commit(lambda job_id=job.pk: send(job_id))
                    result.resent.append(job.pk)
                continue
            if job.attempts >= attempts or job.phase == READING_INPUT:
                if job.phase == READING_INPUT:
                    message = INPUT_UNREADABLE
                else:
                    message = format_lazy(_("任务中断了 {count} 次，已停止"), count=job.attempts + 1)
                if not same.update(
                    state=JobState.FAILED, error=str(message), finished_at=now, updated_at=now
                ):
                    continue
                if kind.give_up is not None:
                    kind.give_up(job, message)
                audit.record_audit(actor=actor, verb=REAP_VERB, obj=job, changes={
                    "kind": job.kind, "attempts": job.attempts, "outcome": "failed", "phase": job.phase,
                })  # fmt: skip
                result.failed.append(job.pk)
                continue
            if not same.update(state=JobState.QUEUED, attempts=F("attempts") + 1, updated_at=now):
                continue
            audit.record_audit(actor=actor, verb=REAP_VERB, obj=job, changes={
                "kind": job.kind, "attempts": job.attempts + 1, "outcome": "requeued"})  # fmt: skip
            transaction.on_commit(lambda job_id=job.pk: send(job_id))
            result.requeued.append(job.pk)
    return result


def purge_job_results(*, actor: Actor, now: datetime.datetime | None = None) -> list[int]:
    """Remove the result files of jobs older than their kind's retention; the job rows stay, marked as
    purged. One audit event for the run when anything went; run twice, the second run finds nothing."""
    now = now or timezone.now()
    purged: list[int] = []
    files: list[str] = []
    with transaction.atomic():
        for kind in kinds():
            if kind.result_retention_days is None:
                continue
            cutoff = now - datetime.timedelta(days=kind.result_retention_days())
            # unscoped: retention applies to every owner's results
            for job in Job.objects.filter(kind=kind.name, created_at__lt=cutoff).exclude(result_file=""):
                Job.objects.filter(pk=job.pk).update(
                    result_file="", progress_message=str(_("文件已过保留期限，已删除"))
                )
                files.append(job.result_file)
                purged.append(job.pk)
        if purged:
            audit.record_audit(actor=actor, verb=PURGE_VERB, object_type=Job._meta.label_lower,
                               changes={"jobs": purged, "files": len(files)})  # fmt: skip
        transaction.on_commit(lambda: [private_files.remove(path) for path in files])
    return purged
