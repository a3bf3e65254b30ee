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
        from .imports import scopes as import_scopes  # noqa: F401
