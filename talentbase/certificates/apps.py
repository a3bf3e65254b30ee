from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Every credential the platform issues (DESIGN.md §2): numbered without gaps or duplicates by a locked
    counter per number prefix (or numbered by the HR system and imported back), recorded in the person's
    level history through the registry's actions, and revoked with a reason. The signed PDF, public
    verification and signing keys come next (issue 16); this app keeps their place."""

    name = "talentbase.certificates"
    verbose_name = _("证书")

    def ready(self):
        from talentbase.registry.merging import register_person_reference

        from . import importers, scopes, views, workflows  # noqa: F401  (scopes, menus, workflows, imports)
        from .models import Certificate

        register_person_reference(Certificate)
