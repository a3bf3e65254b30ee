"""The import jobs on Django's Tasks API: the engine is a setting (database queue, RQ, or in-process in
tests). Arguments are ids only; both jobs may run again safely."""

from django_tasks import task

from . import machinery


@task()
def run_preview(batch_id: int) -> None:
    machinery.run_preview(batch_id)


@task()
def run_import(batch_id: int) -> None:
    machinery.run_import(batch_id)
