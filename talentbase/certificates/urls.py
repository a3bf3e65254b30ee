from django.urls import path

from talentbase.core.imports.views import import_urls

from . import views

app_name = "certificates"

urlpatterns = [
    *import_urls("certificates.numbers", "number-import"),
    path("", views.CertificateListView.as_view(), name="certificate-list"),
    path("<int:pk>/", views.CertificateDetailView.as_view(), name="certificate-detail"),
    path("<int:pk>/number/", views.NumberView.as_view(), name="certificate-number"),
    path("<int:pk>/do/<str:name>/", views.CertificateTransitionView.as_view(), name="certificate-transition"),
    path("sessions/<int:pk>/issue/", views.IssueView.as_view(), name="issue"),
]
