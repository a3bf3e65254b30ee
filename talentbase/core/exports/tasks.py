"""The export job on Django's Tasks API (the engine is a setting); its argument is an id only."""

from django_tasks import task

from . import background


@task()
def run_export(job_id: int) -> None:
    background.run_export(job_id)
