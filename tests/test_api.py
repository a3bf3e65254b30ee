"""The API: schema, root, and the way it answers."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_documents_the_endpoints(personas):
    response = personas.client("city").get(reverse("api-schema"))
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/v1/persons/", "/api/v1/organisations/", "/api/v1/filings/{id}/transition/"):
        assert path in text, path


def test_the_api_root_lists_the_endpoints(personas):
    response = personas.client("employer").get(reverse("api-root"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "persons" in response.json()


def test_a_domain_refusal_answers_400_with_its_code(personas):
    from talentbase.orgs.models import Organisation

    organisation = Organisation.objects.filter(memberships__isnull=False).first()
    response = personas.client("city").delete(reverse("organisation-detail", args=[organisation.pk]))
    assert response.status_code == 400
    assert response.json()["code"] == "protected"


def test_the_person_api_takes_the_list_filters_but_never_an_id_number_in_the_url(personas):
    from talentbase.registry.models import Person

    client = personas.client("employer")
    worker = Person.objects.get(user=personas.user("worker"))
    response = client.get(reverse("person-list"), {"q": worker.full_name})
    assert response.status_code == 200
    assert worker.pk in {row["id"] for row in response.json()["results"]}
    refused = client.get(reverse("person-list"), {"id_number": "310101199001011234"})
    assert refused.status_code == 400 and refused.json()["code"] == "id_number_in_url"


def test_persons_are_searched_by_id_number_in_a_posted_body_and_only_in_scope(personas):
    import random

    from talentbase.registry.actions import register_person
    from talentbase.registry.identity import synthetic_ric

    number = synthetic_ric(random.Random(31), region="310115")
    person = register_person(
        actor=personas.actor("employer"), full_name="赵六", id_type="ric", id_number=number
    )
    client = personas.client("employer")
    response = client.post(reverse("person-search"), {"id_number": number}, content_type="application/json")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [person.pk]
    assert number not in response.content.decode()
    outsider = personas.client("employer", outsider=True)
    found = outsider.post(reverse("person-search"), {"id_number": number}, content_type="application/json")
    assert found.json()["results"] == []


@pytest.mark.parametrize("body", ["[]", "[1, 2]", '"abc"', "123", "null", "true", "", "{}", '{"after": "x"}'])
def test_a_person_search_without_an_object_of_filters_is_refused_with_400_and_a_chinese_reason(
    personas, body
):
    response = personas.client("employer").post(
        reverse("person-search"), body, content_type="application/json"
    )
    assert response.status_code == 400, body
    answer = response.json()
    assert answer["code"] == "invalid" and any("\u4e00" <= ch <= "\u9fff" for ch in answer["detail"]), body


def test_a_person_search_refuses_unknown_fields_and_wrong_values(personas):
    client = personas.client("employer")
    for body in ({"name": "张"}, {"district": "abc"}, {"gender": "X"}, {"q": ["a", "b"]}, {"q": 123},
                 {"after": 0}, {"district": 0}, {"level": 2**63}):  # fmt: skip
        response = client.post(reverse("person-search"), body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid", body


def test_a_person_search_by_an_id_that_names_no_record_in_scope_finds_nobody(personas):
    client = personas.client("employer")
    for body in ({"level": 999999}, {"occupation": 999999}, {"district": 2**63 - 1}):
        response = client.post(reverse("person-search"), body, content_type="application/json")
        assert response.status_code == 200, body
        assert response.json() == {"results": [], "next": None}, body


def test_the_person_search_schema_documents_its_own_request_and_answer(personas):
    schema = personas.client("city").get(reverse("api-schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/persons/search/"]["post"]
    request_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    answer_ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert request_ref.endswith("/PersonSearchRequest") and answer_ref.endswith("/PersonSearchResponse")
    request_schema = schema["components"]["schemas"]["PersonSearchRequest"]
    assert {"q", "id_number", "after"} <= set(
        request_schema["properties"]
    ) and "full_name" not in request_schema["properties"]
    answer = schema["components"]["schemas"]["PersonSearchResponse"]["properties"]
    assert answer["results"]["items"]["$ref"].endswith("/Person") and answer["next"]["nullable"] is True
