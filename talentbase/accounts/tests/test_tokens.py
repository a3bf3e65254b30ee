"""API tokens for other government systems: issued by the system administrator, shown once, scoped like
the account's membership, refused when revoked or expired."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from talentbase.accounts import tokens
from talentbase.accounts.models import ApiToken
from talentbase.core.models import AuditEvent
from talentbase.registry.models import Person
from tests.stores import stores_holding

pytestmark = pytest.mark.django_db


def issue(personas, role="employer", days=365):
    return tokens.issue_token(
        actor=personas.actor("sysadmin"), user=personas.user(role), name="HR system", days=days
    )


def api(text):
    return Client(HTTP_AUTHORIZATION=f"Token {text}")


def test_a_token_calls_the_api_with_the_scope_of_its_account(personas):
    _token, text = issue(personas, "employer")
    response = api(text).get(reverse("person-list"))
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert Person.objects.get(user=personas.user("worker")).pk in ids
    outsider = Person.objects.get(user=personas.user("worker", outsider=True))
    assert outsider.pk not in ids
    assert api(text).get(reverse("person-detail", args=[outsider.pk])).status_code == 404


def test_only_a_hash_of_the_secret_is_stored(personas):
    token, text = issue(personas)
    secret = text.rsplit("_", 1)[1]
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().first())


def test_a_wrong_revoked_or_expired_token_is_refused_with_401(personas):
    token, text = issue(personas, days=30)
    assert api(text[:-2] + "xx").get(reverse("person-list")).status_code == 401
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert api(text).get(reverse("person-list")).status_code == 401
    tokens.revoke_token(actor=personas.actor("sysadmin"), token=token)
    assert api(text).get(reverse("person-list")).status_code == 401


def test_the_system_administrator_issues_a_token_on_the_users_page_and_sees_it_once(personas):
    client = personas.client("sysadmin")
    user = personas.user("hr")
    url = reverse("accounts:user-command", args=[user.pk, "issue-token"])
    response = client.post(url, {"name": "市人社局考务系统", "days": 90}, follow=True)
    shown = response.context["issued_token"]
    assert shown.startswith("tb_") and shown in response.content.decode()
    assert shown not in client.get(reverse("accounts:user-detail", args=[user.pk])).content.decode()
    assert AuditEvent.objects.filter(verb="create", object_type="accounts.apitoken").exists()
    token = ApiToken.objects.get(user=user)
    client.post(reverse("accounts:user-command", args=[user.pk, "revoke-token"]), {"token": token.pk})
    token.refresh_from_db()
    assert not token.is_active


def test_a_new_token_is_in_the_answer_to_its_post_only_never_in_a_store(personas):
    client = personas.client("sysadmin")
    user = personas.user("hr")
    response = client.post(reverse("accounts:user-command", args=[user.pk, "issue-token"]),
                           {"name": "市人社局考务系统", "days": 90})  # fmt: skip
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    shown = response.context["issued_token"]
    assert shown.startswith("tb_") and shown in response.content.decode()
    assert stores_holding(shown, client) == []
    secret = shown.removeprefix("tb_").partition("_")[2]  # tb_<prefix>_<secret>; the secret may hold "_"
    assert len(secret) >= 40 and stores_holding(secret, client) == []


def test_other_roles_cannot_issue_tokens(personas):
    user = personas.user("employer")
    response = personas.client("secadmin").post(
        reverse("accounts:user-command", args=[user.pk, "issue-token"]), {"name": "x", "days": 1}
    )
    assert response.status_code == 403
    assert not ApiToken.objects.filter(user=user).exists()
