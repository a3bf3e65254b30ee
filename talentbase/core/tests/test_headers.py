"""Response headers (core/middleware.py): nothing that may show personal data is cached, a strict
Content-Security-Policy and a Permissions-Policy on every answer, and X-Forwarded-Proto believed only from a
proxy that was declared."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from talentbase.core.middleware import CONTENT_SECURITY_POLICY
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


def test_every_page_carries_a_strict_policy_without_inline_script_and_denies_unused_features(personas):
    response = personas.client("city").get(reverse("core:home"))
    policy = response["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in policy and "unsafe" not in policy and "frame-ancestors 'none'" in policy
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in response["Permissions-Policy"]
    content = response.content.decode()
    assert "<script>" not in content and 'style="' not in content


def test_the_browsable_api_may_place_elements_with_inline_styles_but_runs_no_inline_script(personas):
    response = personas.client("city").get(reverse("person-list"), HTTP_ACCEPT="text/html")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self' 'unsafe-inline'" in policy
    assert "<script>" not in response.content.decode()
    json_policy = personas.client("city").get(reverse("person-list"))["Content-Security-Policy"]
    assert json_policy == CONTENT_SECURITY_POLICY


def test_the_swagger_page_has_its_own_policy_and_no_inline_script(personas):
    client = personas.client("city")
    response = client.get(reverse("api-docs"))
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert "unsafe" not in script_src and "<script>" not in response.content.decode()
    assert "?script=" in response.content.decode()
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200 and "javascript" in script["Content-Type"]


def _production_setting(name: str, **environ) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TALENTBASE_")}
    env.update(
        TALENTBASE_SECRET_KEY="x" * 50, TALENTBASE_ALLOWED_HOSTS="talentbase.example.gov.cn", **environ
    )
    code = f"import talentbase.settings as s; print(repr(getattr(s, {name!r}, None)))"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()  # fmt: skip


def test_x_forwarded_proto_is_believed_only_behind_a_declared_proxy():
    assert _production_setting("SECURE_PROXY_SSL_HEADER") == "None"
    assert _production_setting("SECURE_PROXY_SSL_HEADER", TALENTBASE_TRUSTED_PROXIES="0") == "None"
    assert _production_setting("SECURE_PROXY_SSL_HEADER", TALENTBASE_TRUSTED_PROXIES="1") == repr(
        ("HTTP_X_FORWARDED_PROTO", "https")
    )


def test_a_forged_x_forwarded_proto_does_not_make_a_request_secure(client, settings):
    settings.TALENTBASE_TRUSTED_PROXIES = 0
    response = client.get(reverse("accounts:login"), HTTP_X_FORWARDED_PROTO="https")
    assert response.wsgi_request.is_secure() is False
