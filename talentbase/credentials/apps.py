from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "talentbase.credentials"
    verbose_name = _("证书与等级")

    def ready(self):
        from talentbase.registry.merging import register_person_reference

        from . import importers, scopes, views, workflows  # noqa: F401  (scopes, menus, sections, imports)
        from .models import CertificateRecord, CertificateReport

        register_person_reference(CertificateRecord)
        register_person_reference(CertificateReport)
