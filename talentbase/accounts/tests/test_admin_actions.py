"""The administrators' account actions: the system administrator creates accounts (role fits the
organisation, back-office password length), administrator roles stay separate, the security
administrator unlocks and resets second factors, and every such action is audited."""

from datetime import timedelta

import pytest
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from talentbase.accounts import actions
from talentbase.accounts.errors import AccountError
from talentbase.accounts.models import User
from talentbase.core.errors import DomainError
from talentbase.core.models import AuditEvent

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Qx7#vk2mPz9!"


@pytest.fixture
def audit_mark():
    return AuditEvent.objects.aggregate(seq=Max("seq"))["seq"] or 0


def events(mark, **filters):
    return AuditEvent.objects.filter(seq__gt=mark, **filters)


def new_user_form(organisation, role, password=GOOD_PASSWORD):
    return {
        "username": "newhire",
        "full_name": "新员工",
        "email": "newhire@example.cn",
        "organisation": organisation.pk,
        "role": role,
        "password": password,
    }


def lock(user):
    user.locked_until = timezone.now() + timedelta(minutes=15)
    user.save(update_fields=["locked_until"])


def test_the_system_administrator_creates_a_user_with_a_role_that_fits_the_organisation(personas, audit_mark):
    organisation = personas.organisation("employer")
    response = personas.client("sysadmin").post(
        reverse("accounts:user-create"), new_user_form(organisation, "employer")
    )
    user = User.objects.get(username="newhire")
    assert response.status_code == 302
    assert response.url == reverse("accounts:user-detail", args=[user.pk])
    assert list(user.memberships.values_list("organisation", "role")) == [(organisation.pk, "employer")]
    created = events(audit_mark, verb="create", actor_id=personas.user("sysadmin").pk)
    assert set(created.values_list("object_type", flat=True)) == {"accounts.user", "accounts.membership"}


def test_the_creation_event_does_not_hold_the_new_users_personal_data(personas, audit_mark):
    personas.client("sysadmin").post(
        reverse("accounts:user-create"), new_user_form(personas.organisation("employer"), "employer")
    )
    event = events(audit_mark, verb="create", object_type="accounts.user").get()
    assert event.changes["full_name"] == event.changes["email"] == ["***", "***"]
    assert "新员工" not in str(event.changes) and "example.cn" not in str(event.changes)
    assert GOOD_PASSWORD not in str(event.changes)


def test_a_role_that_does_not_fit_the_organisation_kind_is_refused(personas, audit_mark):
    response = personas.client("sysadmin").post(
        reverse("accounts:user-create"), new_user_form(personas.organisation("employer"), "city")
    )
    assert response.status_code == 400
    assert "单位类型不能设置" in response.content.decode()
    assert not User.objects.filter(username="newhire").exists()
    assert not events(audit_mark, verb="create").exists()


def test_a_back_office_role_with_an_eleven_character_password_is_refused(personas):
    form = new_user_form(personas.organisation("district"), "district", password="Qx7#vk2mPz9")
    response = personas.client("sysadmin").post(reverse("accounts:user-create"), form)
    assert response.status_code == 400
    assert "密码至少需要 12 个字符" in response.content.decode()
    assert not User.objects.filter(username="newhire").exists()


def test_a_user_cannot_hold_two_administrator_roles(personas):
    with pytest.raises(DomainError) as refused:
        actions.add_membership(
            actor=personas.actor("sysadmin"),
            user=personas.user("secadmin"),
            organisation=personas.organisation("secadmin"),
            role="auditadmin",
        )
    assert refused.value.code == AccountError.ADMIN_SEPARATION
    assert personas.user("secadmin").memberships.count() == 1


def test_the_security_administrator_unlocks_a_locked_user(personas, audit_mark):
    employer = personas.user("employer")
    lock(employer)
    response = personas.client("secadmin").post(
        reverse("accounts:user-command", args=[employer.pk, "unlock"])
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert not employer.is_locked()
    event = events(audit_mark, verb="update", object_id=str(employer.pk)).get()
    assert (event.actor_id, event.reason) == (personas.user("secadmin").pk, "unlock")


def test_the_system_administrator_cannot_unlock_a_user(personas, audit_mark):
    employer = personas.user("employer")
    lock(employer)
    response = personas.client("sysadmin").post(
        reverse("accounts:user-command", args=[employer.pk, "unlock"])
    )
    assert response.status_code == 403
    employer.refresh_from_db()
    assert employer.is_locked()
    assert not events(audit_mark, object_id=str(employer.pk)).exists()


def test_the_security_administrator_resets_a_second_factor_with_a_reason(personas, audit_mark):
    city = personas.user("city")
    url = reverse("accounts:user-command", args=[city.pk, "reset-totp"])
    response = personas.client("secadmin").post(url, {"reason": "手机遗失"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=city).exists()
    event = events(audit_mark, verb="totp_reset", object_id=str(city.pk)).get()
    assert (event.actor_id, event.reason) == (personas.user("secadmin").pk, "手机遗失")


def test_a_second_factor_is_not_reset_without_a_reason(personas, audit_mark):
    city = personas.user("city")
    personas.client("secadmin").post(reverse("accounts:user-command", args=[city.pk, "reset-totp"]))
    assert TOTPDevice.objects.filter(user=city, confirmed=True).exists()
    assert not events(audit_mark, verb="totp_reset").exists()


def test_the_system_administrator_cannot_reset_a_second_factor(personas):
    city = personas.user("city")
    url = reverse("accounts:user-command", args=[city.pk, "reset-totp"])
    assert personas.client("sysadmin").post(url, {"reason": "手机遗失"}).status_code == 403
    assert TOTPDevice.objects.filter(user=city, confirmed=True).exists()


def test_an_employer_may_not_open_the_user_creation_page(personas):
    client = personas.client("employer")
    assert client.get(reverse("accounts:user-create")).status_code == 403
    form = new_user_form(personas.organisation("employer"), "employer")
    assert client.post(reverse("accounts:user-create"), form).status_code == 403
    assert not User.objects.filter(username="newhire").exists()


def test_a_user_with_two_memberships_switches_between_them(personas):
    from talentbase.accounts.models import Membership

    user = personas.user("association")
    evaluation_org = personas.organisation("evaluation", outsider=True)
    extra = Membership.objects.create(user=user, organisation=evaluation_org, role="evaluation")
    client = personas.client("association")
    assert client.get(reverse("core:home")).context["actor"].role == "association"
    response = client.post(reverse("accounts:switch-membership"), {"membership": extra.pk})
    assert response.status_code == 302
    actor = client.get(reverse("core:home")).context["actor"]
    assert actor.role == "evaluation" and actor.organisation_id == evaluation_org.pk
