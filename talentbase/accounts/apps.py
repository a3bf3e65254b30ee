from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "talentbase.accounts"
    verbose_name = _("账号")

    def ready(self):
        from . import (  # noqa: F401  (OpenAPI extension, scope rules, menus, buttons)
            schema,
            scopes,
            views,
            workflows,
        )
