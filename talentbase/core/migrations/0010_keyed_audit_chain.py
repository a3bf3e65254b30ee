"""Key the audit chain: events carry the id of the audit key whose HMAC is their hash, and the chain written
so far (plain SHA-256) is carried over by a signed statement of its head, made here with the current key of
TALENTBASE_AUDIT_KEYS (which production sets before migrating: check --deploy refuses its absence)."""

from django.db import migrations, models
from django.utils import timezone

GENESIS_HASH = "0" * 64


def carry_over_the_chain(apps, schema_editor):
    from talentbase.core.audit import audit_keys, keyed_start_signature

    head = apps.get_model("core", "AuditHead").objects.filter(pk=1).first()
    seq, hash_ = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    at = timezone.now()
    key_id = audit_keys()[0]
    apps.get_model("core", "AuditKeyedStart").objects.create(
        pk=1, seq=seq, hash=hash_, at=at, key_id=key_id, signature=keyed_start_signature(seq, hash_, at, key_id)
    )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0009_drop_export_jobs_and_import_run_state'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditKeyedStart',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(default=0)),
                ('hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
                ('at', models.DateTimeField()),
                ('key_id', models.CharField(max_length=32)),
                ('signature', models.CharField(max_length=64)),
            ],
            options={
                'verbose_name': '审计链密钥起点',
            },
        ),
        migrations.AddField(
            model_name='auditcheckpoint',
            name='key_id',
            field=models.CharField(blank=True, max_length=32, null=True),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='key_id',
            field=models.CharField(blank=True, max_length=32, null=True),
        ),
        migrations.RunPython(carry_over_the_chain, migrations.RunPython.noop),
    ]
