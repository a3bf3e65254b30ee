from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "talentbase.orgs"
    verbose_name = _("单位")

    def ready(self):
        from . import scopes, views, workflows  # noqa: F401  (registers scope rules, menus, workflows)
