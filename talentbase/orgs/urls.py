from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="organisation-list"),
    path("new/", views.OrganisationFormView.as_view(), name="organisation-create"),
    path("<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("<int:pk>/edit/", views.OrganisationFormView.as_view(), name="organisation-edit"),
    path("<int:pk>/delete/", views.OrganisationDeleteView.as_view(), name="organisation-delete"),
    path("filings/", views.FilingListView.as_view(), name="filing-list"),
    path("filings/new/", views.FilingFormView.as_view(), name="filing-create"),
    path("filings/<int:pk>/", views.FilingDetailView.as_view(), name="filing-detail"),
    path("filings/<int:pk>/edit/", views.FilingFormView.as_view(), name="filing-edit"),
    path("filings/<int:pk>/delete/", views.FilingDeleteView.as_view(), name="filing-delete"),
    path("filings/<int:pk>/<slug:name>/", views.FilingTransitionView.as_view(), name="filing-transition"),
]
