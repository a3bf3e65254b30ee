"""Exchange with the HR system: the tables in its layout (columns as data, full ID numbers, audited), the
upload that closes registration, and the numbers imported back with every conflict caught in the preview."""

import csv
import dataclasses
import datetime
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from talentbase.certificates import issuing
from talentbase.certificates.models import Certificate, CertificateStatus
from talentbase.core.errors import DomainError
from talentbase.core.imports.models import ImportRowError
from talentbase.core.models import AuditEvent
from talentbase.core.tests.imports_support import commit, import_settings, upload  # noqa: F401
from talentbase.core.workflow import perform
from talentbase.evaluation.models import Application, ExchangeLayout, Score, SessionState
from talentbase.evaluation.tests.helpers import session_for
from talentbase.orgs.models import EvaluationFiling
from talentbase.registry.identity import today_in_china
from talentbase.registry.models import Person
from talentbase.registry.protection import reveal_id_number

pytestmark = pytest.mark.django_db
D = datetime.date


def candidates(session, count, *, state="accepted", scores=None):
    apps = []
    for n, person in enumerate(Person.objects.filter(user__isnull=True).order_by("pk")[:count], start=1):
        app = Application.objects.create(session=session, person=person, channel="employer", state=state,
                                         applied_on=D(2026, 11, 1), ticket=f"2027{session.pk:06d}{n:04d}")  # fmt: skip
        for part, value in (scores[n - 1] if scores else {}).items():
            Score.objects.create(application=app, part=part, value=value)
        apps.append(app)
    return apps


def sheet(response):
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


def test_the_candidate_table_in_the_hr_layout_with_full_id_numbers_audited(personas):
    session = session_for(personas.organisation("evaluation"), state="registration")
    (first,) = candidates(session, 1)
    client = personas.client("evaluation")
    response = client.get(reverse("evaluation:hr-export", args=[session.pk, "candidates"]))
    assert response.status_code == 200
    rows = sheet(response)
    assert rows[0][:3] == ["姓名", "证件类型", "证件号码"] and rows[1][2] == reveal_id_number(first.person)
    assert AuditEvent.objects.filter(verb="hr_export", object_id=str(session.pk)).exists()
    # An employer sees the open session but never its HR tables.
    assert personas.client("employer").get(reverse("evaluation:hr-export", args=[session.pk, "candidates"])).status_code == 403
    layout = ExchangeLayout.objects.get(kind="candidates")
    edited = personas.client("city").post(reverse("evaluation:layout-edit", args=[layout.pk]),
                                          {"columns_text": "准考证号,ticket\n身份证号,id_number", "needs_review": "on"})  # fmt: skip
    assert edited.status_code == 302
    again = sheet(client.get(reverse("evaluation:hr-export", args=[session.pk, "candidates"])))
    assert again[0] == ["准考证号", "身份证号"] and again[1] == [first.ticket, reveal_id_number(first.person)]
    bad = personas.client("city").post(reverse("evaluation:layout-edit", args=[layout.pk]),
                                       {"columns_text": "准考证号,nonsense"})  # fmt: skip
    assert bad.status_code == 400


def test_recording_the_upload_closes_registration(personas):
    session = session_for(personas.organisation("evaluation"), state="registration")
    institution = personas.actor("evaluation")
    with pytest.raises(DomainError):
        perform(session, "record_upload", actor=institution, data={})
    candidates(session, 2)
    perform(session, "record_upload", actor=institution, data={})
    session.refresh_from_db()
    assert session.state == SessionState.EXAMINING and session.uploaded_at is not None


def test_numbers_imported_back_with_every_conflict_caught_first(personas, import_settings, tmp_path,  # noqa: F811
                                                                django_capture_on_commit_callbacks):
    session = session_for(personas.organisation("evaluation"), state="issuing")
    EvaluationFiling.objects.filter(pk=session.filing_id).update(numbering="hr_system")
    passed = {"theory": 80, "practical": 80}
    one, two, three, failed = candidates(session, 4, scores=[passed, passed, passed, {"theory": 40, "practical": 40}])
    issuing.issue_certificates(actor=dataclasses.replace(personas.actor("evaluation"), second_factor=True),
                               session=session)  # fmt: skip
    yy = f"{today_in_china():%y}"
    good, taken = f"S000031000999{yy}4000001", f"S000031000999{yy}4000002"
    Certificate.objects.filter(application=three).update(number=taken, status=CertificateStatus.VALID)
    path = tmp_path / "编号.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["准考证号", "证件号码", "证书编号"])
        writer.writerows([
            [one.ticket, reveal_id_number(one.person), good],
            [two.ticket, "", taken],                              # taken by another certificate
            [two.ticket, "", f"S000031000999{int(yy) - 1:02d}4000003"],  # wrong year
            ["20270000009999", "", f"S000031000999{yy}4000004"],  # unknown candidate
            [failed.ticket, "", f"S000031000999{yy}4000005"],     # failed: no certificate
            [three.ticket, "", f"S000031000999{yy}4000006"],      # numbered already
            [two.ticket, reveal_id_number(one.person), f"S000031000999{yy}4000007"],  # not the candidate's ID
            [two.ticket, "", good],                               # twice in the file
        ])  # fmt: skip
    actor = personas.actor("hr")
    batch = upload(django_capture_on_commit_callbacks, actor, path, kind="certificates.numbers", policy="valid_only",
                   options={"session_id": session.pk})  # fmt: skip
    errors = {e.row_number: e.message for e in ImportRowError.objects.filter(batch=batch)}
    assert set(errors) == {2, 3, 4, 5, 6, 7, 8, 9}, errors
    assert "已被使用" in errors[3] and "没有该准考证号" in errors[5] and "没有取得证书" in errors[6]
    assert "已有编号" in errors[7] and "不符" in errors[8] and "重复" in errors[9]
    assert Certificate.objects.get(application=one).status == CertificateStatus.AWAITING_NUMBER  # nothing saved yet
    client = personas.client("hr")
    for name in ("list", "create", "template"):
        assert client.get(reverse(f"certificates:number-import-{name}")).status_code == 200
    for name in ("detail", "progress", "errors"):
        assert client.get(reverse(f"certificates:number-import-{name}", args=[batch.pk])).status_code == 200
    other = type(batch).objects.create(kind="certificates.numbers", organisation_id=batch.organisation_id,
                                       created_by=batch.created_by, original_filename="x.csv", file_format="csv",
                                       state="previewed", options={"session_id": session.pk})  # fmt: skip
    assert client.post(reverse("certificates:number-import-cancel", args=[other.pk])).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        # Row 2 (the first with the good number) was caught as the first of a duplicate: fix the file instead.
        assert client.post(reverse("certificates:number-import-commit", args=[batch.pk]),
                           {"policy": "valid_only"}).status_code == 302  # fmt: skip

    assert Certificate.objects.get(application=one).status == CertificateStatus.AWAITING_NUMBER
    fixed = tmp_path / "编号（更正）.csv"
    with open(fixed, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["准考证号", "证书编号"], [one.ticket, good]])
    again = upload(django_capture_on_commit_callbacks, actor, fixed, kind="certificates.numbers", policy="all",
                   options={"session_id": session.pk})  # fmt: skip
    commit(django_capture_on_commit_callbacks, actor, again)
    certificate = Certificate.objects.get(application=one)
    assert (certificate.status, certificate.number) == (CertificateStatus.VALID, good)
