from django.db import migrations

from talentbase.catalog.reference import load_certificate_number_formats, load_occupation_aliases


def load(apps, schema_editor):
    load_certificate_number_formats(apps)
    load_occupation_aliases(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_certificate_formats_aliases_related")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
