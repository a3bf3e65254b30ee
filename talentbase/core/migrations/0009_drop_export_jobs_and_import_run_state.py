"""After 0008 moved them onto jobs: the export jobs' own table, and the run state (progress, attempts) of
import batches, go. No table is renamed."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0008_exports_and_import_runs_onto_jobs")]

    operations = [
        migrations.RemoveField(model_name="importbatch", name="attempts"),
        migrations.RemoveField(model_name="importbatch", name="progress"),
        migrations.DeleteModel(name="ExportJob"),
    ]
