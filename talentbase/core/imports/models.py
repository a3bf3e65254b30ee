"""Records of bulk imports (DESIGN.md §2): one batch per uploaded file, its rows in error, and the rows
staged between the committed chunks of a running import and their publication.

Imported in ``core/models.py`` so that migrations find them (app label ``core``, tables ``core_import*``).
"""

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from talentbase.core.scoping import ScopedQuerySet


class ImportMode(models.TextChoices):
    CREATE = "create", _("仅新增：已有记录的行记为错误")
    UPDATE = "update", _("新增，并更新已有记录")
    SKIP = "skip", _("新增，跳过已有记录")


class ImportPolicy(models.TextChoices):
    ALL = "all", _("全部正确才导入")
    VALID_ONLY = "valid_only", _("只导入正确的行")


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", _("已上传")
    VALIDATING = "validating", _("正在校验")
    PREVIEWED = "previewed", _("待确认")
    COMMITTING = "committing", _("正在导入")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


class ImportBatchQuerySet(ScopedQuerySet):
    def with_progress(self):
        """Each batch with its current run's progress, in the same query (lists: not one query per batch)."""
        from talentbase.core.jobs.models import Job

        runs = Job.objects.filter(
            target_type__app_label="core", target_type__model="importbatch", target_id=OuterRef("pk")
        ).order_by("-pk")
        return self.annotate(current_progress=Subquery(runs.values("progress_done")[:1]))


class ImportBatch(models.Model):
    """One uploaded file of one kind (``registry.persons``…), from upload through preview to its commit.

    States: uploaded → validating → previewed → committing → done, or failed / cancelled; the guarded
    functions of ``core.imports.machinery`` move it, a conditional update at a time, so a double click
    commits once. Validating and committing are background jobs (``core.jobs.Job``, their target the
    batch), which hold the runs' progress and attempts. The file is kept under ``MEDIA_ROOT/imports`` (never served publicly) until the batch
    ends. ``organisation_id`` is the organisation the batch belongs to: its users see it.
    """

    kind = models.CharField(_("类型"), max_length=50, db_index=True)
    organisation_id = models.BigIntegerField(_("单位编号"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # Who the background job acts as: role, organisation, district and sectors at upload or commit.
    actor_snapshot = models.JSONField(default=dict, editable=False)
    original_filename = models.CharField(_("文件名"), max_length=255)
    stored_file = models.CharField(max_length=255, blank=True, editable=False)
    file_format = models.CharField(_("格式"), max_length=10)
    mode = models.CharField(
        _("已有记录"), max_length=10, choices=ImportMode.choices, default=ImportMode.CREATE
    )
    policy = models.CharField(
        _("提交方式"), max_length=10, choices=ImportPolicy.choices, default=ImportPolicy.ALL
    )
    options = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=ImportState.choices, default=ImportState.UPLOADED, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("数据行"), default=0)
    valid_rows = models.PositiveIntegerField(_("正确行"), default=0)
    error_rows = models.PositiveIntegerField(_("错误行"), default=0)
    create_rows = models.PositiveIntegerField(_("将新增"), default=0)
    update_rows = models.PositiveIntegerField(_("将更新"), default=0)
    skip_rows = models.PositiveIntegerField(_("将跳过"), default=0)
    written_rows = models.PositiveIntegerField(_("已写入"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    error_report = models.CharField(max_length=255, blank=True, editable=False)
    # The header texts of the file as read, for the error report's columns.
    headers = models.JSONField(default=list, blank=True, editable=False)
    header_row = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    previewed_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the preview first read the registry: the commit re-checks what changed after it.
    preview_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The preview staged the prepared rows (batches previewed before it did are validated again at commit).
    rows_staged = models.BooleanField(default=False, editable=False)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("导入批次")
        verbose_name_plural = pgettext_lazy("plural", "导入批次")
        indexes = [models.Index(fields=["organisation_id", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.original_filename} #{self.pk}"

    def get_absolute_url(self) -> str:
        from .machinery import get_importer

        return get_importer(self.kind).url("detail", self.pk)

    def audit_label(self) -> str:
        return f"import #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.state in (ImportState.UPLOADED, ImportState.VALIDATING, ImportState.COMMITTING)

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("current_job", None)
        super().refresh_from_db(*args, **kwargs)

    @cached_property
    def current_job(self):
        """The batch's latest run (its preview, or its commit once committed)."""
        from talentbase.core.jobs.actions import jobs_for

        return jobs_for(self).first()

    @property
    def progress(self) -> int:
        """Rows the current run has dealt with."""
        if "current_progress" in self.__dict__:  # from with_progress()
            return self.current_progress or 0
        job = self.current_job
        return job.progress_done if job is not None else 0

    @property
    def percent(self) -> int:
        if self.state == ImportState.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.progress * 100 // self.total_rows)


class ImportRowError(models.Model):
    """One reason a row of an import batch is refused, or a warning about it (``warning``: the row is still
    imported): the row number as the spreadsheet shows it, the column's label, and a message in Chinese.
    Never the cell's value: the file stays the only copy."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("行号"))
    column = models.CharField(_("列"), max_length=100, blank=True)
    message = models.CharField(_("错误原因"), max_length=500)
    warning = models.BooleanField(_("警告"), default=False, db_default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["batch", "row_number", "pk"]
        verbose_name = _("导入错误")
        verbose_name_plural = pgettext_lazy("plural", "导入错误")
        indexes = [models.Index(fields=["batch", "row_number"])]

    def __str__(self) -> str:
        return f"#{self.batch_id} row {self.row_number}: {self.column}"


class ImportStagedRow(models.Model):
    """A validated row, prepared for writing (personal data already encrypted and hashed), staged in a
    committed chunk by the preview and deleted in the transaction that publishes it (or by a cancel, a
    failure or the retention purge). A killed job leaves these behind and nothing published; running the
    job again resumes after the last one."""

    # No index of its own: the unique (batch, row_number) index serves every lookup by batch, and a
    # preview stages 10^5 rows.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="staged_rows", db_index=False
    )
    row_number = models.PositiveIntegerField()
    # The payload's action (create, update) and the importer's lookup key (an ID number's hash), outside
    # the JSON so that the commit's re-check is one SQL join, without decoding every payload.
    action = models.CharField(max_length=10, default="create")
    lookup = models.CharField(max_length=100, blank=True, default="")
    # JSON as text: written and read back whole by the job, never queried inside (cheaper than jsonb).
    payload = models.TextField()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["batch", "row_number"]
        verbose_name = _("待写入行")
        verbose_name_plural = pgettext_lazy("plural", "待写入行")
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="core_importstagedrow_unique_row")
        ]

    def __str__(self) -> str:
        return f"#{self.batch_id} row {self.row_number}"
