"""What the job machinery knows of the apps: the kinds of job (how to run one, where its result file's
encryption context is) and the scheduled work (what ``talentbase run_due_work`` runs). Both are filled at
start-up by the apps' modules and read by the runner, the reaper and the command."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Job


class JobFailed(Exception):  # noqa: N818 (it says what happened to the job, not an error of the code)
    """Raised by a kind's run function to fail its job with a message for the user (no traceback logged)."""

    def __init__(self, message: Any):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class JobKind:
    """One kind of job. ``run(job)`` does the work (idempotent: a reaped job runs again) and reports progress
    through ``actions.report_progress``; ``give_up(job, message)`` cleans up what a job that will not run
    again leaves behind; ``result_context`` is the encryption context of its result file and
    ``result_retention_days()`` how long that file is kept."""

    name: str
    run: Callable[[Job], None]
    result_context: str = ""
    result_retention_days: Callable[[], int] | None = None
    give_up: Callable[[Job, str], None] | None = None
    internal_error: Any = ""


_kinds: dict[str, JobKind] = {}


def register_kind(name: str, run: Callable[[Job], None], **options) -> JobKind:
    kind = JobKind(name=name, run=run, **options)
    _kinds[name] = kind
    return kind


def kind_for(name: str) -> JobKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"unknown job kind {name!r}") from None


def kinds() -> list[JobKind]:
    return list(_kinds.values())


@dataclass(frozen=True)
class ScheduledWork:
    """Work that is due from time to time: ``function(now) -> int`` does what is due at ``now`` and says how
    many things it did. It must be idempotent: run twice, the second run does nothing."""

    name: str
    function: Callable[[datetime.datetime], int]
    description: str = ""


_scheduled: dict[str, ScheduledWork] = {}


def register_scheduled(
    name: str, function: Callable[[datetime.datetime], int], *, description: str = ""
) -> None:
    if name in _scheduled and _scheduled[name].function is not function:
        raise ValueError(f"scheduled work {name!r} is already registered")
    _scheduled[name] = ScheduledWork(name=name, function=function, description=description)


def scheduled_work() -> list[ScheduledWork]:
    return sorted(_scheduled.values(), key=lambda work: work.name)
