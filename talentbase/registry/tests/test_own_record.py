"""A worker's own record: the phone they correct themselves (audited, stored encrypted and hashed again), and
an account not linked to a person yet, which is told so instead of a 404."""

import pytest
from django.db.models import Max
from django.urls import reverse

from talentbase.core.models import AuditEvent
from talentbase.registry import protection
from talentbase.registry.models import Person
from talentbase.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_worker_corrects_their_phone_audited_and_stored_hashed(personas):
    worker = personas.user("worker")
    mark = AuditEvent.objects.aggregate(seq=Max("seq"))["seq"] or 0
    client = personas.client("worker")
    assert client.get(reverse("registry:my-phone")).status_code == 200
    assert 'data-testid="correct-phone"' in client.get(reverse("registry:my-record")).content.decode()
    response = client.post(reverse("registry:my-phone"), {"phone": "139 0000 1234"})
    assert response.status_code == 302 and response.url == reverse("registry:my-record")
    person = Person.objects.get(user=worker)
    assert person.phone_hash == protection.phone_hash("13900001234")
    assert person.phone_masked == "139****1234"
    assert protection.reveal_phone(person) == "13900001234"
    event = AuditEvent.objects.get(seq__gt=mark, verb="update", object_id=str(person.pk))
    assert "13900001234" not in str(event.changes) + event.reason


def test_a_wrong_phone_is_refused_next_to_the_field(personas):
    response = personas.client("worker").post(reverse("registry:my-phone"), {"phone": "12345"})
    assert response.status_code == 400
    assert "手机号码应为 11 位数字" in response.content.decode()


def test_a_phone_that_another_person_holds_is_kept_with_a_warning_that_it_cannot_sign_in(personas):
    PersonFactory(full_name="同号人", phone="13900004321")
    response = personas.client("worker").post(
        reverse("registry:my-phone"), {"phone": "13900004321"}, follow=True
    )
    assert "不能用于登录" in response.content.decode()


@pytest.mark.parametrize("role", ["employer", "city", "district"])
def test_only_a_worker_corrects_their_own_phone_here(personas, role):
    assert (
        personas.client(role).post(reverse("registry:my-phone"), {"phone": "13900001234"}).status_code == 403
    )


def test_an_account_without_a_person_is_told_so_instead_of_a_404(personas):
    Person.objects.filter(user=personas.user("worker")).update(user=None)
    client = personas.client("worker")
    for name in ("registry:my-record", "registry:my-phone", "credentials:my-levels"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    assert "尚未关联人员信息" in client.get(reverse("registry:my-record")).content.decode()
