"""``talentbase reap_imports``: start again the import jobs left running by a killed worker (their batch
idle for ``TALENTBASE_IMPORT_STALE_MINUTES``), or fail them after ``--attempts`` restarts. Run it on a
schedule (every few minutes)."""

from django.core.management.base import BaseCommand

from talentbase.core.actor import system_actor
from talentbase.core.imports.housekeeping import REAP_ATTEMPTS, reap_stale_imports, stale_after


class Command(BaseCommand):
    help = "Re-enqueue import jobs left running by a killed worker, or fail them after a few attempts."

    def add_arguments(self, parser):
        parser.add_argument("--attempts", type=int, default=REAP_ATTEMPTS, help="restarts before failing")

    def handle(self, *args, attempts, **options):
        result = reap_stale_imports(actor=system_actor(), attempts=attempts)
        minutes = int(stale_after().total_seconds() // 60)
        self.stdout.write(
            f"idle over {minutes} min: {len(result.requeued)} requeued {result.requeued}, "
            f"{len(result.failed)} failed {result.failed}"
        )
