from django.urls import path

from talentbase.core.imports.views import import_urls

from . import views

app_name = "evaluation"

urlpatterns = [
    *import_urls("evaluation.applications", "application-import"),
    path("standards/", views.VersionListView.as_view(), name="version-list"),
    path("standards/new/", views.VersionFormView.as_view(), name="version-create"),
    path("standards/<int:pk>/", views.VersionDetailView.as_view(), name="version-detail"),
    path("standards/<int:pk>/edit/", views.VersionFormView.as_view(), name="version-edit"),
    path("standards/<int:pk>/delete/", views.VersionDeleteView.as_view(), name="version-delete"),
    path("standards/<int:pk>/do/<str:name>/", views.VersionTransitionView.as_view(), name="version-transition"),
    path("standards/<int:version>/levels/new/", views.VersionLevelFormView.as_view(), name="level-create"),
    path("levels/<int:pk>/edit/", views.VersionLevelFormView.as_view(), name="level-edit"),
    path("levels/<int:pk>/delete/", views.VersionLevelDeleteView.as_view(), name="level-delete"),
    path("standards/<int:version>/paths/new/", views.PathFormView.as_view(), name="path-create"),
    path("paths/<int:pk>/edit/", views.PathFormView.as_view(), name="path-edit"),
    path("paths/<int:pk>/delete/", views.PathDeleteView.as_view(), name="path-delete"),
    path("plans/", views.PlanListView.as_view(), name="plan-list"),
    path("plans/new/", views.PlanFormView.as_view(), name="plan-create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/edit/", views.PlanFormView.as_view(), name="plan-edit"),
    path("plans/<int:pk>/delete/", views.PlanDeleteView.as_view(), name="plan-delete"),
    path("plans/<int:pk>/do/<str:name>/", views.PlanTransitionView.as_view(), name="plan-transition"),
    path("plans/<int:plan>/lines/new/", views.PlanLineFormView.as_view(), name="plan-line-create"),
    path("plan-lines/<int:pk>/edit/", views.PlanLineFormView.as_view(), name="plan-line-edit"),
    path("plan-lines/<int:pk>/delete/", views.PlanLineDeleteView.as_view(), name="plan-line-delete"),
    path("sessions/", views.SessionListView.as_view(), name="session-list"),
    path("sessions/new/", views.SessionFormView.as_view(), name="session-create"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<int:pk>/edit/", views.SessionFormView.as_view(), name="session-edit"),
    path("sessions/<int:pk>/delete/", views.SessionDeleteView.as_view(), name="session-delete"),
    path("sessions/<int:pk>/do/<str:name>/", views.SessionTransitionView.as_view(), name="session-transition"),
    path("sessions/<int:pk>/apply/", views.ApplyView.as_view(), name="apply"),
    path("applications/", views.ApplicationListView.as_view(), name="application-list"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application-detail"),
    path("applications/<int:pk>/do/<str:name>/", views.ApplicationTransitionView.as_view(),
         name="application-transition"),
]
