"""``talentbase run_import BATCH_ID``: run an import job in this process, e.g. again after its worker was
killed (nothing was published; staging resumes after the last staged row). ``--preview`` runs the preview
job instead."""

from django.core.management.base import BaseCommand, CommandError

from talentbase.core.imports import machinery
from talentbase.core.imports.models import ImportBatch


class Command(BaseCommand):
    help = "Run an import batch's job (commit, or --preview) in this process; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("batch_id", type=int)
        parser.add_argument("--preview", action="store_true", help="run the preview (validation) job")

    def handle(self, *args, batch_id, preview, **options):
        if not ImportBatch.objects.filter(pk=batch_id).exists():
            raise CommandError(f"no import batch #{batch_id}")
        if preview:
            machinery.run_preview(batch_id)
        else:
            machinery.run_import(batch_id)
        batch = ImportBatch.objects.get(pk=batch_id)
        self.stdout.write(
            f"batch #{batch.pk}: {batch.state}, {batch.total_rows} rows, {batch.error_rows} in error, "
            f"{batch.written_rows} written"
        )
        if batch.state == "failed":
            raise CommandError(batch.message or "failed")
