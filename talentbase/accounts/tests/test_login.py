"""Signing in through the real pages: password, lockout, per-address throttle, the TOTP second factor
(30-s step, ±1 window, each code once), enrolment, the pending state's expiry, and signing out."""

import base64
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from talentbase.core.models import AuditEvent
from talentbase.demo.world import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

# Mid-way through a 30-second TOTP step (a whole hour is a multiple of 30 s since the epoch).
START = datetime(2026, 3, 2, 9, 0, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
BAD_CREDENTIALS = "用户名或密码错误"
LOCKED = "账号因连续登录失败已锁定"
THROTTLED = "该网络地址近期登录失败较多"
BAD_CODE = "动态口令不正确"
CODE_REUSED = "该验证码刚刚用过，请等待下一个验证码"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # the per-address throttle lives in the cache


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def audit_mark():
    return AuditEvent.objects.aggregate(seq=Max("seq"))["seq"] or 0


def events(mark, **filters):
    return AuditEvent.objects.filter(seq__gt=mark, **filters)


def sign_in(client, username, password=DEMO_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def send_code(client, code, page="accounts:otp-verify"):
    return client.post(reverse(page), {"code": code})


def code_at(device, unix_time: float) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = unix_time
    return f"{totp.token():0{device.digits}d}"


def current_code(device) -> str:
    return code_at(device, START.timestamp())


def city_device(personas) -> TOTPDevice:
    return TOTPDevice.objects.get(user=personas.user("city"), confirmed=True)


def is_signed_in(client) -> bool:
    return client.get(reverse("core:home")).status_code == 200


# --- Password


def test_an_employer_signs_in_with_the_password_alone_and_lands_on_the_home_page(
    client, personas, audit_mark
):
    response = sign_in(client, "employer")
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert is_signed_in(client)
    assert events(audit_mark, verb="login", actor_id=personas.user("employer").pk).count() == 1


def test_a_wrong_password_is_refused_with_the_generic_message_and_logged(client, personas, audit_mark):
    response = sign_in(client, "employer", "Wrong#Password1")
    assert response.status_code == 400
    assert BAD_CREDENTIALS in response.content.decode()
    assert not is_signed_in(client)
    event = events(audit_mark, verb="login_failed").get()
    assert (event.actor_id, event.reason) == (personas.user("employer").pk, "password")


def test_an_unknown_username_gets_the_same_message_and_is_not_logged_in_clear(client, audit_mark):
    typed = "330106199001011234"  # people type their ID number into the username field
    response = sign_in(client, typed, "Wrong#Password1")
    assert response.status_code == 400
    assert BAD_CREDENTIALS in response.content.decode()
    event = events(audit_mark, verb="login_failed").get()
    assert event.actor_label.startswith("unknown:")
    stored = " ".join(
        [event.actor_label, event.object_label, event.object_id, event.reason, str(event.changes)]
    )
    assert typed not in stored


# --- Lockout and throttle


def test_five_failed_logins_lock_the_account_for_fifteen_minutes(client, personas, frozen, audit_mark):
    for _ in range(5):
        assert sign_in(client, "employer", "Wrong#Password1").status_code == 400
    assert events(audit_mark, verb="locked", object_id=str(personas.user("employer").pk)).count() == 1

    refused = sign_in(client, "employer")
    assert refused.status_code == 400
    assert LOCKED in refused.content.decode()

    frozen.shift(timedelta(minutes=14))
    assert sign_in(client, "employer").status_code == 400
    frozen.shift(timedelta(minutes=1, seconds=1))
    assert sign_in(client, "employer").status_code == 302


def test_a_successful_login_resets_the_failure_count(personas):
    for _ in range(4):
        sign_in(Client(), "employer", "Wrong#Password1")
    assert sign_in(Client(), "employer").status_code == 302
    for _ in range(4):
        sign_in(Client(), "employer", "Wrong#Password1")
    employer = personas.user("employer")
    assert not employer.is_locked()
    assert employer.failed_logins == 4
    assert sign_in(Client(), "employer").status_code == 302


def _fail_from(client, times, *, start=0):
    for number in range(start, start + times):
        assert sign_in(client, f"nobody{number}", "Wrong#Password1").status_code == 400


def test_an_address_that_failed_often_waits_a_few_seconds_then_a_colleague_signs_in(personas, frozen):
    office = Client(REMOTE_ADDR="203.0.113.7")
    _fail_from(office, 20)  # one colleague's typos, across accounts
    refused = sign_in(office, "employer")
    assert refused.status_code == 400
    assert THROTTLED in refused.content.decode() and "秒后再试" in refused.content.decode()
    assert personas.user("employer").failed_logins == 0  # a correct password counts against nobody
    frozen.shift(timedelta(seconds=settings.TALENTBASE_IP_MAX_DELAY_SECONDS))  # never 15 minutes
    assert sign_in(office, "employer").status_code == 302
    assert sign_in(Client(REMOTE_ADDR="203.0.113.8"), "employer").status_code == 302


def test_the_address_delay_grows_with_each_failure_and_is_capped(frozen):
    from talentbase.accounts import lockout

    free = settings.TALENTBASE_IP_FREE_FAILURES
    assert [lockout.ip_delay_seconds(n) for n in range(free - 1, free + 4)] == [0, 0, 1, 2, 4]
    assert lockout.ip_delay_seconds(free + 50) == settings.TALENTBASE_IP_MAX_DELAY_SECONDS
    office = Client(REMOTE_ADDR="203.0.113.9")
    _fail_from(office, free)
    assert lockout.ip_wait_remaining("203.0.113.9") == 0  # the first failures cost nothing
    assert sign_in(office, "nobody-a", "Wrong#Password1").status_code == 400
    assert lockout.ip_wait_remaining("203.0.113.9") == 1
    frozen.shift(timedelta(seconds=1))
    assert sign_in(office, "nobody-b", "Wrong#Password1").status_code == 400
    assert lockout.ip_wait_remaining("203.0.113.9") == 2


def test_a_try_that_comes_too_early_is_not_a_new_failure_of_the_address(frozen):
    from talentbase.accounts import lockout

    office = Client(REMOTE_ADDR="203.0.113.10")
    _fail_from(office, settings.TALENTBASE_IP_FREE_FAILURES + 3)
    waiting = lockout.ip_wait_remaining("203.0.113.10")
    for _ in range(5):
        assert THROTTLED in sign_in(office, "employer").content.decode()
    assert lockout.ip_wait_remaining("203.0.113.10") == waiting


def test_a_correct_password_with_a_valid_second_factor_always_passes_the_address_delay(personas, frozen):
    office = Client(REMOTE_ADDR="203.0.113.11")
    _fail_from(office, 40)
    response = sign_in(office, "city")
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp-verify"))
    assert send_code(office, current_code(city_device(personas))).status_code == 302
    assert is_signed_in(office)


def test_a_wrong_password_during_the_delay_still_counts_toward_the_account_lock(personas, frozen):
    office = Client(REMOTE_ADDR="203.0.113.12")
    _fail_from(office, 40)
    for _ in range(settings.TALENTBASE_LOCKOUT_FAILURES):
        assert THROTTLED in sign_in(office, "city", "Wrong#Password1").content.decode()
    assert personas.user("city").is_locked()


def test_the_address_count_lapses_fifteen_minutes_after_the_last_failure(frozen):
    from talentbase.accounts import lockout

    office = Client(REMOTE_ADDR="203.0.113.13")
    _fail_from(office, 30)
    frozen.shift(timedelta(minutes=15, seconds=1))
    _fail_from(office, 1)
    assert lockout.ip_wait_remaining("203.0.113.13") == 0


def _answers(client, username, attempts):
    """What a stranger sees for each try of a wrong password: the status and the page's error text."""
    answers = []
    for _ in range(attempts):
        response = sign_in(client, username, "Wrong#Password1")
        answers.append((response.status_code, str(response.context["form"].non_field_errors())))
    return answers


def test_a_name_no_account_has_gets_the_same_answers_as_an_account_lock_included(personas, frozen):
    known = _answers(Client(REMOTE_ADDR="198.51.100.1"), "employer", 7)
    unknown = _answers(Client(REMOTE_ADDR="198.51.100.2"), "no-such-employer", 7)
    assert known == unknown
    assert BAD_CREDENTIALS in known[0][1] and LOCKED in known[5][1] and "15 分钟" in known[5][1]
    frozen.shift(timedelta(minutes=15, seconds=1))
    assert _answers(Client(REMOTE_ADDR="198.51.100.1"), "employer", 1) == _answers(
        Client(REMOTE_ADDR="198.51.100.2"), "no-such-employer", 1
    )


def test_every_sign_in_answer_costs_one_password_hash_whether_the_name_exists_or_not(personas, monkeypatch):
    from django.contrib.auth import hashers

    hashed, depth = [], [0]

    def counted(original):
        def call(self, *args, **kwargs):
            # A hasher's verify may encode again (MD5, PBKDF2): one hash of the typed password all the same.
            if depth[0] == 0:
                hashed.append(type(self).__name__)
            depth[0] += 1
            try:
                return original(self, *args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    for hasher in hashers.get_hashers():
        for method in ("encode", "verify"):
            monkeypatch.setattr(type(hasher), method, counted(getattr(type(hasher), method)))
    for username in ("employer", "no-such-employer"):
        for _ in range(7):  # wrong passwords, then locked
            hashed.clear()
            sign_in(Client(REMOTE_ADDR="198.51.100.3"), username, "Wrong#Password1")
            assert len(hashed) == 1, username
    cache.clear()
    for number in range(settings.TALENTBASE_IP_FREE_FAILURES + 5):
        sign_in(Client(REMOTE_ADDR="198.51.100.4"), f"nobody{number}", "Wrong#Password1")
    for username in ("employer", "no-such-employer"):  # the address must wait now
        hashed.clear()
        assert THROTTLED in sign_in(Client(REMOTE_ADDR="198.51.100.4"), username).content.decode()
        assert len(hashed) == 1, username


# --- Second factor


def test_a_back_office_user_gets_no_session_before_the_code(client):
    response = sign_in(client, "city")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:otp-verify"))
    home = client.get(reverse("core:home"))
    assert home.status_code == 302
    assert home.url.startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_is_refused_and_counts_toward_the_lockout(client, personas, frozen, audit_mark):
    sign_in(client, "city")
    wrong = f"{(int(current_code(city_device(personas))) + 1) % 1_000_000:06d}"
    response = send_code(client, wrong)
    assert response.status_code == 400
    assert BAD_CODE in response.content.decode()
    assert not is_signed_in(client)
    assert personas.user("city").failed_logins == 1
    assert events(audit_mark, verb="login_failed", reason="totp").count() == 1


def test_five_wrong_codes_lock_the_account(client, personas, frozen):
    sign_in(client, "city")
    right = current_code(city_device(personas))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        frozen.shift(timedelta(seconds=20))  # past django-otp's own growing delay between tries
        send_code(client, wrong)
    assert personas.user("city").is_locked()


def test_the_current_code_signs_a_back_office_user_in(client, personas, frozen, audit_mark):
    sign_in(client, "city")
    response = send_code(client, current_code(city_device(personas)))
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert is_signed_in(client)
    assert events(audit_mark, verb="login", actor_id=personas.user("city").pk).count() == 1


def test_each_code_is_accepted_only_once(personas, frozen):
    code = current_code(city_device(personas))
    first, second = Client(), Client()
    sign_in(first, "city")
    assert send_code(first, code).status_code == 302

    sign_in(second, "city")
    response = send_code(second, code)
    assert response.status_code == 400
    assert not is_signed_in(second)


def test_a_code_used_a_moment_ago_says_wait_for_the_next_and_counts_as_no_failure(
    personas, frozen, audit_mark
):
    from talentbase.accounts import lockout

    code = current_code(city_device(personas))
    first, second = Client(REMOTE_ADDR="192.0.2.20"), Client(REMOTE_ADDR="192.0.2.20")
    sign_in(first, "city")
    assert send_code(first, code).status_code == 302
    sign_in(second, "city")
    for _ in range(settings.TALENTBASE_LOCKOUT_FAILURES + 1):
        response = send_code(second, code)
        assert response.status_code == 400
        assert CODE_REUSED in response.content.decode()
    city = personas.user("city")
    assert city.failed_logins == 0 and not city.is_locked()
    assert cache.get(lockout._ip_key("192.0.2.20")) is None
    assert events(audit_mark, verb="login_failed", reason="totp_reused").exists()
    frozen.shift(timedelta(seconds=30))  # the next code signs in
    assert send_code(second, code_at(city_device(personas), START.timestamp() + 30)).status_code == 302


def test_a_code_from_one_step_ago_is_accepted(client, personas, frozen):
    sign_in(client, "city")
    assert send_code(client, code_at(city_device(personas), START.timestamp() - 30)).status_code == 302


def test_a_code_from_two_steps_ago_is_refused(client, personas, frozen):
    sign_in(client, "city")
    assert send_code(client, code_at(city_device(personas), START.timestamp() - 60)).status_code == 400
    assert not is_signed_in(client)


def test_a_back_office_user_without_a_device_enrols_one_and_signs_in(client, personas, frozen, audit_mark):
    city = personas.user("city")
    TOTPDevice.objects.filter(user=city).delete()
    response = sign_in(client, "city")
    assert response.url.startswith(reverse("accounts:otp-setup"))

    page = client.get(reverse("accounts:otp-setup"))
    device = TOTPDevice.objects.get(user=city, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    assert secret in page.content.decode()

    response = send_code(client, current_code(device), page="accounts:otp-setup")
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert is_signed_in(client)
    assert events(audit_mark, verb="totp_enrolled", actor_id=city.pk).count() == 1


def test_a_user_with_a_device_cannot_enrol_another_with_the_password_alone(client, personas, frozen):
    sign_in(client, "city")
    response = client.get(reverse("accounts:otp-setup"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:otp-verify"))
    assert send_code(client, "123456", page="accounts:otp-setup").status_code == 302
    assert not TOTPDevice.objects.filter(user=personas.user("city"), confirmed=False).exists()
    assert not is_signed_in(client)


def test_the_pending_second_factor_expires_after_five_minutes(client, personas, frozen):
    sign_in(client, "city")
    frozen.shift(timedelta(minutes=5, seconds=1))
    code = code_at(city_device(personas), START.timestamp() + 301)
    response = send_code(client, code)
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert not is_signed_in(client)


def test_the_pending_second_factor_holds_for_almost_five_minutes(client, personas, frozen):
    sign_in(client, "city")
    frozen.shift(timedelta(minutes=4, seconds=50))
    code = code_at(city_device(personas), START.timestamp() + 290)
    assert send_code(client, code).status_code == 302
    assert is_signed_in(client)


# --- Signing out


def test_logout_is_post_only_and_logged(client, personas, audit_mark):
    sign_in(client, "employer")
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert is_signed_in(client)

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert not is_signed_in(client)
    assert events(audit_mark, verb="logout", actor_id=personas.user("employer").pk).count() == 1
