from django.conf import settings
from django.db import migrations, models


def mark_employed(apps, schema_editor):
    """The persons with an open employment today, in one UPDATE (the flag is new; nothing set it before)."""
    Person = apps.get_model("registry", "Person")
    Employment = apps.get_model("registry", "Employment")
    open_employment = Employment.objects.filter(person_id=models.OuterRef("pk"), end_date__isnull=True)
    Person.objects.update(currently_employed=models.Exists(open_employment))


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0007_employment_work_type_departure_and_roster_levels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='currently_employed',
            field=models.BooleanField(db_default=False, default=False, editable=False, verbose_name='在职'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['currently_employed', 'id'], name='registry_pe_current_e997e4_idx'),
        ),
        migrations.RunPython(mark_employed, migrations.RunPython.noop),
    ]
