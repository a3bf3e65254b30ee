"""The API: schema, root, and the way it answers."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_documents_the_endpoints(personas):
    response = personas.client("city").get(reverse("api-schema"))
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/v1/persons/", "/api/v1/organisations/", "/api/v1/filings/{id}/transition/"):
        assert path in text, path


def test_the_api_root_lists_the_endpoints(personas):
    response = personas.client("employer").get(reverse("api-root"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "persons" in response.json()


def test_a_domain_refusal_answers_400_with_its_code(personas):
    from talentbase.orgs.models import Organisation

    organisation = Organisation.objects.filter(memberships__isnull=False).first()
    response = personas.client("city").delete(reverse("organisation-detail", args=[organisation.pk]))
    assert response.status_code == 400
    assert response.json()["code"] == "protected"
