from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "talentbase.catalog"
    verbose_name = _("基础数据")

    def ready(self):
        from talentbase.core import choices

        from . import scopes, views  # noqa: F401  (registers scope rules and menu entries)
        from .models import District, Level, Occupation, Sector, WorkType

        choices.keep_options_of(District, Sector, Occupation, Level, WorkType)
