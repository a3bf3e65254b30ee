from django.db import migrations


def seed(apps, schema_editor):
    """The HR tables' columns as we believe them (not yet checked against the HR system's templates)."""
    from talentbase.evaluation.reference import seed_layouts

    seed_layouts(apps)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0015_exchange")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
