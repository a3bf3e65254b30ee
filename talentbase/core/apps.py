from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def restrict_audit_tables_after_migrate(using, **kwargs):
    """After the owner migrates, take back the rights on the audit tables that the default privileges gave
    the application role (and any other role): see core/dbroles.py."""
    from django.db import connections

    from .dbroles import restrict_audit_tables

    restrict_audit_tables(connections[using])


class CoreConfig(AppConfig):
    name = "talentbase.core"
    verbose_name = _("平台")

    def ready(self):
        from . import (  # noqa: F401  (checks, menu entries, OpenAPI, scope rules)
            checks,
            menus,
            schema,
            scopes,
        )

        post_migrate.connect(restrict_audit_tables_after_migrate, sender=self)
        from .exports import background  # noqa: F401  (the export job kind)
        from .imports import housekeeping  # noqa: F401  (scheduled work: imports.purge)
        from .imports import scopes as import_scopes  # noqa: F401  (and the import job kinds)
        from .jobs import scheduled  # noqa: F401  (scheduled work: jobs.reap, jobs.purge_results)
        from .jobs import scopes as job_scopes  # noqa: F401  (the jobs' scope rule)
