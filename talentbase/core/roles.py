"""The roles a membership can hold (DESIGN.md §1), and which of them are back-office."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY = "city", _("市绿化市容局")
    HR = "hr", _("市人社部门")
    SECTOR = "sector", _("行业技术管理单位")
    DISTRICT = "district", _("区主管部门")
    ASSOCIATION = "association", _("行业协会学会")
    EVALUATION = "evaluation", _("评价机构")
    TRAINING = "training", _("培训机构")
    EMPLOYER = "employer", _("用人单位")
    WORKER = "worker", _("从业人员")
    SYSTEM_ADMIN = "sysadmin", _("系统管理员")
    SECURITY_ADMIN = "secadmin", _("安全管理员")
    AUDIT_ADMIN = "auditadmin", _("审计管理员")


# Not membership roles: anonymous visitors, and the platform itself acting in jobs and migrations.
PUBLIC = "public"
SYSTEM = "system"

ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Back-office roles sign in with a password of at least 12 characters and a TOTP code (等保 level 3).
BACK_OFFICE_ROLES = frozenset({Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT}) | ADMIN_ROLES
STAFF_ROLES = frozenset(Role) - {Role.WORKER}
ALL_ROLES = frozenset(Role)


# The labels of the two roles that are not memberships (the audit trail records them too).
OTHER_ROLE_LABELS = {PUBLIC: _("访客"), SYSTEM: _("系统")}


def role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        label = OTHER_ROLE_LABELS.get(role)
        return str(label) if label is not None else role


def role_choices() -> list[tuple[str, str]]:
    """Every role an actor can act as, for a filter."""
    return [*Role.choices, *((code, str(label)) for code, label in OTHER_ROLE_LABELS.items())]
