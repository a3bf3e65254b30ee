"""Scope rules of core's records: the audit trail belongs to the audit administrator alone."""

from . import scoping
from .models import AuditCheckpoint, AuditEvent, AuditHead, AuditKeyedStart, Decision
from .roles import Role

AUDITORS = [Role.AUDIT_ADMIN]

scoping.register(AuditEvent, rows=lambda actor: scoping.EVERYTHING, view=AUDITORS)
scoping.register(AuditCheckpoint, rows=lambda actor: scoping.EVERYTHING, view=AUDITORS)
scoping.register(AuditHead, rows=lambda actor: scoping.EVERYTHING, view=AUDITORS)
scoping.register(AuditKeyedStart, rows=lambda actor: scoping.EVERYTHING, view=AUDITORS)
# Decisions are shown on their object's page (scoped by that object); the full list is for auditors.
scoping.register(Decision, rows=lambda actor: scoping.EVERYTHING, view=AUDITORS)
