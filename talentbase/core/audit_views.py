"""The audit administrator's pages: the trail, filtered and exportable, and a check of the chain."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from . import audit, scoping
from .filters import AuditEventFilter
from .models import AuditEvent
from .tables import Column
from .views import ActorRequiredMixin, ObjectListView


class AuditEventListView(ObjectListView):
    model = AuditEvent
    filterset_class = AuditEventFilter
    default_ordering = "-seq"
    title = _("审计日志")
    export_name = "audit"
    # Long cells (a change of many fields, a reason) wrap instead of widening the table past the screen.
    table_class = "tb-wrap"
    columns = [
        Column("seq", _("序号"), order_by="seq"),
        Column("at", _("时间"), order_by="at"),
        Column("verb_display", _("事件"), order_by="verb", html="verb_html"),
        Column("actor_label", _("操作人"), order_by="actor_label"),
        Column("role_display", _("角色")),
        Column("organisation_id", _("单位编号")),
        Column("ip", _("IP 地址")),
        Column("object_type_display", _("对象类型")),
        Column("object_id", _("对象编号")),
        Column("object_label", _("对象")),
        Column("changes_display", _("变更"), html="changes_html"),
        Column("reason", _("事由")),
    ]


class AuditVerifyView(ActorRequiredMixin, TemplateView):
    template_name = "core/audit_verify.html"

    def get_context_data(self, **kwargs):
        scoping.ensure_may(self.actor, AuditEvent, "view")
        checked, problems = audit.verify_chain()
        return super().get_context_data(
            checked=checked,
            problems=problems,
            title=_("审计链校验"),
            retention_days=audit.retention_days(),
            **kwargs,
        )
