"""The pages and API of certificate records, appointments, levels and reports: what each button does on the
server, for the roles that may and may not press it."""

import datetime

import pytest
from django.urls import reverse

from talentbase.core.imports.models import ImportBatch
from talentbase.core.tests.imports_support import import_settings, write_xlsx  # noqa: F401
from talentbase.legacy_certificates import actions
from talentbase.legacy_certificates.models import (
    CertificateRecord,
    CertificateReport,
    Confirmation,
    RecordStatus,
)
from talentbase.registry import protection
from talentbase.registry.models import LevelEntry

from . import support

pytestmark = pytest.mark.django_db
D = datetime.date


def test_hr_records_a_certificate_by_id_number_on_the_page(personas):
    person = support.worker_person(personas)
    client = personas.client("hr")
    form = {"id_type": "ric", "id_number": protection.reveal_id_number(person), "kind": "skill_level",
            "number": "S000031000123204000042", "occupation": support.occupation().pk,
            "level": support.level("level4").pk, "issued_on": "2020-08-01", "issuer_name": "某评价中心"}  # fmt: skip
    response = client.post(reverse("credentials:record-create"), form)
    record = CertificateRecord.objects.get(number="S000031000123204000042")
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    assert record.confirmation == Confirmation.CONFIRMED
    # The same number again: the form shows the reason on the number field.
    again = client.post(reverse("credentials:record-create"), form)
    assert again.status_code == 400 and "该证书编号已登记" in again.content.decode()
    wrong_year = client.post(
        reverse("credentials:record-create"), {**form, "number": "S000031000123214000043"}
    )
    assert "年份“21”与发证日期 2020-08-01 不符" in wrong_year.content.decode()
    unknown = client.post(reverse("credentials:record-create"), {**form, "id_number": "11010519491231002X"})
    assert "尚未登记" in unknown.content.decode()


def test_record_buttons_confirm_replace_and_revoke(personas):
    record = support.record(personas, role="employer")
    page = personas.client("employer").get(record.get_absolute_url()).content.decode()
    assert 'data-action="confirm"' not in page  # an employer cannot confirm its own declaration
    client = personas.client("hr")
    assert 'data-action="confirm"' in client.get(record.get_absolute_url()).content.decode()
    url = reverse("credentials:record-action", args=[record.pk, "confirm"])
    assert client.post(url, {"note": "与人社系统一致"}).status_code == 302
    record.refresh_from_db()
    assert record.is_confirmed
    replace = reverse("credentials:record-action", args=[record.pk, "replace"])
    response = client.post(replace, {"number": support.skill_number(year=2023, level_number=4),
                                     "issued_on": "2023-02-01", "reason": "遗失补办"})  # fmt: skip
    new = CertificateRecord.objects.get(replaces=record)
    assert response.url == new.get_absolute_url()
    revoke = reverse("credentials:record-action", args=[new.pk, "revoke"])
    assert client.post(revoke, {"reason": "查实作假"}).status_code == 302
    new.refresh_from_db()
    assert new.status == RecordStatus.REVOKED
    assert client.post(reverse("credentials:record-action", args=[new.pk, "nothing"])).status_code == 404
    # A role that may never change records: 403; the worker's own record: refused too.
    assert personas.client("training").post(revoke, {"reason": "x"}).status_code == 403
    assert personas.client("worker").post(revoke, {"reason": "xx"}).status_code == 403


def test_a_declared_record_is_deleted_by_its_declarer_but_a_confirmed_one_never(personas):
    declared = support.record(personas, role="employer")
    client = personas.client("employer")
    assert client.post(reverse("credentials:record-delete", args=[declared.pk])).status_code == 302
    assert not CertificateRecord.objects.filter(pk=declared.pk).exists()
    assert not LevelEntry.objects.filter(source_id=declared.pk).exists()
    confirmed = support.record(personas, role="hr")
    city = personas.client("city")
    city.post(reverse("credentials:record-delete", args=[confirmed.pk]))
    assert CertificateRecord.objects.filter(pk=confirmed.pk).exists()


def test_an_employer_appoints_and_ends_an_appointment_on_the_pages(personas):
    person = support.worker_person(personas)
    client = personas.client("employer")
    assert client.get(reverse("credentials:appoint")).status_code == 200
    assert personas.client("hr").get(reverse("credentials:appoint")).status_code == 403
    response = client.post(reverse("credentials:appoint"), {
        "id_type": "ric", "id_number": protection.reveal_id_number(person), "occupation": support.occupation().pk,
        "level": support.level("principal").pk, "appointed_on": "2024-03-01", "number": "沪园聘〔2024〕1号",
    })  # fmt: skip
    record = CertificateRecord.objects.get(kind="appointment", person=person)
    assert response.url == record.get_absolute_url()
    end = reverse("credentials:record-action", args=[record.pk, "end"])
    assert client.post(end, {"on": "2025-03-01", "reason": "岗位调整"}).status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.ENDED


