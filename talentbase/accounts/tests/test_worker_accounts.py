"""Workers' accounts (DESIGN.md §1): the employer opens them in bulk for its current staff, hands out one-time
activation codes, the worker sets a password and signs in with a login name, phone or ID number; the account
is the person's and survives leaving a job; a new code is the forgot-password path."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db.models import Max
from django.test import Client
from django.urls import reverse

from talentbase.accounts import workers
from talentbase.accounts.models import User
from talentbase.core.actor import system_actor
from talentbase.core.models import AuditEvent
from talentbase.registry import actions as registry_actions
from talentbase.registry.identity import synthetic_ric
from talentbase.registry.models import Person
from talentbase.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Green#Leaf2026"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def staff(personas):
    """Two current employees of the employer persona, with their ID numbers and phones."""
    import random

    rng = random.Random(7)
    employer = personas.organisation("employer")
    made = []
    for name, phone in (("周小明", "13912345601"), ("吴小红", "13912345602")):
        number = synthetic_ric(rng)
        person = PersonFactory(full_name=name, id_number=number, phone=phone, employer=employer)
        made.append((person, number, phone))
    return made


def create_accounts(client, persons):
    return client.post(reverse("accounts:worker-accounts"), {"persons": [p.pk for p in persons]})


def issued_lines(response) -> list[tuple[str, str]]:
    """(login name, code) per line of the sheet, in the order of the persons' names as the test made them."""
    html = response.content.decode()
    persons = re.findall(r'data-testid="person-name">([^<]+)<', html)
    names = re.findall(r'data-testid="login-name">([^<]+)<', html)
    codes = re.findall(r'data-testid="activation-code">([^<]+)<', html)
    lines = dict(zip(persons, zip(names, codes, strict=True), strict=True))
    return [lines[name] for name in sorted(lines, key=MADE_ORDER.index)]


MADE_ORDER = ["周小明", "吴小红", "同号人", "别家员工"]


def activate(client, login_name, code, password=PASSWORD):
    return client.post(reverse("accounts:activate"), {"login_name": login_name, "code": code,
                                                      "password": password, "password2": password})  # fmt: skip


def sign_in(client, login_name, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": login_name, "password": password})


def test_an_employer_opens_accounts_for_its_staff_in_bulk_with_codes_shown_once(personas, staff):
    mark = AuditEvent.objects.aggregate(seq=Max("seq"))["seq"] or 0
    client = personas.client("employer")
    page = client.get(reverse("accounts:worker-accounts"))
    assert page.status_code == 200 and "周小明" in page.content.decode()
    response = create_accounts(client, [p for p, _n, _ph in staff])
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    lines = issued_lines(response)
    assert len(lines) == 2
    for (person, number, phone), (username, code) in zip(staff, lines, strict=True):
        person.refresh_from_db()
        user = User.objects.get(username=username)
        assert person.user_id == user.pk
        assert number not in username and phone not in username  # no ID number or phone as a username
        assert not user.has_usable_password()
        assert code.replace("-", "") not in user.activation_code_hash  # only a keyed hash is kept
        assert not user.memberships.exists()  # the worker role is the person's own
    assert "activation" not in str(dict(client.session))
    logged = "".join(str(e.changes) + e.reason for e in AuditEvent.objects.filter(seq__gt=mark))
    assert all(code.replace("-", "") not in logged and code not in logged for _u, code in lines)
    assert AuditEvent.objects.filter(seq__gt=mark, verb="worker_account_create").count() == 2


def test_a_worker_activates_with_the_code_then_signs_in_by_phone_and_by_id_number(personas, staff):
    person, number, phone = staff[0]
    (username, code), _second = issued_lines(
        create_accounts(personas.client("employer"), [p for p, *_ in staff])
    )
    worker = Client()
    assert activate(worker, phone, code).status_code == 302
    assert activate(Client(), phone, code).status_code == 400  # a code is used once
    for login_name in (username, phone, number, number.lower()):
        client = Client()
        assert sign_in(client, login_name).status_code == 302, login_name
        assert client.get(reverse("registry:my-record")).status_code == 200
        assert client.get(reverse("credentials:my-levels")).status_code == 200


def test_an_activation_password_follows_the_password_rules(personas, staff):
    (username, code), _ = issued_lines(create_accounts(personas.client("employer"), [p for p, *_ in staff]))
    response = activate(Client(), username, code, "short")
    assert response.status_code == 400
    assert not User.objects.get(username=username).has_usable_password()
    assert activate(Client(), username, code).status_code == 302  # the code was not spent by the refusal


def test_wrong_activation_codes_count_toward_the_lock_like_passwords(personas, staff, settings):
    (username, code), _ = issued_lines(create_accounts(personas.client("employer"), [p for p, *_ in staff]))
    for _attempt in range(settings.TALENTBASE_LOCKOUT_FAILURES):
        assert activate(Client(), username, "AAAAA-AAAAA").status_code == 400
    assert User.objects.get(username=username).is_locked()
    assert activate(Client(), username, code).status_code == 400
    unknown = activate(Client(), "w-no-such-worker", "AAAAA-AAAAA")
    assert "登录名或激活码不正确" in unknown.content.decode()


def test_an_expired_activation_code_is_refused(personas, staff, time_machine):
    (username, code), _ = issued_lines(create_accounts(personas.client("employer"), [p for p, *_ in staff]))
    time_machine.move_to(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=31))
    assert activate(Client(), username, code).status_code == 400


