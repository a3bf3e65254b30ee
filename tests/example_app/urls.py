from django.urls import path

from talentbase.core.imports.views import import_urls

from . import views

app_name = "example"

urlpatterns = [
    path("", views.ApplicationListView.as_view(), name="application-list"),
    path("new/", views.ApplicationCreateView.as_view(), name="application-create"),
    path("<int:pk>/", views.ApplicationDetailView.as_view(), name="application-detail"),
    path("<int:pk>/<slug:name>/", views.ApplicationTransitionView.as_view(), name="application-transition"),
    *import_urls("example.applications", "application-import"),
]