def test_records_api_creates_confirms_replaces_and_revokes(personas):
    person = support.worker_person(personas)
    client = personas.client("evaluation")
    body = {"id_type": "ric", "id_number": protection.reveal_id_number(person), "kind": "skill_level",
            "number": "S000031000123224000100", "occupation": support.occupation().pk,
            "level": support.level("level4").pk, "issued_on": "2022-05-05"}  # fmt: skip
    created = client.post(reverse("certificaterecord-list"), body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["confirmation"] == "confirmed" and "*" in data["holder_id_number"] and "id_number" not in data
    pk = data["id"]
    refused = client.post(reverse("certificaterecord-list"), {**body, "number": "S000031000123234000101"},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 400 and refused.json()["code"] == "certificate_number_year"
    hr = personas.client("hr")
    declared = support.record(personas, role="employer")
    confirm = hr.post(
        reverse("certificaterecord-confirm", args=[declared.pk]), {}, content_type="application/json"
    )
    assert confirm.status_code == 200 and confirm.json()["confirmation"] == "confirmed"
    replaced = client.post(reverse("certificaterecord-replace", args=[pk]),
                           {"number": "S000031000123244000102", "issued_on": "2024-01-02", "reason": "换证"},
                           content_type="application/json")  # fmt: skip
    assert replaced.status_code == 200, replaced.content
    revoked = client.post(reverse("certificaterecord-revoke", args=[replaced.json()["id"]]), {"reason": "作假"},
                          content_type="application/json")  # fmt: skip
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert personas.client("employer").post(reverse("certificaterecord-revoke", args=[pk]), {"reason": "x"},
                                            content_type="application/json").status_code in (403, 404)  # fmt: skip
    gone = support.record(personas, role="employer")
    assert (
        personas.client("employer").delete(reverse("certificaterecord-detail", args=[gone.pk])).status_code
        == 204
    )


def test_level_on_over_the_api(personas):
    person = support.worker_person(personas)
    support.record(personas, person=person, level_code="level3", issued_on=D(2020, 1, 1))
    url = reverse("levelentry-on")
    query = {"person": person.pk, "occupation": support.occupation().pk}
    answer = personas.client("employer").get(url, {**query, "date": "2020-01-01"})
    assert answer.status_code == 200 and answer.json()["level_name"] == "三级/高级工"
    assert personas.client("employer").get(url, {**query, "date": "2019-12-31"}).json()["level"] is None
    assert personas.client("employer").get(url, {**query, "date": "soon"}).status_code == 400
    outsider = support.worker_person(personas, outsider=True)
    assert (
        personas.client("employer")
        .get(url, {**query, "person": outsider.pk, "date": "2020-01-01"})
        .status_code
        == 404
    )
    assert personas.client("sysadmin").get(url, {**query, "date": "2020-01-01"}).status_code == 403


def _report(personas, **extra):
    values = {"kind": "missing", "occupation": support.occupation(), "level": support.level("level3"),
              "number": "S000031000123243000555", "issued_on": D(2024, 6, 30), "issuer_name": "外省机构",
              "photo": support.photo()}  # fmt: skip
    values.update(extra)
    return actions.report_certificate(actor=personas.actor("worker"), **values)


def test_a_report_needs_a_photo_of_a_real_picture_and_goes_to_the_employer(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from talentbase.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        _report(personas, photo=None)
    assert refused.value.code == "report_photo"
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(DomainError):
        _report(personas, photo=SimpleUploadedFile("x.png", b"<script>alert(1)</script>"))
    report = _report(personas)
    assert report.routed_to == personas.organisation("employer")
    stored = (tmp_path / report.photo_file).read_bytes()
    assert support.PNG not in stored  # encrypted at rest
    photo = personas.client("employer").get(reverse("credentials:report-photo", args=[report.pk]))
    assert photo.status_code == 200 and photo.content == support.PNG and photo["Cache-Control"] == "no-store"
    assert (
        personas.client("employer", outsider=True)
        .get(reverse("credentials:report-photo", args=[report.pk]))
        .status_code
        == 404
    )


def test_the_employer_resolves_a_report_by_recording_the_certificate(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = _report(personas)
    client = personas.client("employer")
    detail = client.get(report.get_absolute_url()).content.decode()
    assert 'data-action="resolve"' in detail and 'data-action="withdraw"' not in detail
    url = reverse("credentials:report-action", args=[report.pk, "resolve"])
    assert client.post(url, {"outcome": "", "record_certificate": "on"}).status_code == 302
    report.refresh_from_db()
    assert report.state == "open"  # no outcome: refused, nothing changed
    client.post(url, {"outcome": "已登记", "record_certificate": "on"})
    report.refresh_from_db()
    assert report.state == "resolved" and report.resulting_record.number == "S000031000123243000555"
    assert report.resulting_record.confirmation == Confirmation.DECLARED


def test_a_worker_withdraws_and_a_handler_declines_over_the_api(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = _report(personas)
    worker = personas.client("worker")
    assert worker.get(reverse("credentials:report-create")).status_code == 200
    assert worker.post(reverse("credentials:report-action", args=[first.pk, "withdraw"])).status_code == 302
    first.refresh_from_db()
    assert first.state == "withdrawn"
    second = _report(personas, number="")
    employer = personas.client("employer")
    available = employer.get(reverse("certificatereport-transitions", args=[second.pk])).json()
    assert {t["name"] for t in available} == {"resolve", "reject"}
    answer = employer.post(reverse("certificatereport-transition", args=[second.pk]),
                           {"transition": "reject", "comment": "照片不清晰，请重新拍摄"}, content_type="application/json")  # fmt: skip
    assert answer.status_code == 200 and answer.json()["to_state"] == "rejected"
    second.refresh_from_db()
    assert second.outcome == "照片不清晰，请重新拍摄"
    third = _report(personas, number="")
    page = employer.post(
        reverse("credentials:report-action", args=[third.pk, "reject"]), {"outcome": "重复报告"}
    )
    assert page.status_code == 302
    assert CertificateReport.objects.get(pk=third.pk).state == "rejected"
    assert worker.post(reverse("certificatereport-list"), {}).status_code == 405


def test_the_worker_page_and_the_person_page_show_levels_and_certificates(personas):
    person = support.worker_person(personas)
    support.record(personas, person=person, level_code="level4", issued_on=D(2019, 6, 30))
    mine = personas.client("worker").get(reverse("credentials:my-levels")).content.decode()
    assert "四级/中级工" in mine and "已核实" in mine
    assert personas.client("employer").get(reverse("credentials:my-levels")).status_code == 403
    page = personas.client("employer").get(person.get_absolute_url()).content.decode()
    assert 'data-testid="current-levels"' in page and 'data-testid="certificate-records"' in page


@pytest.mark.usefixtures("import_settings")
def test_the_certificate_import_pages(personas, django_capture_on_commit_callbacks, tmp_path):
    client = personas.client("hr")
    assert client.get(reverse("credentials:import-list")).status_code == 200
    assert client.get(reverse("credentials:import-create")).status_code == 200
    template = client.get(reverse("credentials:import-template"))
    assert template.status_code == 200 and template["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    path = write_xlsx(tmp_path / "c.xlsx", ["姓名", "证件号码", "职业名称", "等级", "证书编号", "发证日期"],
                      [["演示", protection.reveal_id_number(support.worker_person(personas)), "园林绿化工", "四级",
                        "S000031000123194000321", "2019-06-30"],
                       ["错", "1", "园林绿化工", "四级", "S000031000123194000322", "2019-06-30"]])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True), open(path, "rb") as handle:
        response = client.post(reverse("credentials:import-create"), {"file": handle, "mode": "create",
                                                                        "policy": "valid_only",
                                                                        "unknown_persons": "error"})  # fmt: skip
    batch = ImportBatch.objects.filter(kind="credentials.certificates").latest("pk")
    assert response.status_code == 302
    assert client.get(reverse("credentials:import-detail", args=[batch.pk])).status_code == 200
    assert client.get(reverse("credentials:import-progress", args=[batch.pk])).status_code == 200
    assert client.get(reverse("credentials:import-errors", args=[batch.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(
                reverse("credentials:import-commit", args=[batch.pk]), {"policy": "valid_only"}
            ).status_code
            == 302
        )
    assert CertificateRecord.objects.filter(number="S000031000123194000321").exists()
    other = ImportBatch.objects.create(kind="credentials.certificates", organisation_id=batch.organisation_id,
                                       created_by=batch.created_by, original_filename="x.xlsx", file_format="xlsx",
                                       state="previewed")  # fmt: skip
    assert client.post(reverse("credentials:import-cancel", args=[other.pk])).status_code == 302


def test_the_level_report_counts_and_lists_the_persons_in_scope(personas):
    worker, outsider = support.worker_person(personas), support.worker_person(personas, outsider=True)
    support.record(personas, person=worker, level_code="level3", issued_on=D(2018, 1, 1))
    support.record(personas, person=outsider, level_code="level4", issued_on=D(2019, 1, 1), outsider=True)
    support.record(personas, role="employer", person=worker, level_code="level2", issued_on=D(2020, 1, 1),
                   number=support.skill_number(year=2020, level_number=2))  # fmt: skip
    url = reverse("registry:level-report")
    query = {"occupation": support.occupation().pk, "on": "2021-01-01"}
    city = personas.client("city").get(url, query)
    assert city.status_code == 200
    assert [(p.pk, lv.code) for p, lv in city.context["rows"]] == sorted(
        [(worker.pk, "level3"), (outsider.pk, "level4")]
    )
    assert city.context["total"] == 2
    declared = personas.client("city").get(url, {**query, "include_declared": "on"})
    assert (worker.pk, "level2") in [(p.pk, lv.code) for p, lv in declared.context["rows"]]
    before = personas.client("city").get(url, {**query, "on": "2018-06-01"})
    assert [p.pk for p, _lv in before.context["rows"]] == [worker.pk]
    employer = personas.client("employer").get(url, query)
    assert [p.pk for p, _lv in employer.context["rows"]] == [worker.pk]  # its own employees only
    export = personas.client("employer").get(url, {**query, "export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert personas.client("worker").get(url, query).status_code == 403
    assert personas.client("training").get(url, query).status_code == 403
    assert personas.client("city").get(url).status_code == 200  # the empty form


def test_the_level_report_pages_with_a_signed_cursor(personas, monkeypatch):
    from talentbase.registry import level_views

    monkeypatch.setattr(level_views, "PAGE_SIZE", 1)
    worker, outsider = support.worker_person(personas), support.worker_person(personas, outsider=True)
    support.record(personas, person=worker, level_code="level3", issued_on=D(2018, 1, 1))
    support.record(personas, person=outsider, level_code="level4", issued_on=D(2019, 1, 1), outsider=True)
    url = reverse("registry:level-report")
    query = {"occupation": support.occupation().pk, "on": "2021-01-01"}
    first = personas.client("city").get(url, query)
    second = personas.client("city").get(url, {**query, "after": first.context["next_cursor"]})
    pages = [p.pk for p, _lv in first.context["rows"]] + [p.pk for p, _lv in second.context["rows"]]
    assert pages == sorted([worker.pk, outsider.pk]) and not second.context["next_cursor"]
    forged = personas.client("city").get(url, {**query, "after": "1"})
    assert [p.pk for p, _lv in forged.context["rows"]] == pages[:1]  # a forged cursor starts again


def test_the_person_list_filters_by_confirmed_level(personas):
    worker, outsider = support.worker_person(personas), support.worker_person(personas, outsider=True)
    support.record(personas, person=worker, level_code="level3", issued_on=D(2018, 1, 1))
    support.record(personas, person=outsider, level_code="level5", issued_on=D(2019, 1, 1), outsider=True)
    support.record(personas, role="employer", person=worker, level_code="level1", issued_on=D(2020, 1, 1),
                   number=support.skill_number(year=2020, level_number=1))  # fmt: skip
    client = personas.client("city")

    def listed(**filters):
        response = client.get(reverse("registry:person-list"), filters)
        return {obj.pk for obj, _cells in response.context["rows"]}

    high = support.level("level3").pk
    assert listed(level=high) == {worker.pk}
    assert listed(level=support.level("level5").pk) >= {worker.pk, outsider.pk}
    assert listed(level=support.level("level2").pk) == set()  # the 一级 is only declared
    assert listed(level=high, occupation=support.occupation("5-02-03-01").pk) == set()


def test_the_city_bureau_edits_a_number_format_and_its_rules_hold_over_the_api(personas):
    from talentbase.catalog.models import CertificateNumberFormat

    fmt = CertificateNumberFormat.objects.get(code="qualification_sh13")
    url = reverse("certificatenumberformat-detail", args=[fmt.pk])
    client = personas.client("city")
    broken = client.patch(url, {"pattern": r"(\d{13}"}, content_type="application/json")
    assert broken.status_code == 400 and "pattern" in broken.json()
    unknown = client.patch(url, {"pattern": r"(?P<month>\d{2})\d{11}"}, content_type="application/json")
    assert unknown.status_code == 400 and "month" in str(unknown.json())
    mismatch = client.patch(url, {"example": "ABC"}, content_type="application/json")
    assert mismatch.status_code == 400 and "example" in mismatch.json()
    fmt.refresh_from_db()
    assert fmt.pattern == r"\d{13}" and fmt.example == "0312345678901"  # nothing changed by a refusal
    assert client.patch(url, {"description": "13 位数字"}, content_type="application/json").status_code == 200


def test_an_institution_names_a_new_holder_by_id_number_and_then_sees_that_holder_only(personas):
    """谁发证、谁负责: the institution needs no right to browse the registry; the record it issued is what lets
    it see the holder (the scope credentials contributes to Person)."""
    person = support.worker_person(personas)
    institution = personas.client("evaluation")
    assert institution.get(person.get_absolute_url()).status_code == 404
    assert person.pk not in {row["id"] for row in institution.get(reverse("person-list")).json()["results"]}
    body = {"id_type": "ric", "id_number": protection.reveal_id_number(person), "kind": "skill_level",
            "number": "S000031000123224000300", "occupation": support.occupation().pk,
            "level": support.level("level4").pk, "issued_on": "2022-05-05"}  # fmt: skip
    assert (
        institution.post(reverse("certificaterecord-list"), body, content_type="application/json").status_code
        == 201
    )
    assert institution.get(person.get_absolute_url()).status_code == 200
    assert {row["id"] for row in institution.get(reverse("person-list")).json()["results"]} == {person.pk}
    # Another institution still sees nothing of that person; nor does the holder's page show the employment.
    assert personas.client("evaluation", outsider=True).get(person.get_absolute_url()).status_code == 404
    shown = {part["section"].key for part in institution.get(person.get_absolute_url()).context["sections"]}
    # The records it issued, and (the certificates app) those the platform issued in its name.
    assert shown == {"certificates", "platform-certificates"}


def test_an_employer_cannot_reach_a_stranger_by_naming_an_id_number(personas):
    stranger = support.worker_person(personas, outsider=True)
    from django.http import Http404

    from talentbase.core.errors import DomainError

    with pytest.raises(Http404):
        support.record(personas, role="employer", person=stranger)
    with pytest.raises(DomainError) as unknown:
        actions.record_certificate(actor=personas.actor("evaluation"), id_type="ric", id_number="11010519491231002X",
                                   kind="skill_level", number="S000031000123224000301", occupation=support.occupation(),
                                   level=support.level("level4"), issued_on=D(2022, 5, 5))  # fmt: skip
    assert unknown.value.code == "person_missing" and unknown.value.field == "id_number"


def test_a_reviewer_corrects_a_reported_number_that_fails_the_check_and_keeps_the_outcome(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # A report whose number fails the check (year 23 on a certificate of 2024): reports are checked when filed
    # now, so this one stands for a report filed before that check.
    report = _report(personas, number="S000031000123243000556")
    type(report).objects.filter(pk=report.pk).update(number="S000031000123233000556")
    report.refresh_from_db()
    client = personas.client("employer")
    url = reverse("credentials:report-action", args=[report.pk, "resolve"])
    refused = client.post(url, {"outcome": "已核对照片后登记", "record_certificate": "on"})
    assert refused.status_code == 400
    form = refused.context["form"]
    assert "number" in form.errors and form["outcome"].value() == "已核对照片后登记"
    assert form["number"].value() == "S000031000123233000556"  # the input kept, to be corrected
    report.refresh_from_db()
    assert report.state == "open"
    done = client.post(url, {"outcome": "已核对照片后登记", "record_certificate": "on",
                             "number": "S000031000123243000556"})  # fmt: skip
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.state == "resolved" and report.resulting_record.number == "S000031000123243000556"
    # Another employer: 404; a role that never handles reports: 403.
    other = personas.client("employer", outsider=True)
    assert other.post(url, {"outcome": "x", "number": "S000031000123243000557"}).status_code == 404
    # The record links its holder and the report it came from, with the report's photo.
    page = client.get(report.resulting_record.get_absolute_url()).content.decode()
    assert report.person.get_absolute_url() in page
    assert report.get_absolute_url() in page
    assert reverse("credentials:report-photo", args=[report.pk]) in page
    # A reader who sees the record but not the report (the institution the text names is none): no dead link.
    hr_page = personas.client("hr").get(report.resulting_record.get_absolute_url()).content.decode()
    assert report.person.get_absolute_url() in hr_page
