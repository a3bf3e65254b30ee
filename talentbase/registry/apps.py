from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "talentbase.registry"
    verbose_name = _("人才信息库")

    def ready(self):
        from . import level_views, schema, scopes, views  # noqa: F401  (scope rules, menu entries, OpenAPI)
        from .merging import register_derived_person_data, register_person_reference
        from .models import EducationRecord, Employment, LevelEntry, PersonNameKey, ProfessionalTitle

        for model in (Employment, ProfessionalTitle, EducationRecord, LevelEntry):
            register_person_reference(model)
        register_derived_person_data(PersonNameKey)
