"""Registering persons, their employment, and personal-data protection (实名制; PIPL)."""

import random

import pytest
from django.urls import reverse

from talentbase.core.models import AuditEvent
from talentbase.registry import protection
from talentbase.registry.identity import synthetic_ric
from talentbase.registry.models import Employment, Person
from tests.stores import stores_holding

pytestmark = pytest.mark.django_db


def new_number(seed=7):
    return synthetic_ric(random.Random(seed), region="310115")


def register_through_page(client, number, **extra):
    data = {"full_name": "张三", "id_type": "ric", "id_number": number, "phone": "138 1234 5678",
            "education": "college", "start_date": "2024-03-01", "position": "养护工", **extra}  # fmt: skip
    return client.post(reverse("registry:person-create"), data)


def test_an_employer_registers_its_worker_and_becomes_the_employer(personas):
    number = new_number()
    response = register_through_page(personas.client("employer"), number)
    assert response.status_code == 302
    person = Person.objects.get(id_number_hash=protection.id_number_hash("ric", number))
    assert person.gender in ("M", "F") and person.birth_date is not None
    employment = Employment.objects.get(person=person)
    assert employment.employer == personas.organisation("employer") and employment.end_date is None


def test_one_person_per_id_number_whatever_the_case_or_full_width_characters(personas):
    number = new_number(8)
    client = personas.client("employer")
    register_through_page(client, number)
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in number)
    response = register_through_page(client, f" {full_width} ")
    assert response.status_code == 400
    assert "该证件号码已登记" in response.content.decode()
    assert Person.objects.filter(id_number_hash=protection.id_number_hash("ric", number)).count() == 1


def test_a_wrong_check_digit_is_refused_with_a_clear_message_and_nothing_is_written(personas):
    number = new_number(9)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    before = Person.objects.count()
    response = register_through_page(personas.client("employer"), wrong)
    assert response.status_code == 400
    assert "校验" in response.content.decode()
    assert Person.objects.count() == before


def test_id_number_and_phone_are_never_stored_in_clear(personas):
    number = new_number(10)
    register_through_page(personas.client("employer"), number)
    person = Person.objects.get(id_number_hash=protection.id_number_hash("ric", number))
    stored = " ".join(str(v) for v in Person.objects.filter(pk=person.pk).values().first().values())
    assert number not in stored and "13812345678" not in stored
    assert person.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert protection.reveal_id_number(person) == number


def test_pages_and_the_api_show_only_masked_numbers(personas):
    number = new_number(11)
    client = personas.client("employer")
    register_through_page(client, number)
    person = Person.objects.get(id_number_hash=protection.id_number_hash("ric", number))
    for url in (reverse("registry:person-detail", args=[person.pk]), reverse("person-detail", args=[person.pk]),
                reverse("registry:person-list"), reverse("person-list")):  # fmt: skip
        content = client.get(url).content.decode()
        assert number not in content and "13812345678" not in content, url
    assert (
        person.id_number_masked
        in client.get(reverse("registry:person-detail", args=[person.pk])).content.decode()
    )


def test_revealing_the_full_number_needs_a_reason_and_is_audited(personas):
    number = new_number(12)
    client = personas.client("employer")
    register_through_page(client, number)
    person = Person.objects.get(id_number_hash=protection.id_number_hash("ric", number))
    url = reverse("registry:person-reveal", args=[person.pk])
    client.post(url, {"field": "id_number", "reason": ""})
    assert not AuditEvent.objects.filter(verb="reveal", object_id=str(person.pk)).exists()
    response = client.post(url, {"field": "id_number", "reason": "核对社保信息"}, follow=True)
    assert number in response.content.decode()
    event = AuditEvent.objects.get(verb="reveal", object_id=str(person.pk))
    assert event.reason == "核对社保信息" and event.changes == {"field": "id_number"}
    assert number not in str(event.changes) + event.object_label + event.reason
    # Shown once: the next view of the page is masked again.
    assert number not in client.get(reverse("registry:person-detail", args=[person.pk])).content.decode()


def test_a_revealed_number_is_in_the_answer_to_its_post_only_never_in_a_store(personas):
    number = new_number(13)
    client = personas.client("employer")
    register_through_page(client, number)
    person = Person.objects.get(id_number_hash=protection.id_number_hash("ric", number))
    # The redirect of before was never followed: nothing may wait in the session for a next page view.
    response = client.post(reverse("registry:person-reveal", args=[person.pk]),
                           {"field": "id_number", "reason": "核对社保信息"})  # fmt: skip
    assert response.status_code == 200 and number in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert stores_holding(number, client) == []
    detail = client.get(reverse("registry:person-detail", args=[person.pk]))
    assert number not in detail.content.decode() and "no-store" in detail["Cache-Control"]


def test_a_worker_may_not_reveal_numbers(personas):
    person = Person.objects.get(user=personas.user("worker"))
    response = personas.client("worker").post(reverse("registry:person-reveal", args=[person.pk]),
                                              {"field": "id_number", "reason": "看看"})  # fmt: skip
    assert response.status_code == 403


def test_an_employer_adds_an_earlier_employment_and_cannot_add_one_elsewhere(personas):
    person = Person.objects.get(user=personas.user("worker"))
    client = personas.client("employer")
    url = reverse("registry:employment-add", args=[person.pk])
    own = personas.organisation("employer")
    response = client.post(url, {"employer": own.pk, "start_date": "2010-01-01", "end_date": "2012-12-31"})
    assert response.status_code == 302
    assert Employment.objects.filter(person=person, start_date="2010-01-01").exists()
    other = personas.organisation("employer", outsider=True)
    client.post(url, {"employer": other.pk, "start_date": "2013-01-01"})
    assert not Employment.objects.filter(person=person, employer=other).exists()


