"""``talentbase run_due_work``: run the scheduled work that is due (``core/jobs/scheduled.py``): every
registered item once, or those named with ``--only``. Meant for cron or a systemd timer every few minutes;
safe to run twice at once and to run again. Exits non-zero when an item failed (the others still ran)."""

from django.core.management.base import BaseCommand, CommandError

from talentbase.core.jobs.registry import scheduled_work
from talentbase.core.jobs.scheduled import run_due_work


class Command(BaseCommand):
    help = (
        "Run the scheduled work that is due (reaping jobs, retention purges…); for cron or a systemd timer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", metavar="NAME", help="run only this item (repeatable)")
        parser.add_argument("--list", action="store_true", help="list the registered items and exit")

    def handle(self, *args, only=None, list=False, **options):  # noqa: A002 (the option's name)
        if list:
            for work in scheduled_work():
                self.stdout.write(f"{work.name}: {work.description}")
            return
        try:
            outcomes = run_due_work(only=only)
        except LookupError as error:
            raise CommandError(str(error)) from None
        for outcome in outcomes:
            (self.stderr if outcome.failed else self.stdout).write(str(outcome))
        failed = [outcome.name for outcome in outcomes if outcome.failed]
        if failed:
            raise CommandError(f"scheduled work failed: {', '.join(failed)}")
