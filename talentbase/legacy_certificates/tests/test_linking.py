"""Certificates that link up: the issuer or evaluator typed on the page, through the API, by the import or by
the demo is linked to the organisation of that name, so that the institution sees what it issued."""

import datetime

import pytest
from django.urls import reverse

from talentbase.legacy_certificates import actions
from talentbase.legacy_certificates.models import CertificateRecord
from talentbase.orgs.queries import organisation_named
from talentbase.registry import protection

from . import support

pytestmark = pytest.mark.django_db


def _form(person, number, **extra):
    return {"id_type": "ric", "id_number": protection.reveal_id_number(person), "kind": "skill_level",
            "number": number, "occupation": support.occupation().pk, "level": support.level("level4").pk,
            "issued_on": "2020-08-01", **extra}  # fmt: skip


def test_a_typed_name_short_name_or_credit_code_names_the_organisation_and_an_outside_body_none(personas):
    institution = personas.organisation("evaluation")
    assert organisation_named(f" {institution.name} ") == institution.pk
    assert organisation_named(institution.name.replace("（", "(").replace("）", ")")) == institution.pk
    if institution.credit_code:
        assert organisation_named(institution.credit_code.lower()) == institution.pk
    assert organisation_named("外省某鉴定站") is None
    assert organisation_named("") is None


def test_hr_typing_the_institution_on_the_page_links_it_and_the_institution_sees_the_record(personas):
    person = support.worker_person(personas)
    institution = personas.organisation("evaluation")
    response = personas.client("hr").post(
        reverse("credentials:record-create"),
        _form(person, "S000031000123204000061", issuer_name=institution.name, evaluator_name="外省某鉴定站"),
    )
    assert response.status_code == 302
    record = CertificateRecord.objects.get(number="S000031000123204000061")
    assert record.issuer_id == institution.pk and record.issuer_name == institution.name
    assert record.evaluator_id is None and record.evaluator_name == "外省某鉴定站"  # typed text stays
    listed = personas.client("evaluation").get(reverse("credentials:record-list")).content.decode()
    assert "S000031000123204000061" in listed
    assert personas.client("evaluation").get(record.get_absolute_url()).status_code == 200
    # The other institution: not in its list, 404 on the page.
    outsider = personas.client("evaluation", outsider=True)
    assert "S000031000123204000061" not in outsider.get(reverse("credentials:record-list")).content.decode()
    assert outsider.get(record.get_absolute_url()).status_code == 404


def test_the_api_links_the_typed_evaluator(personas):
    person = support.worker_person(personas)
    institution = personas.organisation("evaluation")
    created = personas.client("hr").post(
        reverse("certificaterecord-list"),
        _form(
            person,
            "S000031000123204000062",
            issuer_name="上海市职业技能鉴定中心",
            evaluator_name=institution.name,
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    record = CertificateRecord.objects.get(pk=created.json()["id"])
    assert record.evaluator_id == institution.pk
    assert record.issuer_id == personas.organisation("hr").pk
    rows = personas.client("evaluation").get(reverse("certificaterecord-list")).json()["results"]
    assert [row["id"] for row in rows] == [record.pk]


def test_an_institution_finds_its_own_name_prefilled_and_is_the_issuer(personas):
    institution = personas.organisation("evaluation")
    client = personas.client("evaluation")
    page = client.get(reverse("credentials:record-create"))
    assert page.context["form"]["issuer_name"].value() == institution.name
    person = support.worker_person(personas)
    # Naming another body while not the evaluator: the institution records only what it issued.
    record = actions.record_certificate(
        actor=personas.actor("evaluation"), person=None, id_type="ric", id_number=protection.reveal_id_number(person),
        kind="skill_level", number="S000031000123204000063", occupation=support.occupation(),
        level=support.level("level4"), issued_on=datetime.date(2020, 8, 1), issuer_name="别的中心",
    )  # fmt: skip
    assert record.issuer_id == institution.pk and record.issuer_name == institution.name


def test_the_demo_certificates_name_the_demo_institution_and_it_sees_them(personas):
    from talentbase.demo import world

    made = world.build_worker_certificates()
    assert made
    institution = personas.organisation("evaluation")
    records = CertificateRecord.objects.filter(issuer_name=institution.name)
    assert records.count() == made and all(r.issuer_id == institution.pk for r in records)
    listed = personas.client("evaluation").get(reverse("certificaterecord-list")).json()["results"]
    assert {row["id"] for row in listed} == set(records.values_list("pk", flat=True))


def test_the_certificate_import_and_the_appointment_page_are_in_the_menu_and_speak_of_certificates(personas):
    from talentbase.core.navigation import menu_for

    hr_menu = {entry.url_name for entry in menu_for(personas.actor("hr"))}
    assert "credentials:import-list" in hr_menu and "credentials:appoint" not in hr_menu
    employer_menu = {entry.url_name for entry in menu_for(personas.actor("employer"))}
    assert {"credentials:import-list", "credentials:appoint"} <= employer_menu
    assert "credentials:import-list" not in {e.url_name for e in menu_for(personas.actor("worker"))}
    page = personas.client("hr").get(reverse("credentials:import-create"))
    html = page.content.decode()
    assert page.context["title"] == "导入证书" and "导入证书导入" not in html
    assert "手机" not in html and "证书编号" in html
    template = personas.client("hr").get(reverse("credentials:import-template"))
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(template.content)) as book:
        notes = " ".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))
    assert "手机" not in notes and "证书编号请填为文本" in notes
