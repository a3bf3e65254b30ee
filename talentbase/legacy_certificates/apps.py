from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegacyCertificatesConfig(AppConfig):
    """Certificates held before the platform (职业资格证书, 职业技能等级证书 issued elsewhere or earlier, and the
    appointments of 特级技师/首席技师): recorded, declared or confirmed, never issued here. The certificates the
    platform issues will live in their own app, ``certificates``.

    The label stays ``credentials``, the app's first name, so that what is stored under it keeps reading:
    the tables (``credentials_…``), the migration history, the model labels in audit events and decision
    rows (``credentials.certificaterecord``), the import kind ``credentials.certificates``, the URL
    namespace and the encryption context of report photos (``credentials.report.photo``)."""

    name = "talentbase.legacy_certificates"
    label = "credentials"
    verbose_name = _("证书与等级")

    def ready(self):
        from talentbase.registry.merging import register_person_reference

        from . import importers, scopes, views, workflows  # noqa: F401  (scopes, menus, sections, imports)
        from .models import CertificateRecord, CertificateReport

        register_person_reference(CertificateRecord)
        register_person_reference(CertificateReport)
