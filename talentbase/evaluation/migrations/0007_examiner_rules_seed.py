from django.db import migrations


def seed(apps, schema_editor):
    """The documented defaults (DOMAIN.md §7, issue 15), flagged where not confirmed: a social organisation
    avoids its examiners' own employers; an employer's institution avoids their own department and takes at
    least a third of its practical examiners and review experts from outside [check]."""
    AvoidanceRule = apps.get_model("evaluation", "AvoidanceRule")
    StaffingRule = apps.get_model("evaluation", "StaffingRule")
    AvoidanceRule.objects.create(institution_type="S", same_employer=True, same_department=False, outside_share=0,
                                 needs_review=False)
    AvoidanceRule.objects.create(institution_type="Y", same_employer=False, same_department=True, outside_share=34,
                                 needs_review=True)
    StaffingRule.objects.create(name="默认（DOMAIN.md §7）")


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0006_examiners")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
