from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """Skill-level evaluation (notice 三.三.4–5): the standards and institutions' norms it follows, with the
    eligibility rules of each version, and — slice by slice — plans, sessions, applications, scores,
    publicity and results."""

    name = "talentbase.evaluation"
    verbose_name = _("技能评价")

    def ready(self):
        from talentbase.registry.merging import register_person_reference

        from . import importers, scopes, views, workflows  # noqa: F401  (scopes, menus, workflows, imports)
        from .models import Application

        register_person_reference(Application)
