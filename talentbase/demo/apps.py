from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Synthetic demo data for trials, browser tests and benchmarks. Knows every app; no app knows it."""

    name = "talentbase.demo"
    verbose_name = _("演示数据")
