"""Scope rules of core's records: the audit trail belongs to the audit administrator alone."""

from django.db.models import Q

from . import scoping
from .models import AuditCheckpoint, AuditEvent, AuditHead, Decision, ExportJob
from .roles import STAFF_ROLES, Role

AUDITORS = [Role.AUDIT_ADMIN]

scoping.register(AuditEvent, rows=lambda actor: scoping.EVERYTHING, view=AUDITORS)
scoping.register(AuditCheckpoint, rows=lambda actor: scoping.EVERYTHING, view=AUDITORS)
scoping.register(AuditHead, rows=lambda actor: scoping.EVERYTHING, view=AUDITORS)
# Decisions are shown on their object's page (scoped by that object); the full list is for auditors.
scoping.register(Decision, rows=lambda actor: scoping.EVERYTHING, view=AUDITORS)

# A background export is its user's alone: the file was written with that user's scope.
scoping.register(
    ExportJob,
    rows=lambda actor: Q(created_by_id=actor.user_id) if actor.user_id else scoping.NOTHING,
    view=sorted(STAFF_ROLES),
)
