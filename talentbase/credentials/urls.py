from django.urls import path

from . import import_views, views

app_name = "credentials"

urlpatterns = [
    path("", views.RecordListView.as_view(), name="record-list"),
    path("new/", views.RecordCreateView.as_view(), name="record-create"),
    path("appoint/", views.AppointView.as_view(), name="appoint"),
    path("<int:pk>/", views.RecordDetailView.as_view(), name="record-detail"),
    path("<int:pk>/delete/", views.RecordDeleteView.as_view(), name="record-delete"),
    path("<int:pk>/<str:name>/", views.RecordActionView.as_view(), name="record-action"),
    path("mine/", views.MyLevelsView.as_view(), name="my-levels"),
    path("reports/", views.ReportListView.as_view(), name="report-list"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report-create"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
    path("reports/<int:pk>/photo/", views.ReportPhotoView.as_view(), name="report-photo"),
    path("reports/<int:pk>/<str:name>/", views.ReportActionView.as_view(), name="report-action"),
    path("imports/", import_views.CertificateImportListView.as_view(), name="import-list"),
    path("imports/new/", import_views.CertificateImportCreateView.as_view(), name="import-create"),
    path(
        "imports/template.xlsx", import_views.CertificateImportTemplateView.as_view(), name="import-template"
    ),
    path("imports/<int:pk>/", import_views.CertificateImportDetailView.as_view(), name="import-detail"),
    path(
        "imports/<int:pk>/progress/",
        import_views.CertificateImportProgressView.as_view(),
        name="import-progress",
    ),
    path(
        "imports/<int:pk>/commit/", import_views.CertificateImportCommitView.as_view(), name="import-commit"
    ),
    path(
        "imports/<int:pk>/cancel/", import_views.CertificateImportCancelView.as_view(), name="import-cancel"
    ),
    path(
        "imports/<int:pk>/errors.xlsx",
        import_views.CertificateImportErrorReportView.as_view(),
        name="import-errors",
    ),
]
