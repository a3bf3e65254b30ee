"""Response headers (core/middleware.py): nothing that may show personal data is cached."""

import pytest
from django.urls import reverse

from talentbase.registry.models import Person

pytestmark = pytest.mark.django_db


def pages_with_personal_data(personas):
    person = Person.objects.get(user=personas.user("worker"))
    user = personas.user("hr")
    return [
        ("city", reverse("registry:person-list")),
        ("city", reverse("registry:person-detail", args=[person.pk])),
        ("worker", reverse("registry:my-record")),
        ("city", reverse("registry:level-report")),
        ("city", reverse("credentials:record-list")),
        ("city", reverse("credentials:report-list")),
        ("worker", reverse("credentials:my-levels")),
        ("sysadmin", reverse("accounts:user-list")),
        ("sysadmin", reverse("accounts:user-detail", args=[user.pk])),
        ("auditadmin", reverse("core:audit-list")),
        ("city", reverse("person-list")),
        ("city", reverse("person-detail", args=[person.pk])),
        ("city", reverse("certificaterecord-list")),
        ("sysadmin", reverse("user-list")),
    ]


def test_no_page_or_api_answer_that_may_show_personal_data_is_stored_by_a_browser_or_proxy(personas):
    for role, url in pages_with_personal_data(personas):
        response = personas.client(role).get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url


def test_anonymous_answers_are_not_stored_either_unless_a_view_states_its_caching(personas, client):
    for url in (reverse("accounts:login"), reverse("person-list"), "/no-such-page/"):
        assert "no-store" in client.get(url)["Cache-Control"], url
