"""Scope rules of core's records: the audit trail belongs to the audit administrator alone."""

from django.db.models import Q

from . import scoping
from .models import AuditCheckpoint, AuditEvent, AuditHead, AuditKeyedStart, Decision, ListColumns
from .roles import ALL_ROLES, Role

AUDITORS = [Role.AUDIT_ADMIN]

scoping.register(AuditEvent, rows=lambda actor: scoping.EVERYTHING, view=AUDITORS)
scoping.register(AuditCheckpoint, rows=lambda actor: scoping.EVERYTHING, view=AUDITORS)
scoping.register(AuditHead, rows=lambda actor: scoping.EVERYTHING, view=AUDITORS)
scoping.register(AuditKeyedStart, rows=lambda actor: scoping.EVERYTHING, view=AUDITORS)
# Decisions are shown on their object's page (scoped by that object); the full list is for auditors.
scoping.register(Decision, rows=lambda actor: scoping.EVERYTHING, view=AUDITORS)


# A user's choice of list columns is theirs alone; every role may choose its own.
scoping.register(
    ListColumns,
    rows=lambda actor: Q(user_id=actor.user_id) if actor.user_id else scoping.NOTHING,
    view=sorted(ALL_ROLES), add=sorted(ALL_ROLES), change=sorted(ALL_ROLES), delete=sorted(ALL_ROLES),
)  # fmt: skip
