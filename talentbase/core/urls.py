from django.urls import path

from . import audit_views, views
from .exports import views as export_views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("audit/", audit_views.AuditEventListView.as_view(), name="audit-list"),
    path("audit/verify/", audit_views.AuditVerifyView.as_view(), name="audit-verify"),
    path("exports/", export_views.ExportJobListView.as_view(), name="export-list"),
    path("exports/<int:pk>/", export_views.ExportJobDetailView.as_view(), name="export-detail"),
    path("exports/<int:pk>/progress/", export_views.ExportJobProgressView.as_view(), name="export-progress"),
    path("exports/<int:pk>/download/", export_views.ExportJobDownloadView.as_view(), name="export-download"),
]
