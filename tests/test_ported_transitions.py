"""Every button that moved onto the one transition dispatcher (orgs, credentials, accounts), pressed on its
page and, where it has one, through its API, by a role that may press it: the effect is what the button
promises. Written before the port, kept after it: the port must not change what a button does."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from talentbase.accounts.models import ApiToken, Membership, User
from talentbase.core.tests.test_workflow import make_filing, state_of
from talentbase.legacy_certificates.models import CertificateRecord, RecordStatus
from talentbase.legacy_certificates.tests import support
from talentbase.orgs.models import FilingState

pytestmark = pytest.mark.django_db


def page(client, url, data=None):
    return client.post(url, data or {})


def api(client, url, data):
    return client.post(url, data, content_type="application/json")


# --- orgs: the filing of an evaluation institution

FILING_CASES = [
    ("submit", "evaluation", FilingState.DRAFT, FilingState.SUBMITTED),
    ("return", "hr", FilingState.SUBMITTED, FilingState.RETURNED),
    ("file", "hr", FilingState.SUBMITTED, FilingState.FILED),
    ("revoke", "hr", FilingState.FILED, FilingState.REVOKED),
]


@pytest.mark.parametrize(("name", "role", "source", "target"), FILING_CASES)
def test_filing_transitions_on_the_page_and_the_api(personas, name, role, source, target):
    client = personas.client(role)
    on_page = make_filing(personas.organisation("evaluation"), source)
    response = page(client, reverse("orgs:filing-transition", args=[on_page.pk, name]), {"comment": "意见"})
    assert response.status_code == 302 and state_of(on_page) == target
    by_api = make_filing(personas.organisation("evaluation"), source)
    answer = api(
        client, reverse("filing-transition", args=[by_api.pk]), {"transition": name, "comment": "意见"}
    )
    assert answer.status_code == 200 and answer.json()["to_state"] == target
    assert state_of(by_api) == target


# --- credentials: certificate records


def _status(record):
    return CertificateRecord.objects.values_list("status", flat=True).get(pk=record.pk)


def test_record_confirm_on_the_page_and_the_api(personas):
    client = personas.client("hr")
    on_page, by_api = support.record(personas, role="employer"), support.record(personas, role="employer")
    assert page(client, reverse("credentials:record-action", args=[on_page.pk, "confirm"])).status_code == 302
    assert api(client, reverse("certificaterecord-confirm", args=[by_api.pk]), {}).status_code == 200
    assert (
        CertificateRecord.objects.filter(pk__in=[on_page.pk, by_api.pk], confirmation="confirmed").count()
        == 2
    )


def test_record_revoke_on_the_page_and_the_api(personas):
    client = personas.client("hr")
    on_page, by_api = support.record(personas), support.record(personas)
    assert page(client, reverse("credentials:record-action", args=[on_page.pk, "revoke"]),
                {"reason": "查实作假"}).status_code == 302  # fmt: skip
    assert (
        api(client, reverse("certificaterecord-revoke", args=[by_api.pk]), {"reason": "查实作假"}).status_code
        == 200
    )
    assert _status(on_page) == _status(by_api) == RecordStatus.REVOKED


def test_record_replace_on_the_page_and_the_api(personas):
    client = personas.client("hr")
    on_page, by_api = support.record(personas), support.record(personas)
    for record, post in ((on_page, page), (by_api, api)):
        url = (reverse("credentials:record-action", args=[record.pk, "replace"]) if post is page
               else reverse("certificaterecord-replace", args=[record.pk]))  # fmt: skip
        answer = post(client, url, {"number": support.skill_number(year=2023, level_number=4),
                                    "issued_on": "2023-02-01", "reason": "遗失补办"})  # fmt: skip
        assert answer.status_code in (200, 302)
        assert _status(record) == RecordStatus.REPLACED
        assert CertificateRecord.objects.filter(replaces=record, status=RecordStatus.VALID).exists()


def _appointment(personas):
    from talentbase.legacy_certificates import actions

    person = support.worker_person(personas)
    return actions.appoint(actor=personas.actor("employer"), person=person, occupation=support.occupation(),
                           level=support.level("principal"), appointed_on=datetime.date(2024, 3, 1))  # fmt: skip


def test_an_appointment_ends_on_the_page(personas):
    record = _appointment(personas)
    url = reverse("credentials:record-action", args=[record.pk, "end"])
    assert (
        page(personas.client("employer"), url, {"on": "2025-03-01", "reason": "岗位调整"}).status_code == 302
    )
    assert _status(record) == RecordStatus.ENDED


# --- credentials: workers' reports


@pytest.fixture
def report(personas, settings, tmp_path):
    from talentbase.legacy_certificates import actions

    settings.MEDIA_ROOT = tmp_path

    def make():
        return actions.report_certificate(actor=personas.actor("worker"), kind="missing", occupation=support.occupation(),
                                          level=support.level("level3"), number="", issued_on=datetime.date(2024, 6, 30),
                                          issuer_name="外省机构", photo=support.photo())  # fmt: skip

    return make


def _state(report):
    return type(report).objects.values_list("state", flat=True).get(pk=report.pk)


@pytest.mark.parametrize(("name", "role", "page_data", "target"), [
    ("resolve", "employer", {"outcome": "已登记"}, "resolved"),
    ("reject", "employer", {"outcome": "重复报告"}, "rejected"),
    ("withdraw", "worker", {}, "withdrawn"),
])  # fmt: skip
def test_report_transitions_on_the_page_and_the_api(personas, report, name, role, page_data, target):
    client = personas.client(role)
    on_page, by_api = report(), report()
    assert (
        page(client, reverse("credentials:report-action", args=[on_page.pk, name]), page_data).status_code
        == 302
    )
    answer = api(client, reverse("certificatereport-transition", args=[by_api.pk]),
                 {"transition": name, "comment": page_data.get("outcome", "")})  # fmt: skip
    assert answer.status_code == 200
    assert _state(on_page) == _state(by_api) == target


# --- accounts: the administrators' buttons on a user's page


def _command(personas, role, user, command, data=None):
    return page(personas.client(role), reverse("accounts:user-command", args=[user.pk, command]), data)


def test_disable_and_enable_a_user(personas):
    user = personas.user("employer")
    assert _command(personas, "sysadmin", user, "disable", {"reason": "离职"}).status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    assert _command(personas, "sysadmin", user, "enable").status_code == 302
    assert User.objects.get(pk=user.pk).is_active


def test_unlock_a_user(personas):
    user = personas.user("employer")
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + datetime.timedelta(minutes=15))
    assert _command(personas, "secadmin", user, "unlock").status_code == 302
    assert not User.objects.get(pk=user.pk).is_locked()


def test_reset_a_second_factor(personas):
    user = personas.user("city")
    assert _command(personas, "secadmin", user, "reset-totp", {"reason": "手机遗失"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_reset_a_password(personas):
    user = personas.user("employer")
    assert (
        _command(personas, "sysadmin", user, "reset-password", {"new_password": "Qx7#vk2mPz9!"}).status_code
        == 302
    )
    assert User.objects.get(pk=user.pk).check_password("Qx7#vk2mPz9!")


def test_add_and_end_a_membership(personas):
    user = personas.user("association")
    organisation = personas.organisation("evaluation", outsider=True)
    data = {"organisation": organisation.pk, "role": "evaluation"}
    assert _command(personas, "sysadmin", user, "add-membership", data).status_code == 302
    membership = Membership.objects.get(user=user, organisation=organisation, role="evaluation")
    assert (
        _command(personas, "sysadmin", user, "end-membership", {"membership": membership.pk}).status_code
        == 302
    )
    assert not Membership.objects.get(pk=membership.pk).is_active


def test_issue_and_revoke_a_token(personas):
    user = personas.user("hr")
    # The new token is shown in the answer to the POST itself (never kept for a next page view).
    issued = _command(personas, "sysadmin", user, "issue-token", {"name": "考务系统", "days": 30})
    assert issued.status_code == 200 and issued.context["issued_token"].startswith("tb_")
    token = ApiToken.objects.get(user=user)
    assert _command(personas, "sysadmin", user, "revoke-token", {"token": token.pk}).status_code == 302
    assert not ApiToken.objects.get(pk=token.pk).is_active


# --- After the port: one dispatcher, so every button also answers on the API and on a form page of its own


def test_an_appointment_ends_through_the_generic_api(personas):
    record = _appointment(personas)
    url = reverse("certificaterecord-transition", args=[record.pk])
    answer = api(
        personas.client("employer"), url, {"transition": "end", "on": "2025-03-01", "comment": "岗位调整"}
    )
    assert answer.status_code == 200 and answer.json()["to_state"] == RecordStatus.ENDED
    refused = api(personas.client("employer"), reverse("certificaterecord-transition", args=[_appointment(personas).pk]),
                  {"transition": "end", "comment": "岗位调整"})  # fmt: skip
    assert refused.status_code == 400 and "on" in refused.json()


def test_a_reissue_over_the_generic_api_names_the_new_record(personas):
    record = support.record(personas)
    answer = api(personas.client("hr"), reverse("certificaterecord-transition", args=[record.pk]),
                 {"transition": "replace", "number": support.skill_number(year=2023, level_number=4),
                  "issued_on": "2023-02-01", "comment": "遗失补办"})  # fmt: skip
    assert answer.status_code == 200
    assert CertificateRecord.objects.get(pk=answer.json()["result_id"]).replaces.get() == record


def test_the_buttons_listed_by_the_api_are_the_ones_the_page_shows(personas):
    declared = support.record(personas, role="employer")
    listed = personas.client("hr").get(reverse("certificaterecord-transitions", args=[declared.pk])).json()
    assert {row["name"] for row in listed} == {"confirm", "revoke", "replace"}
    assert {f["name"] for f in next(r for r in listed if r["name"] == "replace")["fields"]} == {
        "number",
        "issued_on",
        "reason",
    }
    page_html = personas.client("hr").get(declared.get_absolute_url()).content.decode()
    assert all(f'data-transition="{row["name"]}"' in page_html for row in listed)
    assert 'data-transition="end"' not in page_html
    # The employer that declared it sees no button: it may neither confirm nor revoke its own declaration.
    assert (
        personas.client("employer").get(reverse("certificaterecord-transitions", args=[declared.pk])).json()
        == []
    )


def test_a_button_has_a_form_page_of_its_own_that_shows_its_errors(personas):
    record = support.record(personas)
    url = reverse("credentials:record-action", args=[record.pk, "revoke"])
    client = personas.client("hr")
    assert client.get(url).status_code == 200
    refused = client.post(url, {"form_page": "1", "reason": "x"})
    assert refused.status_code == 400 and "请填写原因" in refused.content.decode()
    assert _status(record) == RecordStatus.VALID
    assert personas.client("worker").get(url).status_code == 403
    assert client.get(reverse("credentials:record-action", args=[record.pk, "nothing"])).status_code == 404


def test_a_hidden_button_posted_by_hand_is_refused(personas):
    record = support.record(personas)  # confirmed by HR already: no "confirm" button
    client = personas.client("hr")
    assert 'data-transition="confirm"' not in client.get(record.get_absolute_url()).content.decode()
    answer = api(client, reverse("certificaterecord-transition", args=[record.pk]), {"transition": "confirm"})
    assert answer.status_code == 400 and answer.json()["code"] == "transition_refused"
    user = personas.user("employer")  # not locked: no unlock button, and the page refuses it
    assert 'data-transition="unlock"' not in personas.client("secadmin").get(
        reverse("accounts:user-detail", args=[user.pk])).content.decode()  # fmt: skip
    _command(personas, "secadmin", user, "unlock")
    assert not User.objects.get(pk=user.pk).is_locked()
