"""Background jobs as one model (core/jobs/): every kind's record, its progress and result file."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0006_staged_rows_one_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Job",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(db_index=True, max_length=50, verbose_name="类型")),
                ("title", models.CharField(blank=True, max_length=200, verbose_name="名称")),
                ("organisation_id", models.BigIntegerField(blank=True, null=True, verbose_name="单位编号")),
                ("actor_snapshot", models.JSONField(default=dict, editable=False)),
                ("arguments", models.JSONField(blank=True, default=dict, editable=False)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("queued", "排队中"),
                            ("running", "正在运行"),
                            ("succeeded", "已完成"),
                            ("failed", "失败"),
                        ],
                        default="queued",
                        max_length=20,
                        verbose_name="状态",
                    ),
                ),
                ("progress_done", models.PositiveIntegerField(default=0, verbose_name="已处理")),
                ("progress_total", models.PositiveIntegerField(default=0, verbose_name="总数")),
                ("progress_message", models.CharField(blank=True, max_length=500, verbose_name="说明")),
                ("result_file", models.CharField(blank=True, editable=False, max_length=255)),
                ("result_filename", models.CharField(blank=True, max_length=200, verbose_name="文件名")),
                ("error", models.TextField(blank=True, verbose_name="错误")),
                ("attempts", models.PositiveSmallIntegerField(default=0, editable=False)),
                ("target_id", models.BigIntegerField(blank=True, editable=False, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="开始时间")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="完成时间")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="提交人",
                    ),
                ),
                (
                    "target_type",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            options={
                "verbose_name": "后台任务",
                "verbose_name_plural": "后台任务",
                "ordering": ["-pk"],
            },
        ),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["owner", "-created_at"], name="core_job_owner_i_169a06_idx"),
        ),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["state", "updated_at"], name="core_job_state_1e358c_idx"),
        ),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["target_type", "target_id"], name="core_job_target__29f444_idx"),
        ),
    ]
