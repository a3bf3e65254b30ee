"""Scheduled work: what is due from time to time (jobs a killed worker left behind, files past their
retention; next the end of a publicity period, expiring filings), run by ``talentbase run_due_work`` from
cron or a systemd timer every few minutes.

Each item is registered by name with ``register_scheduled(name, function)``, ``function(now) -> int`` doing
what is due at ``now`` and saying how many things it did; it must be idempotent (a second run finds nothing
left to do). Two runs at once are safe: each item runs under a lock, ``pg_try_advisory_lock`` on PostgreSQL
(a second runner skips the item) and on SQLite one IMMEDIATE transaction, which holds the database's write
lock (a second runner waits for it, then finds nothing due). A failing item is logged and the next ones
still run."""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
from dataclasses import dataclass

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from talentbase.core.actor import system_actor

from . import actions
from .registry import ScheduledWork, register_scheduled, scheduled_work

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    name: str
    done: int = 0
    seconds: float = 0.0
    skipped: bool = False
    error: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.error)

    def __str__(self) -> str:
        if self.skipped:
            return f"{self.name}: skipped (running elsewhere)"
        if self.failed:
            return f"{self.name}: FAILED after {self.seconds:.1f} s: {self.error}"
        return f"{self.name}: {self.done} done in {self.seconds:.1f} s"


def lock_key(name: str) -> int:
    """A stable 63-bit advisory lock key for an item's name."""
    return int.from_bytes(hashlib.sha256(f"talentbase.scheduled:{name}".encode()).digest()[:8], "big") >> 1


def _run_locked(work: ScheduledWork, now: datetime.datetime) -> int | None:
    """The item's count, or None when another runner holds its lock."""
    if connection.vendor == "postgresql":
        key = lock_key(work.name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if not cursor.fetchone()[0]:
                return None
        try:
            return int(work.function(now))
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    try:
        with transaction.atomic():  # SQLite: BEGIN IMMEDIATE, the database's write lock
            return int(work.function(now))
    except OperationalError as error:
        if "locked" in str(error):
            return None  # another runner held the lock past the timeout: it is doing this work
        raise


def run_due_work(*, only: list[str] | None = None, now: datetime.datetime | None = None) -> list[Outcome]:
    """Run each registered item once (or those named in ``only``), in name order; one failure does not
    stop the others."""
    items = scheduled_work()
    if only:
        known = {work.name for work in items}
        unknown = sorted(set(only) - known)
        if unknown:
            raise LookupError(
                f"no scheduled work named {', '.join(unknown)} (known: {', '.join(sorted(known))})"
            )
        items = [work for work in items if work.name in only]
    outcomes = []
    for work in items:
        began = time.monotonic()
        outcome = Outcome(work.name)
        try:
            done = _run_locked(work, now or timezone.now())
        except Exception as error:
            logger.exception("scheduled work %s failed", work.name)
            outcome.error = f"{type(error).__name__}: {error}"
        else:
            outcome.skipped = done is None
            outcome.done = done or 0
        outcome.seconds = time.monotonic() - began
        if outcome.done or outcome.skipped:  # the quiet runs of every few minutes stay out of the log
            logger.info("scheduled work %s", outcome)
        outcomes.append(outcome)
    return outcomes


# --- core's own housekeeping


def reap_jobs(now: datetime.datetime) -> int:
    return actions.reap_stale_jobs(actor=system_actor(), now=now).count


def purge_job_results(now: datetime.datetime) -> int:
    return len(actions.purge_job_results(actor=system_actor(), now=now))


register_scheduled(
    "jobs.reap",
    reap_jobs,
    description="queue again the jobs a killed worker left running; fail them after three attempts",
)
register_scheduled(
    "jobs.purge_results",
    purge_job_results,
    description="remove job result files (exports) past their retention",
)
