from django.urls import path

from . import import_views, level_views, views

app_name = "registry"

urlpatterns = [
    path("", views.PersonListView.as_view(), name="person-list"),
    path("new/", views.PersonCreateView.as_view(), name="person-create"),
    path("me/", views.MyRecordView.as_view(), name="my-record"),
    path("levels/", level_views.LevelReportView.as_view(), name="level-report"),
    path("<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("<int:pk>/edit/", views.PersonEditView.as_view(), name="person-edit"),
    path("<int:pk>/employments/", views.EmploymentAddView.as_view(), name="employment-add"),
    path("<int:pk>/reveal/", views.RevealView.as_view(), name="person-reveal"),
    path("<int:pk>/titles/", views.TitleAddView.as_view(), name="title-add"),
    path("<int:pk>/merge/", views.MergeView.as_view(), name="person-merge"),
    path("imports/", import_views.RosterImportListView.as_view(), name="import-list"),
    path("imports/new/", import_views.RosterImportCreateView.as_view(), name="import-create"),
    path("imports/template.xlsx", import_views.RosterImportTemplateView.as_view(), name="import-template"),
    path("imports/<int:pk>/", import_views.RosterImportDetailView.as_view(), name="import-detail"),
    path(
        "imports/<int:pk>/progress/", import_views.RosterImportProgressView.as_view(), name="import-progress"
    ),
    path("imports/<int:pk>/commit/", import_views.RosterImportCommitView.as_view(), name="import-commit"),
    path("imports/<int:pk>/cancel/", import_views.RosterImportCancelView.as_view(), name="import-cancel"),
    path(
        "imports/<int:pk>/errors.xlsx",
        import_views.RosterImportErrorReportView.as_view(),
        name="import-errors",
    ),
]
