from django.urls import path
from django.views.generic import RedirectView

from . import audit_views, views
from .exports import views as export_views
from .jobs import views as job_views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("list-columns/", views.ListColumnsView.as_view(), name="list-columns"),
    path("audit/", audit_views.AuditEventListView.as_view(), name="audit-list"),
    path("audit/verify/", audit_views.AuditVerifyView.as_view(), name="audit-verify"),
    path("jobs/", job_views.JobListView.as_view(), name="job-list"),
    path("jobs/<int:pk>/", job_views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<int:pk>/progress/", job_views.JobProgressView.as_view(), name="job-progress"),
    path("jobs/<int:pk>/download/", job_views.JobDownloadView.as_view(), name="job-download"),
    path("exports/", export_views.ExportJobListView.as_view(), name="export-list"),
    # An export's pages moved to its job's: the old addresses redirect.
    path("exports/<int:pk>/", RedirectView.as_view(pattern_name="core:job-detail"), name="export-detail"),
    path(
        "exports/<int:pk>/progress/",
        RedirectView.as_view(pattern_name="core:job-progress"),
        name="export-progress",
    ),  # fmt: skip
    path(
        "exports/<int:pk>/download/",
        RedirectView.as_view(pattern_name="core:job-download"),
        name="export-download",
    ),  # fmt: skip
]
