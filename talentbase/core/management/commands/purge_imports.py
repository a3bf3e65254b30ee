"""``talentbase purge_imports``: the old name of ``talentbase run_due_work --only imports.purge --only
jobs.purge_results`` (the retention of import batches and of job result files such as exports), kept so
that cron lines written for it still work."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Alias of `run_due_work --only imports.purge --only jobs.purge_results`: apply the retention periods."
    )

    def handle(self, *args, **options):
        call_command("run_due_work", only=["imports.purge", "jobs.purge_results"], stdout=self.stdout,
                     stderr=self.stderr)  # fmt: skip
