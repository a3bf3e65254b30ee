from django.db import migrations


def seed(apps, schema_editor):
    """DOMAIN.md §7: publicity for 5 working days [check], flagged for the city bureau to confirm."""
    apps.get_model("evaluation", "PublicityRule").objects.create(name="默认（DOMAIN.md §7）", working_days=5)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0009_publicity")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
