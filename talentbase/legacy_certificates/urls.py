from django.urls import path

from talentbase.core.imports.views import import_urls

from . import views

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
    *import_urls("credentials.certificates"),
]
