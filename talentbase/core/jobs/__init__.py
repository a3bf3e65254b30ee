"""Background jobs as one thing (DESIGN.md §2): one record per job (``models.Job``: kind, owner and the
owner's actor snapshot, state, progress, result file, error), one way to enqueue it
(:func:`enqueue`, after the transaction commits), one task that runs any kind, one reaper for jobs a
killed worker left behind, one progress page and API; and scheduled work (``registry``) that
``talentbase run_due_work`` runs from cron or a systemd timer.

An app adds a kind with :func:`register_kind` (its run function, the context its result file is encrypted
under) and scheduled work with :func:`register_scheduled`, from a module its ``AppConfig.ready`` imports.
"""

from .registry import JobFailed, register_kind, register_scheduled

__all__ = ["JobFailed", "enqueue", "register_kind", "register_scheduled"]


def enqueue(**kwargs):
    """Create a job and run it after the transaction commits: see :func:`talentbase.core.jobs.actions.enqueue`.
    (Imported on first use: this package is imported while the models load.)"""
    from .actions import enqueue as enqueue_job

    return enqueue_job(**kwargs)
