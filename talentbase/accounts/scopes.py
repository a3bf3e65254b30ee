"""Accounts are managed by the system administrator; the security administrator unlocks and resets
second factors; the audit administrator reads. Each sees every account: they act for the platform."""

from talentbase.core import scoping
from talentbase.core.roles import Role

from .models import ApiToken, Membership, User

READERS = [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]

for model in (User, Membership, ApiToken):
    scoping.register(
        model,
        rows=lambda actor: scoping.EVERYTHING,
        view=READERS,
        add=[Role.SYSTEM_ADMIN],
        change=[Role.SYSTEM_ADMIN],
    )
