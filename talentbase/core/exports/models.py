"""A large export running as a background job (PERFORMANCE.md: 10^5 rows take seconds to write, 10^6 about
a minute): the list page's query, the file when it is ready, and its progress.

Imported in ``core/models.py`` so that migrations find it; the job lives in ``core/exports/background.py``."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from talentbase.core.scoping import ScopedQuerySet


class ExportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在导出")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(models.Model):
    """One export of a list page as its user filtered it, made by a job. The query (it may hold a name
    searched for) and the file (names, masked numbers) are stored encrypted; only the user who asked sees
    the job, and the file is removed after ``TALENTBASE_EXPORT_RETENTION_DAYS``."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT, related_name="+"
    )
    organisation_id = models.BigIntegerField(_("单位编号"), null=True, blank=True)
    actor_snapshot = models.JSONField(default=dict, editable=False)
    url_name = models.CharField(_("列表"), max_length=100)
    query_encrypted = models.TextField(blank=True, editable=False)
    title = models.CharField(_("名称"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=20, choices=ExportState.choices, default=ExportState.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("行数"), default=0)
    progress = models.PositiveIntegerField(_("已写入"), default=0)
    stored_file = models.CharField(max_length=255, blank=True, editable=False)
    filename = models.CharField(_("文件名"), max_length=200)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.title} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("core:export-detail", args=[self.pk])

    def audit_label(self) -> str:
        return f"export #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.state in (ExportState.QUEUED, ExportState.RUNNING)

    @property
    def percent(self) -> int:
        if self.state == ExportState.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.progress * 100 // self.total_rows)
