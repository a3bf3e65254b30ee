"""Session limits: idle 30 minutes (administrators 15), absolute 12 hours, every session ended on a
password change or a disabled account, and no back-office session without the second factor."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session
from django.db.models import Max
from django.test import Client
from django.urls import reverse

from talentbase.accounts import actions
from talentbase.core.models import AuditEvent
from talentbase.demo.world import DEMO_PASSWORD
from tests.personas import login_client

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=True)
    return time_machine


@pytest.fixture
def audit_mark():
    return AuditEvent.objects.aggregate(seq=Max("seq"))["seq"] or 0


def signed_in(personas, role) -> Client:
    client = login_client(Client(), personas.user(role))
    assert client.get(reverse("accounts:profile")).status_code == 200  # the session's clock starts
    return client


def sent_to_login(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_session_idle_for_thirty_one_minutes_is_ended_and_logged(personas, clock, audit_mark):
    client = signed_in(personas, "employer")
    clock.shift(timedelta(minutes=31))
    assert sent_to_login(client.get(reverse("accounts:profile")))
    assert "_auth_user_id" not in client.session
    assert "您已长时间未操作" in client.get(reverse("accounts:login")).content.decode()
    event = AuditEvent.objects.get(seq__gt=audit_mark, verb="logout")
    assert (event.actor_id, event.reason) == (personas.user("employer").pk, "idle")


def test_a_session_idle_for_twenty_nine_minutes_goes_on(personas, clock):
    client = signed_in(personas, "employer")
    clock.shift(timedelta(minutes=29))
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditadmin"])
def test_an_administrator_session_ends_after_sixteen_idle_minutes(personas, clock, role):
    client = signed_in(personas, role)
    clock.shift(timedelta(minutes=14))
    assert client.get(reverse("accounts:profile")).status_code == 200
    clock.shift(timedelta(minutes=16))
    assert sent_to_login(client.get(reverse("accounts:profile")))


def test_a_session_ends_after_twelve_hours_even_with_activity_every_twenty_minutes(
    personas, clock, audit_mark
):
    client = signed_in(personas, "employer")
    for _ in range(35):  # 11 h 40 min
        clock.shift(timedelta(minutes=20))
        assert client.get(reverse("accounts:profile")).status_code == 200
    clock.shift(timedelta(minutes=21))
    assert sent_to_login(client.get(reverse("accounts:profile")))
    assert AuditEvent.objects.get(seq__gt=audit_mark, verb="logout").reason == "session_age"


def test_the_api_answers_401_in_json_when_the_session_has_ended(personas, clock):
    client = signed_in(personas, "employer")
    assert client.get(reverse("organisation-list")).status_code == 200
    clock.shift(timedelta(minutes=31))
    response = client.get(reverse("organisation-list"))
    assert response.status_code == 401
    assert response.json()["code"] == "session_ended"


def test_changing_the_password_ends_the_other_sessions_but_keeps_this_one(personas, audit_mark):
    here, elsewhere = signed_in(personas, "employer"), signed_in(personas, "employer")
    new = "Nouveau#Mot2027"
    response = here.post(
        reverse("accounts:password-change"),
        {"old_password": DEMO_PASSWORD, "new_password": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert here.get(reverse("accounts:profile")).status_code == 200
    assert sent_to_login(elsewhere.get(reverse("accounts:profile")))
    assert AuditEvent.objects.filter(seq__gt=audit_mark, verb="password_change").count() == 1


def test_disabling_a_user_ends_their_sessions(personas):
    client = signed_in(personas, "employer")
    session_key = client.session.session_key
    actions.set_user_active(actor=personas.actor("sysadmin"), user=personas.user("employer"), active=False)
    assert not Session.objects.filter(session_key=session_key).exists()
    assert sent_to_login(client.get(reverse("accounts:profile")))


def test_a_back_office_session_without_the_second_factor_is_ended(personas):
    client = Client()
    client.force_login(personas.user("city"), backend="django.contrib.auth.backends.ModelBackend")
    assert sent_to_login(client.get(reverse("core:home")))
    assert "_auth_user_id" not in client.session
    assert "您的账号需要动态口令" in client.get(reverse("accounts:login")).content.decode()
