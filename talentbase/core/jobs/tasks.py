"""The one task of every job, on Django's Tasks API (the engine is a setting): its argument is the job's id."""

from django_tasks import task

from . import actions


@task()
def run_job(job_id: int) -> None:
    actions.run(job_id)