def test_a_phone_shared_by_two_persons_is_refused_as_a_login(personas, staff):
    person, number, phone = staff[0]
    PersonFactory(full_name="同号人", phone=phone)  # another person registered with the same phone
    response = create_accounts(personas.client("employer"), [person])
    assert "该手机号码与他人相同" in response.content.decode()
    ((username, code),) = issued_lines(response)
    assert activate(Client(), username, code).status_code == 302
    refused = sign_in(Client(), phone)
    assert refused.status_code == 400
    assert "同一手机号码登记在两人以上名下时不能用于登录" in refused.content.decode()
    assert sign_in(Client(), number).status_code == 302


def test_the_account_survives_leaving_the_job(personas, staff):
    person, number, _phone = staff[0]
    ((username, code),) = issued_lines(create_accounts(personas.client("employer"), [person]))
    activate(Client(), username, code)
    employment = person.employments.get()
    registry_actions.end_employment(actor=personas.actor("employer"), employment=employment,
                                    end_date=datetime.date.today())  # fmt: skip
    client = Client()
    assert sign_in(client, number).status_code == 302
    assert client.get(reverse("registry:my-record")).status_code == 200
    person.refresh_from_db()
    assert person.user.username == username
    assert 'data-testid="personal-role"' in client.get(reverse("accounts:profile")).content.decode()


def test_a_worker_who_forgot_the_password_gets_a_new_code_from_the_employer(personas, staff):
    person, number, _phone = staff[0]
    employer = personas.client("employer")
    ((username, first_code),) = issued_lines(create_accounts(employer, [person]))
    activate(Client(), username, first_code)
    mark = AuditEvent.objects.aggregate(seq=Max("seq"))["seq"] or 0
    ((_same, new_code),) = issued_lines(
        employer.post(reverse("accounts:worker-accounts"), {"person": person.pk})
    )
    assert AuditEvent.objects.filter(seq__gt=mark, verb="activation_code_issue").count() == 1
    assert activate(Client(), number, first_code).status_code == 400
    assert activate(Client(), number, new_code, "New#Leaf2027").status_code == 302
    assert sign_in(Client(), number, "New#Leaf2027").status_code == 302


def test_the_city_bureau_issues_a_code_to_a_worker_with_no_employer_only(personas, staff):
    person, number, _phone = staff[0]
    issued_lines(create_accounts(personas.client("employer"), [person]))
    city = personas.client("city")
    busy = city.post(reverse("accounts:worker-accounts"), {"id_type": "ric", "id_number": number})
    assert busy.status_code == 400 and "请由所在单位生成激活码" in busy.content.decode()
    registry_actions.end_employment(actor=system_actor(), employment=person.employments.get(),
                                    end_date=datetime.date.today() - datetime.timedelta(days=1))  # fmt: skip
    ((_username, code),) = issued_lines(city.post(reverse("accounts:worker-accounts"),
                                                  {"id_type": "ric", "id_number": number}))  # fmt: skip
    assert activate(Client(), number, code).status_code == 302


# --- Permissions


def test_an_employer_cannot_open_accounts_for_another_employers_staff(personas, staff):
    outsider = PersonFactory(full_name="别家员工", employer=personas.organisation("employer", outsider=True))
    response = create_accounts(personas.client("employer"), [outsider])
    assert response.status_code == 400  # not a choice of the form
    assert not Person.objects.filter(pk=outsider.pk, user__isnull=False).exists()
    with pytest.raises(Exception) as refused:
        workers.create_worker_accounts(actor=personas.actor("employer"), persons=[outsider])
    assert type(refused.value).__name__ == "Http404"
    reissue = personas.client("employer").post(reverse("accounts:worker-accounts"), {"person": outsider.pk})
    assert reissue.status_code == 404


def test_an_employer_cannot_open_an_account_for_a_former_employee(personas, staff):
    person = staff[0][0]
    registry_actions.end_employment(actor=system_actor(), employment=person.employments.get(),
                                    end_date=datetime.date.today() - datetime.timedelta(days=1))  # fmt: skip
    with pytest.raises(Exception) as refused:
        workers.create_worker_accounts(actor=personas.actor("employer"), persons=[person])
    assert type(refused.value).__name__ in ("Http404", "DomainError")
    assert not Person.objects.filter(pk=person.pk, user__isnull=False).exists()


@pytest.mark.parametrize("role", ["hr", "district", "training", "evaluation", "worker", "sysadmin"])
def test_other_roles_may_never_open_worker_accounts(personas, staff, role):
    client = personas.client(role)
    assert client.get(reverse("accounts:worker-accounts")).status_code == 403
    assert create_accounts(client, [staff[0][0]]).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(staff):
    response = Client().get(reverse("accounts:worker-accounts"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert Client().get(reverse("accounts:activate")).status_code == 200


def test_an_account_with_a_person_already_is_not_opened_twice(personas, staff):
    person = staff[0][0]
    employer = personas.client("employer")
    create_accounts(employer, [person])
    with pytest.raises(Exception) as refused:
        workers.create_worker_accounts(actor=personas.actor("employer"), persons=[person])
    assert "已有账号" in str(refused.value.message)
