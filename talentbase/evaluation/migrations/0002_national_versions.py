from django.db import migrations

from talentbase.evaluation.reference import seed_national_versions


def seed(apps, schema_editor):
    seed_national_versions(apps)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial"), ("catalog", "0007_working_day_calendar")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
