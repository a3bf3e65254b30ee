"""``talentbase reap_imports``: the old name of ``talentbase run_due_work --only jobs.reap`` (jobs of every
kind a killed worker left running are queued again, or failed after three attempts), kept so that cron
lines written for it still work."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Alias of `run_due_work --only jobs.reap`: queue again the jobs a killed worker left running."

    def handle(self, *args, **options):
        call_command("run_due_work", only=["jobs.reap"], stdout=self.stdout, stderr=self.stderr)
