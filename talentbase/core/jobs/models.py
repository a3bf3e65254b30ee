"""The record of a background job (DESIGN.md §2): one model for every kind (exports, the runs of an
import batch, PDF batches next). Imported in ``core/models.py`` so that migrations find it (app label
``core``, table ``core_job``)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from talentbase.core.scoping import ScopedQuerySet


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在运行")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)
READING_INPUT = "reading_input"


class Job(models.Model):
    """One job of one kind (``export``, ``import.preview``, ``import.commit``…), run by a worker as its
    owner: ``actor_snapshot`` keeps the owner's role, organisation, district and sectors when it was
    started, so the job sees what they saw. States: queued → running → succeeded or failed; the reaper
    puts a running job whose worker died (``updated_at`` silent for ``TALENTBASE_JOB_STALE_MINUTES``)
    back in the queue, and fails it after three attempts, or at once when it died while reading its
    user's file (``phase``: the file is the suspect). The result file is stored encrypted under the
    kind's context (``core/private_files.py``) and shown only to the owner. ``target`` is what the job
    serves (an import batch); ``arguments`` the kind's own JSON (ids, an encrypted query)."""

    kind = models.CharField(_("类型"), max_length=50, db_index=True)
    title = models.CharField(_("名称"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    organisation_id = models.BigIntegerField(_("单位编号"), null=True, blank=True)
    actor_snapshot = models.JSONField(default=dict, editable=False)
    arguments = models.JSONField(default=dict, blank=True, editable=False)
    state = models.CharField(_("状态"), max_length=20, choices=JobState.choices, default=JobState.QUEUED)
    progress_done = models.PositiveIntegerField(_("已处理"), default=0)
    progress_total = models.PositiveIntegerField(_("总数"), default=0)
    progress_message = models.CharField(_("说明"), max_length=500, blank=True)
    result_file = models.CharField(max_length=255, blank=True, editable=False)
    result_filename = models.CharField(_("文件名"), max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    # What the run is doing when it matters to the reaper: READING_INPUT while it opens the user's file (a
    # worker that died then is blamed on the file: failed, never run again); blank otherwise.
    phase = models.CharField(max_length=20, blank=True, editable=False)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    target_id = models.BigIntegerField(null=True, blank=True, editable=False)
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The heartbeat: every progress report moves it; the reaper reads it.
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("后台任务")
        verbose_name_plural = pgettext_lazy("plural", "后台任务")
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["state", "updated_at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.kind} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("core:job-detail", args=[self.pk])

    def audit_label(self) -> str:
        return f"job #{self.pk} ({self.kind})"

    @property
    def is_running(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def percent(self) -> int:
        if self.state == JobState.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(99, self.progress_done * 100 // self.progress_total)
