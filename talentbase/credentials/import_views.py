"""Pages of the certificate import: the import machinery's pages for the kind ``credentials.certificates``.
An employer declares its workers' certificates; HR, the city bureau and institutions import confirmed ones."""

from talentbase.core.imports import views as import_views

KIND = "credentials.certificates"


class CertificateImportListView(import_views.ImportListView):
    kind = KIND


class CertificateImportCreateView(import_views.ImportCreateView):
    kind = KIND


class CertificateImportDetailView(import_views.ImportDetailView):
    kind = KIND


class CertificateImportProgressView(import_views.ImportProgressView):
    kind = KIND


class CertificateImportCommitView(import_views.ImportCommitView):
    kind = KIND


class CertificateImportCancelView(import_views.ImportCancelView):
    kind = KIND


class CertificateImportErrorReportView(import_views.ImportErrorReportView):
    kind = KIND


class CertificateImportTemplateView(import_views.ImportTemplateView):
    kind = KIND
