"""Education and apprenticeships on the person page: what eligibility counts (DOMAIN.md §7)."""

import pytest
from django.urls import reverse

from talentbase.catalog.models import Occupation
from talentbase.core.models import AuditEvent
from talentbase.registry.models import EducationRecord, Person

pytestmark = pytest.mark.django_db


def test_an_employer_records_a_school_in_the_trade_shown_on_the_person_page(personas):
    person = Person.objects.get(user=personas.user("worker"))
    trade = Occupation.objects.get(code="4-09-10-01")
    response = personas.client("employer").post(
        reverse("registry:education-add", args=[person.pk]),
        {"school_type": "technical", "school": "上海市城市建设工程学校", "major": "园林技术", "trade": trade.pk,
         "completed_on": "2014-07-01", "certificate_number": "1234567"},
    )  # fmt: skip
    assert response.status_code == 302
    record = EducationRecord.objects.get(person=person)
    assert (record.school_type, record.trade, str(record.completed_on)) == ("technical", trade, "2014-07-01")
    assert AuditEvent.objects.filter(object_type="registry.educationrecord", object_id=str(record.pk)).exists()
    page = personas.client("worker").get(reverse("registry:my-record")).content.decode()
    assert "上海市城市建设工程学校" in page and "技工学校或经评估的中等职业学校" in page


def test_a_date_in_the_future_or_before_birth_is_refused_and_an_outsider_gets_404(personas):
    person = Person.objects.get(user=personas.user("worker"))
    url = reverse("registry:education-add", args=[person.pk])
    client = personas.client("employer")
    client.post(url, {"school_type": "college", "school": "某大学", "completed_on": "2999-07-01"})
    before_birth = person.birth_date.replace(year=person.birth_date.year - 1).isoformat()
    client.post(url, {"school_type": "college", "school": "某大学", "completed_on": before_birth})
    assert not EducationRecord.objects.filter(person=person).exists()
    outsider = personas.client("employer", outsider=True).post(
        url, {"school_type": "college", "school": "某大学", "completed_on": "2010-07-01"}
    )
    assert outsider.status_code == 404
    assert personas.client("hr").post(
        url, {"school_type": "college", "school": "某大学", "completed_on": "2010-07-01"}
    ).status_code == 403
