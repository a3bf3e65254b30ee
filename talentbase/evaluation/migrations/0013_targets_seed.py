from django.db import migrations


def seed(apps, schema_editor):
    """The notice's targets (二) for the 14th Five-Year Plan, 2021–2025 [sure]."""
    Target = apps.get_model("evaluation", "Target")
    source = "沪绿容〔2023〕396号 二、目标任务"
    for year in range(2021, 2026):
        Target.objects.create(year=year, indicator="certificates", value=2000, source=source)
        Target.objects.create(year=year, indicator="high_skill", value=400, source=source)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0012_targets")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
