"""The platform's URLs and the example app's (tests/settings.py)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from talentbase import urls as platform
from tests.example_app.api import ApplicationViewSet

router = SimpleRouter()
router.register("example-applications", ApplicationViewSet, basename="application")

urlpatterns = [
    path("example/", include("tests.example_app.urls")),
    path("api/v1/", include(router.urls)),
    *platform.urlpatterns,
]

handler403 = platform.handler403
handler404 = platform.handler404
handler500 = platform.handler500
