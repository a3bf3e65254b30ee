"""Core's own menu entries: the home page for everyone, the audit pages for the audit administrator."""

from django.utils.translation import gettext_lazy as _

from .navigation import register_menu
from .roles import ALL_ROLES, Role

register_menu(section="", label=_("首页"), url_name="core:home", roles=ALL_ROLES, order=0, icon="house")
register_menu(
    section="audit", label=_("审计日志"), url_name="core:audit-list", roles=[Role.AUDIT_ADMIN], order=900,
    icon="journal-text", description=_("登录、变更、审批、导出与个人信息查看记录"),
)  # fmt: skip
register_menu(
    section="audit", label=_("审计链校验"), url_name="core:audit-verify", roles=[Role.AUDIT_ADMIN], order=910,
    icon="shield-check", description=_("检查日志是否被篡改、删除或调换顺序"),
)  # fmt: skip
