"""Scope rules of import batches: a batch belongs to the organisation its uploader acted for, and that
organisation's users see it; its row errors follow it; staged rows are the job's alone.

The roles are those of the registered importers: each app's ``importers.py`` is imported first."""

from django.db.models import Q
from django.utils.module_loading import autodiscover_modules

from talentbase.core import scoping

from .machinery import importer_roles
from .models import ImportBatch, ImportRowError, ImportStagedRow

autodiscover_modules("importers")

IMPORT_ROLES = sorted(importer_roles())


def batch_rows(actor) -> Q:
    return Q(organisation_id=actor.organisation_id) if actor.organisation_id else scoping.NOTHING


def error_rows(actor) -> Q:
    return Q(batch__organisation_id=actor.organisation_id) if actor.organisation_id else scoping.NOTHING


scoping.register(ImportBatch, rows=batch_rows, view=IMPORT_ROLES, add=IMPORT_ROLES, change=IMPORT_ROLES)
scoping.register(ImportRowError, rows=error_rows, view=IMPORT_ROLES)
# Staged rows hold prepared personal data between the chunks of a job: no role reads them.
scoping.register(ImportStagedRow, rows=lambda actor: scoping.NOTHING)
