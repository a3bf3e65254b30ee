"""``talentbase purge_imports``: apply the retention of import batches (``TALENTBASE_IMPORT_RETENTION_DAYS``):
uploaded files, staged rows and error reports of batches never committed, error reports of finished ones;
and of background exports (``TALENTBASE_EXPORT_RETENTION_DAYS``): their files. Run it daily."""

from django.core.management.base import BaseCommand

from talentbase.core import audit
from talentbase.core.actor import system_actor
from talentbase.core.exports.background import purge_exports
from talentbase.core.imports.housekeeping import purge_imports, retention


class Command(BaseCommand):
    help = "Remove the files, staged rows and error reports of import batches past the retention period."

    def handle(self, *args, **options):
        result = purge_imports(actor=system_actor())
        self.stdout.write(
            f"older than {retention().days} days: {len(result.batches)} batches ({result.expired} previewed "
            f"and never committed, now cancelled), {result.files} files, {result.staged_rows} staged rows, "
            f"{result.orphan_files} unnamed files removed"
        )
        exports = purge_exports()
        if exports:
            audit.record_audit(actor=system_actor(), verb="export_purge", object_type="core.exportjob",
                               changes={"files": exports})  # fmt: skip
        self.stdout.write(f"export files past their retention removed: {exports}")
