from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
        from .exports import background  # noqa: F401  (the export job kind)
        from .imports import housekeeping  # noqa: F401  (scheduled work: imports.purge)
        from .imports import scopes as import_scopes  # noqa: F401  (and the import job kinds)
        from .jobs import scheduled  # noqa: F401  (scheduled work: jobs.reap, jobs.purge_results)
        from .jobs import scopes as job_scopes  # noqa: F401  (the jobs' scope rule)
