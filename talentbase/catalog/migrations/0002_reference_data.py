from django.db import migrations

from talentbase.catalog.reference import load_catalog


def load(apps, schema_editor):
    load_catalog(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
