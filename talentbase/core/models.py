"""Core records: the audit trail and workflow decisions; below, the models of core's packages (jobs,
imports), imported here so that Django and the migrations find them under the app label ``core``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only; old segments go through purge_audit_events")


class AuditEvent(models.Model):
    """One thing that happened: a login, a change, a decision, an export, a reveal of personal data.

    Append-only and hash-chained: ``hash`` covers this event and the previous event's hash, so an edited,
    deleted or reordered event breaks the chain (``talentbase audit_verify``). Database triggers refuse
    UPDATE, and DELETE of any event not covered by a signed checkpoint. No personal data in clear: the
    changes of personal fields are recorded as changed, without their values.
    """

    seq = models.BigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    verb = models.CharField(_("事件"), max_length=40, db_index=True)
    actor_id = models.BigIntegerField(_("操作人编号"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    role = models.CharField(_("角色"), max_length=20, blank=True)
    organisation_id = models.BigIntegerField(_("单位编号"), null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_label = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    reason = models.CharField(_("事由"), max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    # The id of the audit key that made ``hash`` (an HMAC); empty on the events written before the chain was
    # keyed (plain SHA-256, carried over by the signed ``AuditKeyedStart``). Nullable so that adding it is a
    # plain ALTER TABLE on SQLite, which keeps the append-only triggers.
    key_id = models.CharField(max_length=32, null=True, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计事件")
        verbose_name_plural = pgettext_lazy("plural", "审计事件")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    # What the audit list shows an auditor instead of the stored codes (the codes stay as recorded).
    def verb_display(self) -> str:
        from .audit import verb_label

        return verb_label(self.verb)

    def verb_html(self):
        """The verb's label, and below it the recorded code in small type (what an auditor searches by)."""
        from django.utils.html import format_html

        label = self.verb_display()
        if label == self.verb:
            return format_html("{}", label)
        return format_html('{}<small class="d-block font-monospace">{}</small>', label, self.verb)

    def changes_html(self):
        """The changes as a compact list, one field a line."""
        from django.utils.html import format_html, format_html_join

        lines = self.change_lines()
        if not lines:
            return ""
        items = format_html_join("", "<li>{}</li>", ((line,) for line in lines))
        return format_html('<ul class="list-unstyled mb-0 small tb-changes">{}</ul>', items)

    def role_display(self) -> str:
        from .roles import role_label

        return role_label(self.role) if self.role else ""

    def object_type_display(self) -> str:
        from django.apps import apps

        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type

    def changes_display(self) -> str:
        """Field by field, "label: old → new", with the field's own name where the model still has it."""
        return "；".join(self.change_lines())

    def change_lines(self) -> list[str]:
        from django.apps import apps

        try:
            model = apps.get_model(self.object_type)
        except (LookupError, ValueError):
            model = None
        lines = []
        for key, change in (self.changes or {}).items():
            label = key
            if model is not None:
                field = next((f for f in model._meta.concrete_fields if key in (f.name, f.attname)), None)
                label = str(field.verbose_name) if field is not None else key
            if isinstance(change, list) and len(change) == 2:
                old, new = ("—" if value in (None, "") else value for value in change)
                lines.append(f"{label}: {old} → {new}")
            else:
                lines.append(f"{label}: {change}")
        return lines


class AuditHead(models.Model):
    """The chain's head (a single row): locked while an event is appended, so the chain stays linear."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"head #{self.seq}"


class AuditCheckpoint(models.Model):
    """A signed statement of the chain up to ``upto_seq``, written before old events are purged, so the
    rest of the chain still verifies from here."""

    created_at = models.DateTimeField(auto_now_add=True)
    upto_seq = models.BigIntegerField(unique=True)
    upto_hash = models.CharField(max_length=64)
    upto_at = models.DateTimeField()
    purged_count = models.BigIntegerField(default=0)
    signature = models.CharField(max_length=64)
    # The audit key of the signature; empty on checkpoints signed before the chain was keyed.
    key_id = models.CharField(max_length=32, null=True, blank=True)

    class Meta:
        ordering = ["-upto_seq"]
        verbose_name = _("审计检查点")

    def __str__(self) -> str:
        return f"checkpoint #{self.upto_seq}"


class AuditKeyedStart(models.Model):
    """Where the keyed chain starts (a single row, signed with an audit key): events up to ``seq`` were
    hashed with plain SHA-256 before the chain was keyed, and must end in ``hash``; every later event is an
    HMAC under a key kept outside the database. Without this row every event must be keyed."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    at = models.DateTimeField()
    key_id = models.CharField(max_length=32)
    signature = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计链密钥起点")

    def __str__(self) -> str:
        return f"keyed from #{self.seq}"


class Decision(models.Model):
    """One workflow decision: who took which transition on which object, when, from which state to which,
    and why."""

    at = models.DateTimeField(_("时间"), auto_now_add=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    transition = models.CharField(_("操作"), max_length=40)
    from_state = models.CharField(_("原状态"), max_length=40)
    to_state = models.CharField(_("新状态"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(_("角色"), max_length=20)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("审批记录")
        verbose_name_plural = pgettext_lazy("plural", "审批记录")
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id} {self.from_state}→{self.to_state}"


class ListColumns(models.Model):
    """The columns a user shows on one list page (its URL name), in their order (NetBox's table config).
    No row: the list's default set."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    table = models.CharField(_("列表"), max_length=100)
    columns = models.JSONField(_("列"), default=list)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("列表显示列")
        verbose_name_plural = _("列表显示列")
        constraints = [models.UniqueConstraint(fields=["user", "table"], name="core_list_columns_once")]

    def __str__(self) -> str:
        return f"{self.table}: {', '.join(self.columns)}"


from .imports.models import (  # noqa: E402, F401  (imports' records)
    ImportBatch,
    ImportRowError,
    ImportStagedRow,
)
from .jobs.models import Job, JobState  # noqa: E402, F401  (background jobs)
