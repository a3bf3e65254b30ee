"""Employment that can change (issue 14, item 3): the employer records a departure (date, reason) and
corrects an entry, on the person page and in the API, audited and scoped; the current employer follows."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse

from talentbase.catalog.models import Occupation, WorkType
from talentbase.core.models import AuditEvent
from talentbase.registry.identity import today_in_china
from talentbase.registry.models import Employment, Person
from talentbase.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2020, 1, 1)


@pytest.fixture
def worker(personas):
    return PersonFactory(employer=personas.organisation("employer"), start_date=START)


def job_of(person) -> Employment:
    return Employment.objects.get(person=person)


def employed_by(organisation):
    return Person.objects.filter(employments__employer=organisation, employments__end_date__isnull=True)


def test_the_employer_records_a_departure_and_the_worker_is_no_longer_its_current_employee(personas, worker):
    employer = personas.organisation("employer")
    client = personas.client("employer")
    page = client.get(reverse("registry:person-detail", args=[worker.pk])).content.decode()
    assert 'data-testid="employment-depart"' in page
    url = reverse("registry:employment-depart", args=[job_of(worker).pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"end_date": "2024-06-30", "reason": "resigned", "note": ""})
    assert response.status_code == 302
    job = job_of(worker)
    assert (job.end_date, job.end_reason) == (datetime.date(2024, 6, 30), "resigned")
    assert worker not in employed_by(employer)
    event = AuditEvent.objects.get(verb="depart", object_id=str(job.pk))
    changes = event.changes if isinstance(event.changes, dict) else json.loads(event.changes)
    assert "end_date" in changes and "end_reason" in changes
    # Once left, the former employer may still read the record but no longer change it.
    assert client.get(reverse("registry:person-detail", args=[worker.pk])).status_code == 200


def test_a_departure_before_the_start_or_without_a_reason_is_refused_next_to_the_field(personas, worker):
    client = personas.client("employer")
    url = reverse("registry:employment-depart", args=[job_of(worker).pk])
    response = client.post(url, {"end_date": "2019-12-31", "reason": "resigned"})
    assert response.status_code == 400 and "离职日期不能早于入职日期" in response.content.decode()
    response = client.post(url, {"end_date": "2024-06-30", "reason": "other", "note": ""})
    assert response.status_code == 400 and "请填写说明" in response.content.decode()
    future = (today_in_china() + datetime.timedelta(days=3)).isoformat()
    response = client.post(url, {"end_date": future, "reason": "resigned"})
    assert response.status_code == 400
    assert job_of(worker).end_date is None


def test_the_employer_corrects_an_entry_and_the_change_is_audited(personas, worker):
    occupation = Occupation.objects.get(code="4-09-10-01")
    work_type = WorkType.objects.create(occupation=occupation, name="花卉园艺工")
    client = personas.client("employer")
    url = reverse("registry:employment-edit", args=[job_of(worker).pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"start_date": "2019-05-01", "occupation": occupation.pk, "work_type": work_type.pk,
                                 "position": "养护工", "end_date": ""})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    job = job_of(worker)
    assert (job.start_date, job.occupation, job.work_type) == (
        datetime.date(2019, 5, 1),
        occupation,
        work_type,
    )
    event = AuditEvent.objects.filter(object_id=str(job.pk), verb="update").latest("pk")
    changes = event.changes if isinstance(event.changes, dict) else json.loads(event.changes)
    assert {"start_date", "occupation_id", "work_type_id"} <= set(changes)


def test_a_work_type_of_another_occupation_is_refused(personas, worker):
    other = WorkType.objects.create(occupation=Occupation.objects.get(code="5-02-03-01"), name="苗圃工")
    response = personas.client("employer").post(
        reverse("registry:employment-edit", args=[job_of(worker).pk]),
        {"start_date": "2020-01-01", "occupation": Occupation.objects.get(code="4-09-10-01").pk,
         "work_type": other.pk},
    )  # fmt: skip
    assert response.status_code == 400 and "工种须属于所选职业" in response.content.decode()


def test_another_employer_gets_404_and_a_district_403(personas, worker):
    for name in ("registry:employment-depart", "registry:employment-edit"):
        url = reverse(name, args=[job_of(worker).pk])
        assert personas.client("employer", outsider=True).get(url).status_code == 404
        assert (
            personas.client("employer", outsider=True)
            .post(url, {"end_date": "2024-01-01", "reason": "resigned"})
            .status_code
            == 404
        )
        assert personas.client("district").get(url).status_code == 403
    assert job_of(worker).end_date is None


def test_the_city_may_record_a_departure(personas, worker):
    url = reverse("registry:employment-depart", args=[job_of(worker).pk])
    assert (
        personas.client("city").post(url, {"end_date": "2024-01-01", "reason": "retired"}).status_code == 302
    )
    assert job_of(worker).end_reason == "retired"


def test_the_api_records_a_departure_and_a_correction_in_scope_only(personas, worker):
    job = job_of(worker)
    base = f"/api/v1/employments/{job.pk}"
    outsider = personas.client("employer", outsider=True)
    assert outsider.post(f"{base}/depart/", {"end_date": "2024-01-01", "reason": "resigned"},
                         content_type="application/json").status_code == 404  # fmt: skip
    assert personas.client("district").post(f"{base}/depart/", {"end_date": "2024-01-01", "reason": "resigned"},
                                            content_type="application/json").status_code == 403  # fmt: skip
    client = personas.client("employer")
    bad = client.post(f"{base}/depart/", {"end_date": "2019-01-01", "reason": "resigned"},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["code"] == "dates"
    response = client.post(f"{base}/correct/", {"start_date": "2019-03-01", "position": "班组长"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["start_date"] == "2019-03-01"
    response = client.post(f"{base}/depart/", {"end_date": "2024-01-01", "reason": "contract_ended"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    assert response.json()["end_reason"] == "contract_ended"
    assert worker not in employed_by(personas.organisation("employer"))
    refused = client.post("/api/v1/employments/", {}, content_type="application/json")
    assert refused.status_code == 405 and refused["Allow"] == "GET, HEAD, OPTIONS"  # as the schema says


def test_the_registration_form_records_the_occupation_and_work_type(personas):
    from talentbase.registry.tests.test_persons import new_number, register_through_page

    occupation = Occupation.objects.get(code="4-09-10-01")
    work_type = WorkType.objects.create(occupation=occupation, name="花卉园艺工")
    client = personas.client("employer")
    assert "工种" in client.get(reverse("registry:person-create")).content.decode()
    response = register_through_page(client, new_number(31), occupation=occupation.pk, work_type=work_type.pk)
    assert response.status_code == 302
    job = Employment.objects.latest("pk")
    assert (job.occupation, job.work_type) == (occupation, work_type)
