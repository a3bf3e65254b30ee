from django.db import migrations

from talentbase.orgs.reference import load_named_organisations


def load(apps, schema_editor):
    load_named_organisations(apps)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial"), ("catalog", "0002_reference_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
