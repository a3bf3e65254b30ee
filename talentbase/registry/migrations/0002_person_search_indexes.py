"""The name-key index for name and pinyin search, and an index for every filter and sort order of the
person list (registry/search.py)."""

import django.db.models.deletion
from django.db import migrations, models


def keys_in_code_point_order(apps, schema_editor):
    """PostgreSQL compares text in the database's locale (zh_CN sorts Han characters by pinyin), where the
    range of a prefix would miss keys; "C" compares code points, like SQLite's BINARY collation."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE "registry_personnamekey" ALTER COLUMN "key" TYPE varchar(40) COLLATE "C"'
        )


def index_existing_names(apps, schema_editor):
    from talentbase.registry.search import index_names

    alias = schema_editor.connection.alias
    Person = apps.get_model("registry", "Person")
    names = Person.objects.using(alias).order_by("pk").values_list("pk", "full_name")
    index_names(names.iterator(chunk_size=5000), replace=False, using=alias,
                key_model=apps.get_model("registry", "PersonNameKey"))  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_reference_data"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonNameKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=40, verbose_name="检索键")),
                (
                    "person",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="registry.person",
                        verbose_name="人员",
                    ),
                ),
            ],
            options={"verbose_name": "姓名检索键", "verbose_name_plural": "姓名检索键"},
        ),
        migrations.RunPython(keys_in_code_point_order, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="personnamekey",
            index=models.Index(fields=["key", "person"], name="registry_pe_key_ae8eb1_idx"),
        ),
        migrations.AddIndex(
            model_name="personnamekey",
            index=models.Index(fields=["person", "key"], name="registry_pe_person__de14b2_idx"),
        ),
        migrations.AlterField(
            model_name="person",
            name="full_name",
            field=models.CharField(max_length=50, verbose_name="姓名"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["full_name", "id"], name="registry_pe_full_na_c47718_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["birth_date", "id"], name="registry_pe_birth_d_f4b9c6_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["created_at", "id"], name="registry_pe_created_66c87b_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["status", "id"], name="registry_pe_status_8d3721_idx"),
        ),
        migrations.AddIndex(
            model_name="employment",
            index=models.Index(fields=["occupation", "end_date"], name="registry_em_occupat_42f5f7_idx"),
        ),
        migrations.RunPython(index_existing_names, migrations.RunPython.noop),
    ]