def test_an_employer_cannot_add_employment_to_another_employers_worker(personas):
    person = Person.objects.get(user=personas.user("worker", outsider=True))
    own = personas.organisation("employer")
    response = personas.client("employer").post(
        reverse("registry:employment-add", args=[person.pk]), {"employer": own.pk, "start_date": "2020-01-01"}
    )
    assert response.status_code == 404


def test_a_person_is_found_by_pinyin_initials_and_by_exact_id_number(personas):
    number = new_number(13)
    client = personas.client("employer")
    register_through_page(client, number, full_name="曾小明")
    person = Person.objects.get(id_number_hash=protection.id_number_hash("ric", number))
    detail = f'href="{reverse("registry:person-detail", args=[person.pk])}"'
    for query in ({"q": "zxm"}, {"q": "zengxiao"}, {"q": "曾小"}, {"id_number": number.lower()}):
        assert detail in client.get(reverse("registry:person-list"), query).content.decode(), query
    assert detail not in client.get(reverse("registry:person-list"), {"q": "zhangsan"}).content.decode()


def test_the_export_is_masked_and_audited(personas):
    from python_calamine import CalamineWorkbook

    response = personas.client("employer").get(reverse("registry:person-list"), {"export": "xlsx"})
    assert response.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(__import__("io").BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    id_column = rows[0].index("证件号码")
    assert all("*" in str(row[id_column]) for row in rows[1:])
    assert AuditEvent.objects.filter(verb="export", object_type="registry.person").exists()


def test_an_id_number_searched_on_the_list_page_never_stands_in_the_url(personas):
    number = new_number(14)
    client = personas.client("employer")
    register_through_page(client, number)
    person = Person.objects.get(id_number_hash=protection.id_number_hash("ric", number))
    response = client.post(reverse("registry:person-list"), {"id_number": number.lower(), "q": ""})
    assert response.status_code == 302
    assert number not in response.url and number.lower() not in response.url and "idq=" in response.url
    page = client.get(response.url).content.decode()
    assert f'href="{reverse("registry:person-detail", args=[person.pk])}"' in page
    assert number not in page
    # A forged token finds no one.
    forged = client.get(reverse("registry:person-list"), {"idq": "v1.dev1.AAAA"}).content.decode()
    assert f'href="{reverse("registry:person-detail", args=[person.pk])}"' not in forged


def test_a_list_without_personal_filters_refuses_a_post(personas):
    assert personas.client("city").post(reverse("orgs:organisation-list"), {}).status_code == 405


def test_an_employer_records_a_title_shown_on_the_person_page(personas):
    person = Person.objects.get(user=personas.user("worker"))
    client = personas.client("employer")
    response = client.post(reverse("registry:title-add", args=[person.pk]),
                           {"name": "园林绿化助理工程师", "grade": "junior", "issued_on": "2019-07-01"})  # fmt: skip
    assert response.status_code == 302
    page = personas.client("worker").get(reverse("registry:my-record")).content.decode()
    assert "园林绿化助理工程师" in page and "初级" in page


def test_a_title_cannot_be_dated_in_the_future_or_added_by_an_outsider(personas):
    person = Person.objects.get(user=personas.user("worker"))
    personas.client("employer").post(reverse("registry:title-add", args=[person.pk]),
                                     {"name": "工程师", "grade": "intermediate", "issued_on": "2999-01-01"})  # fmt: skip
    assert not person.titles.exists()
    response = personas.client("employer", outsider=True).post(
        reverse("registry:title-add", args=[person.pk]),
        {"name": "工程师", "grade": "intermediate", "issued_on": "2019-01-01"},
    )
    assert response.status_code == 404


def test_the_city_bureau_merges_a_duplicate_record_with_a_reason(personas):
    client = personas.client("employer")
    register_through_page(client, new_number(15), full_name="王五")
    register_through_page(client, new_number(16), full_name="王五")
    keep, duplicate = Person.objects.filter(full_name="王五").order_by("pk")
    url = reverse("registry:person-merge", args=[keep.pk])
    city = personas.client("city")
    city.post(url, {"duplicate": duplicate.pk, "reason": ""})
    assert Person.objects.filter(pk=duplicate.pk).exists()
    response = city.post(url, {"duplicate": duplicate.pk, "reason": "同一人使用了两个证件登记"})
    assert response.status_code == 302
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert Employment.objects.filter(person=keep).count() == 2
    event = AuditEvent.objects.get(verb="merge", object_id=str(keep.pk))
    assert event.changes["merged_person"] == duplicate.pk and event.reason == "同一人使用了两个证件登记"


def test_only_the_city_bureau_merges_records(personas):
    person = Person.objects.get(user=personas.user("worker"))
    other = (
        Person.objects.filter(employments__employer=personas.organisation("employer"))
        .exclude(pk=person.pk)
        .first()
    )
    response = personas.client("employer").post(reverse("registry:person-merge", args=[person.pk]),
                                                {"duplicate": other.pk, "reason": "重复"})  # fmt: skip
    assert response.status_code == 403
    assert Person.objects.filter(pk=other.pk).exists()
    assert not AuditEvent.objects.filter(verb="merge").exists()


def test_an_employment_with_an_end_before_its_start_comes_back_with_the_reason_on_its_page(personas):
    person = Person.objects.get(user=personas.user("worker"))
    client = personas.client("employer")
    url = reverse("registry:employment-add", args=[person.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"employer": personas.organisation("employer").pk, "start_date": "2012-01-01",
                                 "end_date": "2011-12-31"})  # fmt: skip
    assert response.status_code == 400 and "截止日期不能早于起始日期" in response.content.decode()
    assert not Employment.objects.filter(person=person, start_date="2012-01-01").exists()
