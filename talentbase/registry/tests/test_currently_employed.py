"""Person.currently_employed, the flag the city's 在职/离职 filter reads, follows every writer of employments:
the actions one by one, the bulk writers, a merge, a deletion; a person saved from a stale copy keeps it."""

import datetime

import pytest

from talentbase.registry import actions, bulk
from talentbase.registry.models import Employment, Person
from talentbase.registry.tests.test_search import People

pytestmark = pytest.mark.django_db


def truth(person) -> bool:
    return Employment.objects.filter(person=person, end_date__isnull=True).exists()


def flag(person) -> bool:
    return Person.objects.values_list("currently_employed", flat=True).get(pk=person.pk)


@pytest.fixture
def people(personas):
    return People(personas)


def test_registration_with_an_employer_marks_employed_and_a_departure_clears_it(people):
    assert flag(people.zhang_san) is True
    employment = people.zhang_san.employments.get()
    actions.record_departure(actor=people.city, employment=employment, end_date=people.today, reason="resigned")
    assert flag(people.zhang_san) is False
    actions.correct_employment(actor=people.city, employment=employment, start_date=employment.start_date)
    assert flag(people.zhang_san) is True  # the end date cleared: current again


def test_a_person_ended_everywhere_is_not_employed_until_a_new_job(people):
    assert flag(people.former) is False
    actions.add_employment(actor=people.city, person=people.former, employer=people.employer,
                           start_date=people.today)  # fmt: skip
    assert flag(people.former) is True


def test_deleting_the_open_employment_clears_the_flag(people):
    people.zhang_san.employments.get().delete()
    assert flag(people.zhang_san) is False


def test_a_stale_copy_saved_does_not_write_back_the_flag(people):
    stale = Person.objects.get(pk=people.former.pk)
    actions.add_employment(actor=people.city, person=people.former, employer=people.employer,
                           start_date=people.today)  # fmt: skip
    actions.update_person(actor=people.city, person=stale, full_name="王五", status="active")
    stale.save()
    assert flag(people.former) is True


def test_the_bulk_writers_keep_the_flag(people):
    ids = bulk.register_persons_bulk(actor=people.city, rows=[
        {"full_name": "甲", "id_type": "passport", "id_number_encrypted": "x", "id_number_hash": "h1",
         "id_number_masked": "E1****", "birth_date": None, "gender": ""},
    ], employer_id=people.employer.pk)  # fmt: skip
    unemployed = bulk.register_persons_bulk(actor=people.city, rows=[
        {"full_name": "乙", "id_type": "passport", "id_number_encrypted": "y", "id_number_hash": "h2",
         "id_number_masked": "E2****", "birth_date": None, "gender": ""},
    ])  # fmt: skip
    assert Person.objects.get(pk=ids[0]).currently_employed is True
    assert Person.objects.get(pk=unemployed[0]).currently_employed is False
    bulk.add_employments_bulk(actor=people.city, rows=[
        {"person_id": unemployed[0], "employer_id": people.employer.pk, "start_date": "2020-01-01",
         "end_date": "2021-01-01"},
    ])  # fmt: skip
    assert Person.objects.get(pk=unemployed[0]).currently_employed is False
    bulk.add_employments_bulk(actor=people.city, rows=[
        {"person_id": unemployed[0], "employer_id": people.employer.pk, "start_date": "2022-01-01"},
    ])  # fmt: skip
    assert Person.objects.get(pk=unemployed[0]).currently_employed is True


def test_a_merge_gives_the_kept_person_the_duplicate_s_open_job(people):
    actions.merge_persons(actor=people.city, keep=people.former, duplicate=people.zhang_shan, reason="重复登记")
    assert flag(people.former) is True


def test_every_person_of_the_fixture_agrees_with_the_employments(people):
    end = people.today - datetime.timedelta(days=1)
    actions.end_employment(actor=people.city, employment=people.zeng.employments.get(), end_date=end)
    for person in Person.objects.all():
        assert flag(person) is truth(person), person.full_name
