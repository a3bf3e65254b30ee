"""The OpenAPI schema tells the truth (`make fuzz` checks it against a live server with schemathesis): every
operation documents the errors it answers, parameters are constrained as the code reads them, a button's body
is its form, and the server answers what the schema promises."""

import pytest
from django.urls import reverse

from talentbase.catalog.models import Occupation, Sector
from talentbase.legacy_certificates.tests import support

pytestmark = pytest.mark.django_db

ERRORS = {"400", "401", "403", "404"}


@pytest.fixture
def schema(personas):
    return personas.client("city").get(reverse("api-schema"), {"format": "json"}).json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_the_errors_it_can_answer_in_json(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        where = (method, path)
        assert {"401", "403"} <= set(responses), where
        query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if "{" in path or "cursor" in query:
            assert "404" in responses, where
        if method != "get" or query - {"cursor"}:
            assert "400" in responses, where
        for code in ERRORS & set(responses):
            assert "schema" in responses[code]["content"]["application/json"], (*where, code)


def test_the_error_answers_have_the_shapes_the_exception_handler_writes(schema):
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["detail"]
    assert set(components["DomainError"]["required"]) == {"code", "detail"}
    bad_request = schema["paths"]["/api/v1/organisations/{id}/"]["delete"]["responses"]["400"]
    refs = {item["$ref"].rsplit("/", 1)[-1] for item in bad_request["content"]["application/json"]["schema"]["anyOf"]}
    assert refs == {"DomainError", "ValidationError"}


def test_filters_by_id_are_64_bit_integers_and_text_filters_refuse_a_nul(schema):
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/employments/"]["get"]["parameters"]}
    assert parameters["employer"]["type"] == "integer"
    assert (parameters["employer"]["minimum"], parameters["employer"]["maximum"]) == (-(2**63), 2**63 - 1)
    persons = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/persons/"]["get"]["parameters"]}
    assert persons["q"]["pattern"] == "^[^\\x00]*$"
    # The ID-number filters are refused over the API (never in a URL): not parameters of the list.
    assert "id_number" not in persons and "idq" not in persons


@pytest.mark.parametrize("query", [{"employer": 0}, {"employer": 999999}, {"person": -1}])
def test_a_filter_by_an_id_that_names_no_record_answers_an_empty_list(personas, query):
    response = personas.client("employer").get(reverse("employment-list"), query)
    assert response.status_code == 200, response.content
    assert response.json()["results"] == []


@pytest.mark.parametrize(
    "query", [{"employer": "abc"}, {"employer": 2**63}, {"employer": ""}, {"is_active": "null"}, {"is_active": "1"}]
)
def test_a_malformed_filter_is_refused_with_400(personas, query):
    url = reverse("organisation-list") if "is_active" in query else reverse("employment-list")
    response = personas.client("city").get(url, query)
    assert response.status_code == 400, (query, response.content)


def test_an_empty_choice_filter_is_refused_but_leaving_it_out_lists_everything(personas):
    client = personas.client("city")
    assert client.get(reverse("certificatereport-list"), {"state": ""}).status_code == 400
    assert client.get(reverse("certificatereport-list")).status_code == 200


def test_an_id_past_64_bits_in_a_path_is_not_found(personas):
    response = personas.client("city").get(reverse("person-detail", args=[2**64]))
    assert response.status_code == 404 and response.json()["detail"]


def test_the_person_search_schema_says_what_its_serializer_refuses(schema):
    search = schema["components"]["schemas"]["PersonSearchRequest"]
    assert search["additionalProperties"] is False
    alternatives = search["anyOf"]
    assert {"required": ["q"], "properties": {"q": {"minLength": 1}}} in alternatives
    assert {"required": ["district"]} in alternatives
    assert not any(a["required"] == ["after"] for a in alternatives)
    assert search["properties"]["after"]["minLength"] == 1
    assert schema["paths"]["/api/v1/persons/search/"]["post"]["requestBody"]["required"] is True


def test_a_button_is_described_by_its_own_form(schema):
    components = schema["components"]["schemas"]
    revoke = components["CertificateRecordRevoke"]
    assert revoke["required"] == ["reason"]
    assert revoke["properties"]["on"]["format"] == "date" and revoke["properties"]["reason"]["maxLength"] == 200
    operation = schema["paths"]["/api/v1/certificate-records/{id}/revoke/"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/CertificateRecordRevoke")
    generic = components["CertificateRecordTransition"]
    assert generic["discriminator"]["propertyName"] == "transition"
    assert set(generic["discriminator"]["mapping"]) == {"confirm", "revoke", "replace", "end"}
    assert components["CertificateRecordRevokeTransition"]["properties"]["transition"]["pattern"] == "^(revoke)$"
    for name in ("ConfirmSerializer", "Reason", "Replace"):
        assert name not in components
    listed = schema["paths"]["/api/v1/certificate-records/{id}/transitions/"]["get"]
    assert listed["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert not [p for p in listed.get("parameters", []) if p["in"] == "query"]


def test_a_button_body_of_the_wrong_type_is_refused_with_400(personas):
    record = support.record(personas, role="hr")
    client = personas.client("hr")
    for body in ({"reason": "作假", "on": [None, None]}, {"reason": 123}, [], "x"):
        response = client.post(reverse("certificaterecord-revoke", args=[record.pk]), body,
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 400, (body, response.content)
    generic = client.post(reverse("certificaterecord-transition", args=[record.pk]), {"transition": ""},
                          content_type="application/json")  # fmt: skip
    assert generic.status_code == 400


def test_a_body_value_of_the_wrong_json_type_is_refused_not_coerced(personas):
    client = personas.client("city")
    sector = Sector.objects.order_by("pk").first()
    url = reverse("sector-detail", args=[sector.pk])
    for body in ({"name": 0}, {"code": True}, {"order": "3"}):
        response = client.patch(url, body, content_type="application/json")
        assert response.status_code == 400, (body, response.content)
    occupation = Occupation.objects.order_by("pk").first()
    occupation_url = reverse("occupation-detail", args=[occupation.pk])
    for body in ({"is_active": "yes"}, {"levels": {}}, {"sector": True}, {"sector": "1"}):
        response = client.patch(occupation_url, body, content_type="application/json")
        assert response.status_code == 400, (body, response.content)
    assert Sector.objects.get(pk=sector.pk).name == sector.name


def test_the_api_reads_json_bodies_only(personas):
    sector = Sector.objects.order_by("pk").first()
    response = personas.client("city").patch(
        reverse("sector-detail", args=[sector.pk]), "name=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415


def test_the_level_on_a_date_of_an_unknown_occupation_is_not_found(personas, schema):
    record = support.record(personas, role="hr")
    client = personas.client("hr")
    url = reverse("levelentry-on")
    unknown = client.get(url, {"person": record.person_id, "occupation": 999999, "date": "2020-01-31"})
    assert unknown.status_code == 404
    assert client.get(url, {"person": record.person_id, "occupation": 2**64, "date": "2020-01-31"}).status_code == 400
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/level-entries/on/"]["get"]["parameters"]}
    assert parameters["date"]["format"] == "date"


def test_reports_are_not_created_over_the_api_and_the_schema_says_so(personas, schema):
    assert "post" not in schema["paths"]["/api/v1/certificate-reports/"]
    response = personas.client("worker").post(reverse("certificatereport-list"), {}, content_type="application/json")
    assert response.status_code == 405 and "POST" not in response["Allow"]
    assert "我的证书与等级" in response.json()["detail"]
