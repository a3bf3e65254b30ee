"""Bulk import of rosters (the issue "Bulk import of rosters"; DESIGN.md §2): every format and its quirks,
the preview's row errors, all or nothing, only the valid rows, modes for registered persons, the error
report, the pages and the API, and a job killed half-way.

Files come from tests/fixtures/imports/ (written by xlsxwriter and converted by LibreOffice, see
scripts/make_import_fixtures.py); larger ones are generated here. The 10^5-row test runs only with
TALENTBASE_SLOW=1."""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from talentbase.core.errors import DomainError
from talentbase.core.imports import machinery
from talentbase.core.imports.models import ImportBatch, ImportStagedRow
from talentbase.core.models import AuditEvent
from talentbase.core.tests.imports_support import (
    FIXTURES,
    as_if_killed,
    commit,
    import_api_routes,
    import_settings,
    row_errors,
    upload,
    write_xlsx,
)
from talentbase.registry import protection
from talentbase.registry.identity import synthetic_ric
from talentbase.registry.models import Employment, Person, PersonNameKey
from talentbase.registry.search import name_prefix_condition

_fixtures = (import_settings, import_api_routes)  # imported for pytest; used through the marks below

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_settings")]

ROOT = Path(__file__).resolve().parents[3]
ROSTER_FORMATS = ["roster_mixed.xlsx", "roster_mixed_lo.xlsx", "roster_mixed.ods", "roster_mixed.csv",
                  "roster_mixed_gbk.csv", "roster_mixed.xls"]  # fmt: skip
ERROR_ROWS = {3, 4, 7, 8, 10, 11}
VALID_ROWS = {6, 9, 12}


def hashes_of(path: Path, rows: set[int]) -> list[str]:
    """The lookup hashes of the ID numbers on the given rows of an .xlsx fixture (read back as text)."""
    from talentbase.registry.identity import normalise_id_number

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    found = []
    for index, cells in enumerate(sheet.iter_rows()):
        if index + 1 in rows:
            found.append(protection.id_number_hash("ric", normalise_id_number(str(cells[2]))))
    return found


def write_roster(
    path: Path, rows: list[list[str]], headers=("姓名", "证件号码", "手机号码", "入职日期")
) -> Path:
    return write_xlsx(path, headers, rows)


def generated_rows(count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    seen, rows = set(), []
    while len(rows) < count:
        number = synthetic_ric(rng, region=rng.choice(["310104", "310105", "310106", "310107", "310110"]))
        if number in seen:
            continue
        seen.add(number)
        rows.append([f"测试{len(rows)}", number, f"139{rng.randrange(10**8):08d}", "2024-01-02"])
    return rows


# --- the preview: every format, every quirk


@pytest.mark.parametrize("name", ROSTER_FORMATS)
def test_every_format_gives_the_same_rows_and_errors(personas, django_capture_on_commit_callbacks, name):
    batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"), FIXTURES / name)
    assert batch.state == "previewed", batch.message
    assert batch.header_row == 2  # under the merged title row
    assert batch.total_rows == 9  # the empty row 5 is not a row
    errors = row_errors(batch)
    if name.endswith(".xls"):
        # calamine reads a formula's text result in an .xls as 0: the row is refused, never imported as "0".
        assert set(errors) == ERROR_ROWS | {6, 9}
        assert "公式" in errors[6][0][1]
        assert batch.valid_rows == 1
    else:
        assert set(errors) == ERROR_ROWS
        assert batch.valid_rows == 3
        assert batch.create_rows == 3


def test_duplicate_ids_inside_the_file_are_reported_on_both_rows_naming_the_other(
    personas, django_capture_on_commit_callbacks
):
    batch = upload(
        django_capture_on_commit_callbacks, personas.actor("employer"), FIXTURES / "roster_mixed.xlsx"
    )
    errors = row_errors(batch)
    # Row 7 holds row 3's number in full-width digits with spaces: the same number once normalised.
    assert ("证件号码", "与第 7 行的证件号码重复") in errors[3]
    assert ("证件号码", "与第 3 行的证件号码重复") in errors[7]


def test_wrong_checksum_number_stored_as_number_phone_and_birth_date_are_explained(
    personas, django_capture_on_commit_callbacks
):
    batch = upload(
        django_capture_on_commit_callbacks, personas.actor("employer"), FIXTURES / "roster_mixed.xlsx"
    )
    errors = row_errors(batch)
    assert errors[4][0][0] == "证件号码" and "校验位" in errors[4][0][1]
    assert errors[8][0][0] == "证件号码" and "存成了数字" in errors[8][0][1]
    assert errors[10][0][0] == "手机号码" and "11 位" in errors[10][0][1]
    assert errors[11][0][0] == "出生日期" and "不一致" in errors[11][0][1]


def test_an_id_stored_as_a_number_in_a_csv_is_explained(personas, django_capture_on_commit_callbacks):
    batch = upload(
        django_capture_on_commit_callbacks, personas.actor("employer"), FIXTURES / "roster_mixed_gbk.csv"
    )
    assert "数字" in row_errors(batch)[8][0][1]


@pytest.mark.parametrize("name", ["roster_two_level_header.xlsx", "roster_two_level_header.xls",
                                  "roster_two_level_header.ods"])  # fmt: skip
def test_a_merged_title_row_and_a_header_merged_over_two_rows_are_read(
    personas, django_capture_on_commit_callbacks, name
):
    batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"), FIXTURES / name)
    assert batch.state == "previewed", batch.message
    assert batch.header_row == 3
    assert (batch.total_rows, batch.valid_rows, batch.error_rows) == (3, 3, 0)


def test_a_file_without_the_id_column_fails_with_a_clear_message(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    path = write_roster(tmp_path / "no-id.xlsx", [["张三", "13800138000"]], headers=("姓名", "电话"))
    batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"), path)
    assert batch.state == "failed"
    assert "缺少必填列：证件号码" in batch.message


def test_an_unreadable_file_fails_with_a_clear_message(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a spreadsheet")
    batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"), path)
    assert batch.state == "failed"
    assert "无法读取" in batch.message


def test_another_file_type_is_refused_at_upload(personas, django_capture_on_commit_callbacks, tmp_path):
    path = tmp_path / "roster.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(DomainError) as refused:
        upload(django_capture_on_commit_callbacks, personas.actor("employer"), path)
    assert refused.value.field == "file"


# --- commit: all or nothing, or only the valid rows


def test_all_or_nothing_is_refused_while_any_row_is_in_error(personas, django_capture_on_commit_callbacks):
    actor = personas.actor("employer")
    batch = upload(django_capture_on_commit_callbacks, actor, FIXTURES / "roster_mixed.xlsx")
    before = Person.objects.count()
    with pytest.raises(DomainError):
        commit(django_capture_on_commit_callbacks, actor, batch, "all")
    batch.refresh_from_db()
    assert batch.state == "previewed"
    assert Person.objects.count() == before


def test_all_or_nothing_writes_nothing_when_an_error_appears_at_commit(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    """Between preview and commit someone registers one of the persons: the job finds it, writes nothing."""
    actor = personas.actor("employer")
    rows = generated_rows(50, seed=11)
    batch = upload(django_capture_on_commit_callbacks, actor, write_roster(tmp_path / "r.xlsx", rows))
    assert (batch.valid_rows, batch.error_rows) == (50, 0)
    from talentbase.registry.actions import register_person

    register_person(actor=actor, full_name="抢先", id_type="ric", id_number=rows[40][1])
    before = Person.objects.count()
    batch = commit(django_capture_on_commit_callbacks, actor, batch, "all")
    assert batch.state == "failed"
    assert Person.objects.count() == before
    assert not ImportStagedRow.objects.filter(batch=batch).exists()
    assert batch.stored_file == "" and batch.error_report  # the upload is gone, the report stays
    assert row_errors(batch)[42][0][1].startswith("该证件号码已登记")


def test_valid_only_writes_exactly_the_valid_rows(personas, django_capture_on_commit_callbacks):
    actor = personas.actor("employer")
    employer = personas.organisation("employer")
    batch = upload(
        django_capture_on_commit_callbacks, actor, FIXTURES / "roster_mixed.xlsx", policy="valid_only"
    )
    before = Person.objects.count()
    batch = commit(django_capture_on_commit_callbacks, actor, batch)
    assert batch.state == "done", batch.message
    assert batch.written_rows == 3
    assert Person.objects.count() == before + 3
    valid = hashes_of(FIXTURES / "roster_mixed.xlsx", VALID_ROWS)
    persons = Person.objects.filter(id_number_hash__in=valid)
    assert persons.count() == 3
    for person in persons:
        assert Employment.objects.filter(person=person, employer=employer, end_date__isnull=True).exists()
        assert PersonNameKey.objects.filter(person=person).exists() and person.birth_date and person.gender
    wang = persons.get(full_name="王五")  # the formula's value
    assert Person.objects.filter(
        name_prefix_condition("ww"), pk=wang.pk
    ).exists()  # its name keys are indexed
    assert protection.reveal_id_number(wang) == protection.reveal_id_number(wang).strip()
    assert Employment.objects.get(person=wang).start_date.isoformat() == "2019-07-01"
    wu = persons.get(full_name="吴十")
    assert protection.reveal_phone(wu) == "13900139001"
    assert wu.education == "bachelor"
    rejected = hashes_of(FIXTURES / "roster_mixed.xlsx", {4})
    assert not Person.objects.filter(id_number_hash__in=rejected).exists()
    assert not ImportStagedRow.objects.filter(batch=batch).exists()


def test_the_import_is_audited_once_with_counts_and_no_personal_data(
    personas, django_capture_on_commit_callbacks
):
    actor = personas.actor("employer")
    batch = upload(
        django_capture_on_commit_callbacks, actor, FIXTURES / "roster_mixed.xlsx", policy="valid_only"
    )
    commit(django_capture_on_commit_callbacks, actor, batch)
    event = AuditEvent.objects.get(verb=machinery.IMPORT_VERB, object_id=str(batch.pk))
    assert event.changes == {
        "kind": "registry.persons",
        "created": 3,
        "updated": 0,
        "skipped": 0,
        "errors": 6,
    }
    assert "王五" not in str(event.changes) and "王五" not in event.object_label


def test_reupload_after_fixing_creates_no_duplicates(personas, django_capture_on_commit_callbacks):
    actor = personas.actor("employer")
    first = upload(
        django_capture_on_commit_callbacks, actor, FIXTURES / "roster_mixed.xlsx", policy="valid_only"
    )
    commit(django_capture_on_commit_callbacks, actor, first)
    before = Person.objects.count()
    fixed = upload(django_capture_on_commit_callbacks, actor, FIXTURES / "roster_fixed.xlsx", mode="skip")
    assert (fixed.error_rows, fixed.create_rows, fixed.skip_rows) == (0, 6, 3), row_errors(fixed)
    fixed = commit(django_capture_on_commit_callbacks, actor, fixed, "all")
    assert fixed.state == "done"
    assert Person.objects.count() == before + 6
    # And once more: everything is skipped, nothing is written twice.
    again = upload(django_capture_on_commit_callbacks, actor, FIXTURES / "roster_fixed.xlsx", mode="skip")
    assert (again.create_rows, again.skip_rows) == (0, 9)
    commit(django_capture_on_commit_callbacks, actor, again, "all")
    assert Person.objects.count() == before + 6


def test_create_only_refuses_persons_already_registered(personas, django_capture_on_commit_callbacks):
    actor = personas.actor("employer")
    first = upload(django_capture_on_commit_callbacks, actor, FIXTURES / "roster_fixed.xlsx")
    commit(django_capture_on_commit_callbacks, actor, first, "all")
    again = upload(django_capture_on_commit_callbacks, actor, FIXTURES / "roster_fixed.xlsx")
    assert again.error_rows == 9
    assert all("已登记" in errors[0][1] for errors in row_errors(again).values())


def _reveal_rows(persons) -> list[list[str]]:
    return [[person.full_name, protection.reveal_id_number(person)] for person in persons]


def test_update_mode_updates_own_employees_and_refuses_others(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    actor = personas.actor("employer")
    own = Person.objects.visible_to(actor, "change").order_by("pk").first()
    other = Person.objects.exclude(pk__in=Person.objects.visible_to(actor, "change")).order_by("pk").first()
    path = write_roster(tmp_path / "update.xlsx", [
        ["改名甲", protection.reveal_id_number(own), "13600000001", ""],
        ["改名乙", protection.reveal_id_number(other), "13600000002", ""],
    ])  # fmt: skip
    batch = upload(django_capture_on_commit_callbacks, actor, path, mode="update", policy="valid_only")
    assert (batch.update_rows, batch.error_rows) == (1, 1)
    assert "不能更新" in row_errors(batch)[3][0][1]
    batch = commit(django_capture_on_commit_callbacks, actor, batch)
    assert batch.state == "done", batch.message
    own.refresh_from_db()
    assert own.full_name == "改名甲" and protection.reveal_phone(own) == "13600000001"
    assert Person.objects.filter(
        name_prefix_condition("gaimingjia"), pk=own.pk
    ).exists()  # found by the new name
    other_before = other.full_name
    other.refresh_from_db()
    assert other.full_name == other_before


def test_city_official_imports_for_a_chosen_employer(personas, django_capture_on_commit_callbacks, tmp_path):
    actor = personas.actor("city")
    employer = personas.organisation("employer", outsider=True)
    rows = generated_rows(3, seed=21)
    batch = upload(django_capture_on_commit_callbacks, actor, write_roster(tmp_path / "c.xlsx", rows),
                   options={"employer_id": employer.pk})  # fmt: skip
    batch = commit(django_capture_on_commit_callbacks, actor, batch, "all")
    assert batch.state == "done", batch.message
    created = Person.objects.filter(full_name__in=[row[0] for row in rows])
    assert created.count() == 3
    assert Employment.objects.filter(person__in=created, employer=employer).count() == 3


def test_valid_only_refuses_at_commit_a_person_registered_since_the_preview_and_writes_the_rest(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    from talentbase.registry.actions import register_person

    actor = personas.actor("employer")
    rows = generated_rows(20, seed=31)
    batch = upload(django_capture_on_commit_callbacks, actor, write_roster(tmp_path / "r.xlsx", rows),
                   policy="valid_only")  # fmt: skip
    assert (batch.valid_rows, batch.error_rows, batch.rows_staged) == (20, 0, True)
    register_person(actor=actor, full_name="抢先", id_type="ric", id_number=rows[5][1])
    before = Person.objects.count()
    batch = commit(django_capture_on_commit_callbacks, actor, batch)
    assert batch.state == "done", batch.message
    assert Person.objects.count() == before + 19
    assert (batch.written_rows, batch.error_rows, batch.valid_rows) == (19, 1, 19)
    assert row_errors(batch)[7][0][1].startswith("该证件号码已登记")
    report = read_xlsx(machinery.read_private(batch.error_report))
    assert report[1][:2] == rows[5][:2]  # the row's cells as uploaded, read again for the report


def test_skip_mode_skips_at_commit_a_person_registered_since_the_preview(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    from talentbase.registry.actions import register_person

    actor = personas.actor("employer")
    rows = generated_rows(5, seed=32)
    batch = upload(
        django_capture_on_commit_callbacks, actor, write_roster(tmp_path / "r.xlsx", rows), mode="skip"
    )
    register_person(actor=actor, full_name="抢先", id_type="ric", id_number=rows[0][1])
    batch = commit(django_capture_on_commit_callbacks, actor, batch, "all")
    assert batch.state == "done", batch.message
    assert (batch.written_rows, batch.skip_rows, batch.error_rows) == (4, 1, 0)
    event = AuditEvent.objects.get(verb=machinery.IMPORT_VERB, object_id=str(batch.pk))
    assert (event.changes["created"], event.changes["skipped"]) == (4, 1)


def test_an_update_whose_person_changed_since_the_preview_is_refused_not_applied(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    """The preview staged "update this person"; someone edits the person before the commit: the row is
    refused (the user re-uploads to see the current state), never written over the newer edit."""
    actor = personas.actor("employer")
    own = Person.objects.visible_to(actor, "change").order_by("pk")[:2]
    changed, untouched = list(own)
    path = write_roster(tmp_path / "update.xlsx", [
        ["改名甲", protection.reveal_id_number(changed), "13600000001", ""],
        ["改名乙", protection.reveal_id_number(untouched), "13600000002", ""],
    ])  # fmt: skip
    batch = upload(django_capture_on_commit_callbacks, actor, path, mode="update", policy="valid_only")
    assert batch.update_rows == 2
    Person.objects.filter(pk=changed.pk).update(education="master", updated_at=timezone.now())
    batch = commit(django_capture_on_commit_callbacks, actor, batch)
    assert batch.state == "done", batch.message
    assert (batch.written_rows, batch.update_rows, batch.error_rows) == (1, 1, 1)
    assert "预览后已被修改" in row_errors(batch)[2][0][1]
    changed.refresh_from_db()
    untouched.refresh_from_db()
    assert changed.full_name != "改名甲" and changed.education == "master"
    assert untouched.full_name == "改名乙"
    assert Person.objects.filter(name_prefix_condition("gaimingyi"), pk=untouched.pk).exists()


def test_all_or_nothing_fails_when_an_update_s_person_was_deleted_since_the_preview(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    actor = personas.actor("employer")
    person = Person.objects.visible_to(actor, "change").order_by("pk").first()
    path = write_roster(tmp_path / "u.xlsx", [["改名丙", protection.reveal_id_number(person), "", ""]])
    batch = upload(django_capture_on_commit_callbacks, actor, path, mode="update")
    Person.objects.filter(pk=person.pk).update(id_number_hash="gone")  # as if merged away
    batch = commit(django_capture_on_commit_callbacks, actor, batch, "all")
    assert batch.state == "failed" and "1 行错误" in batch.message
    assert "预览后已被修改或删除" in row_errors(batch)[2][0][1]


def test_the_preview_stages_everything_the_publication_writes(personas, django_capture_on_commit_callbacks):
    """Encrypted numbers and phones, hashes, masks and the name's search keys: no ID number in clear."""
    from talentbase.registry.search import person_name_keys

    actor = personas.actor("employer")
    batch = upload(
        django_capture_on_commit_callbacks, actor, FIXTURES / "roster_mixed.xlsx", policy="valid_only"
    )
    staged = list(ImportStagedRow.objects.filter(batch=batch).order_by("row_number"))
    assert [row.row_number for row in staged] == sorted(VALID_ROWS)
    numbers = {protection.reveal_id_number(person) for person in Person.objects.all()[:1]}
    for row in staged:
        payload = json.loads(row.payload)
        assert row.action == "create" and row.lookup == payload["id_number_hash"]
        assert payload["id_number_encrypted"].startswith("v1.") and "id_number" not in payload
        assert tuple(payload["search_keys"]) == person_name_keys(payload["full_name"])
        assert not any(number in row.payload for number in numbers)


def test_other_roles_may_not_import(personas, django_capture_on_commit_callbacks):
    from django.core.exceptions import PermissionDenied

    for role in ("hr", "district", "worker", "evaluation"):
        with pytest.raises(PermissionDenied):
            upload(django_capture_on_commit_callbacks, personas.actor(role), FIXTURES / "roster_fixed.xlsx")


def test_a_job_run_again_after_it_finished_does_nothing(personas, django_capture_on_commit_callbacks):
    actor = personas.actor("employer")
    batch = upload(django_capture_on_commit_callbacks, actor, FIXTURES / "roster_fixed.xlsx")
    commit(django_capture_on_commit_callbacks, actor, batch, "all")
    count = Person.objects.count()
    machinery.run_import(batch.pk)
    assert Person.objects.count() == count


def test_cancelling_a_previewed_batch_removes_its_file(personas, django_capture_on_commit_callbacks):
    actor = personas.actor("employer")
    batch = upload(django_capture_on_commit_callbacks, actor, FIXTURES / "roster_mixed.xlsx")
    stored = machinery.media_path(batch.stored_file)
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        machinery.cancel(actor=actor, batch=batch)
    batch.refresh_from_db()
    assert batch.state == "cancelled" and not stored.exists()
    with pytest.raises(DomainError):
        commit(django_capture_on_commit_callbacks, actor, batch, "valid_only")


# --- the error report and the template


def read_xlsx(content: bytes) -> list[list]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return [list(row) for row in sheet.iter_rows()]


def test_error_report_has_the_original_columns_and_the_reasons_and_uploads_again(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    actor = personas.actor("employer")
    batch = upload(django_capture_on_commit_callbacks, actor, FIXTURES / "roster_mixed.xlsx")
    response = personas.client("employer").get(reverse("registry:import-errors", args=[batch.pk]))
    assert response.status_code == 200
    rows = read_xlsx(response.content)
    assert rows[0][:3] == ["姓名*", "证件类型", "身份证号码（必填）"]
    assert rows[0][-2:] == ["原行号", "错误原因"]
    by_row = {int(row[-2]): row for row in rows[1:]}
    assert set(by_row) == ERROR_ROWS
    assert by_row[4][0] == "李四" and "证件号码：" in by_row[4][-1]
    assert AuditEvent.objects.filter(verb="export", object_id=str(batch.pk)).exists()
    # Uploaded again as it is, the extra columns are ignored and the same rows are refused.
    path = tmp_path / "errors.xlsx"
    path.write_bytes(response.content)
    again = upload(django_capture_on_commit_callbacks, actor, path, name="fixed.xlsx")
    assert again.state == "previewed" and again.header_row == 1
    assert again.total_rows == len(ERROR_ROWS)
    assert again.error_rows == len(ERROR_ROWS)


def test_template_has_dropdowns_text_columns_and_instructions_and_imports_when_filled(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    response = personas.client("employer").get(reverse("registry:import-template"))
    assert response.status_code == 200
    content = response.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        workbook = archive.read("xl/workbook.xml").decode()
    assert sheet.count("<dataValidation ") == 5  # 证件类型, 性别, 学历, 职业, 技能等级
    assert "填写说明" in workbook
    header = read_xlsx(content)[0]
    assert header == [
        "姓名",
        "证件类型",
        "证件号码",
        "性别",
        "出生日期",
        "手机号码",
        "学历",
        "岗位",
        "入职日期",
        "工作单位",
        "职业（工种）",
        "工种",
        "技能等级",
    ]
    number = synthetic_ric(random.Random(5), region="310104")
    path = write_roster(tmp_path / "filled.xlsx", [["模板人", "居民身份证", number, "", "", "13800138001", "大专"]],
                        headers=header)  # fmt: skip
    batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"), path)
    assert (batch.valid_rows, batch.error_rows) == (1, 0), row_errors(batch)


# --- pages


def test_the_pages_walk_from_upload_to_result(personas, django_capture_on_commit_callbacks):
    client = personas.client("employer")
    assert client.get(reverse("registry:import-list")).status_code == 200
    page = client.get(reverse("registry:import-create"))
    assert page.status_code == 200 and "下载导入模板" in page.content.decode()
    with (
        (FIXTURES / "roster_mixed.xlsx").open("rb") as handle,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("registry:import-create"), {"file": handle, "mode": "create", "policy": "all"}
        )
    assert response.status_code == 302
    batch = ImportBatch.objects.order_by("-pk").first()
    assert response.url == reverse("registry:import-detail", args=[batch.pk])
    preview = client.get(response.url).content.decode()
    assert "与第 7 行的证件号码重复" in preview
    assert re.search(r'<button[^>]* disabled [^>]*data-testid="commit-all"', preview)
    assert not re.search(r'<button[^>]* disabled [^>]*data-testid="commit-valid"', preview)
    progress = client.get(reverse("registry:import-progress", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"
    refused = client.post(reverse("registry:import-commit", args=[batch.pk]), {"policy": "all"})
    assert refused.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("registry:import-commit", args=[batch.pk]), {"policy": "valid_only"})
    assert done.status_code == 302
    result = client.get(done.url).content.decode()
    assert 'data-testid="import-result"' in result
    batch.refresh_from_db()
    assert batch.state == "done" and batch.written_rows == 3


def test_the_progress_bar_polls_while_the_job_runs(personas, django_capture_on_commit_callbacks):
    actor = personas.actor("employer")
    batch = upload(django_capture_on_commit_callbacks, actor, FIXTURES / "roster_fixed.xlsx")
    as_if_killed(batch, "committing", progress_done=3)
    client = personas.client("employer")
    page = client.get(reverse("registry:import-detail", args=[batch.pk])).content.decode()
    assert "vendor/htmx/htmx.min.js" in page
    partial = client.get(reverse("registry:import-progress", args=[batch.pk]), HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert 'hx-trigger="every 1s"' in body and 'aria-valuenow="33"' in body
    assert "HX-Refresh" not in partial


def test_cancel_page(personas, django_capture_on_commit_callbacks):
    batch = upload(
        django_capture_on_commit_callbacks, personas.actor("employer"), FIXTURES / "roster_mixed.xlsx"
    )
    client = personas.client("employer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:import-cancel", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == "cancelled"


def test_upload_page_shows_form_errors(personas):
    client = personas.client("employer")
    response = client.post(reverse("registry:import-create"), {"mode": "create", "policy": "all"})
    assert response.status_code == 400


def test_a_city_official_chooses_the_employer_on_the_upload_page(personas):
    page = personas.client("city").get(reverse("registry:import-create")).content.decode()
    assert 'name="employer"' in page
    page = personas.client("employer").get(reverse("registry:import-create")).content.decode()
    assert 'name="employer"' not in page


# --- API


@pytest.mark.usefixtures("import_api_routes")
def test_the_api_uploads_previews_commits_and_lists_errors(personas, django_capture_on_commit_callbacks):
    client = personas.client("employer")
    with (
        (FIXTURES / "roster_mixed.csv").open("rb") as handle,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("import-list"), {"file": handle, "kind": "registry.persons",
                                                        "mode": "create", "policy": "valid_only"})  # fmt: skip
    assert response.status_code == 201, response.content
    # The preview is a job: the answer may come before it ran (here: the test's transaction defers it).
    body = client.get(reverse("import-detail", args=[response.json()["id"]])).json()
    assert (body["state"], body["total_rows"], body["valid_rows"], body["error_rows"]) == (
        "previewed",
        9,
        3,
        6,
    )
    assert body["error_report"].endswith(reverse("registry:import-errors", args=[body["id"]]))
    errors = client.get(reverse("import-errors", args=[body["id"]])).json()
    assert [row["row_number"] for row in errors["results"]] == sorted(ERROR_ROWS)
    assert {"row_number": 4, "column": "证件号码"}.items() <= errors["results"][1].items()
    with django_capture_on_commit_callbacks(execute=True):
        committed = client.post(
            reverse("import-commit", args=[body["id"]]), {}, content_type="application/json"
        )
    assert committed.status_code == 202
    status = client.get(reverse("import-detail", args=[body["id"]])).json()
    assert (status["state"], status["written_rows"], status["percent"]) == ("done", 3, 100)


@pytest.mark.usefixtures("import_api_routes")
def test_the_api_refuses_all_or_nothing_with_errors_with_a_code(personas, django_capture_on_commit_callbacks):
    client = personas.client("employer")
    with (
        (FIXTURES / "roster_mixed.xlsx").open("rb") as handle,
        django_capture_on_commit_callbacks(execute=True),
    ):
        body = client.post(reverse("import-list"), {"file": handle, "kind": "registry.persons"}).json()
    response = client.post(
        reverse("import-commit", args=[body["id"]]), {"policy": "all"}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "import_has_errors"


# --- a job killed half-way (a subprocess, so the database must be one it can open)


def _subprocess_database(tmp_path, var_dir: Path) -> tuple[dict, callable]:
    """The environment for a subprocess that sees this test's database and files, and a function that
    counts in that database.

    PostgreSQL, or SQLite in a file: the test database itself. In-memory SQLite (pytest-django's default):
    a copy of it in a file, made with SQLite's backup API once the test's data is committed."""
    env = {
        **os.environ, "TALENTBASE_DEV": "1", "TALENTBASE_VAR_DIR": str(var_dir), "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "TALENTBASE_SECRET_KEY": settings.SECRET_KEY, "TALENTBASE_PII_KEYS": settings.TALENTBASE_PII_KEYS,
        "TALENTBASE_PII_HMAC_KEY": settings.TALENTBASE_PII_HMAC_KEY,
    }  # fmt: skip
    env.pop(machinery.CRASH_AFTER_ENV, None)
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
        env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{db['NAME']}"
        if db.get("PASSWORD"):
            env["PGPASSWORD"] = db["PASSWORD"]

        def count(sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchone()[0]

        return env, count
    name = str(db["NAME"])
    if connection.is_in_memory_db():
        name = str(tmp_path / "crash.sqlite3")
        connection.ensure_connection()
        target = sqlite3.connect(name)
        connection.connection.backup(target)
        target.close()
    env["DATABASE_URL"] = f"sqlite:///{name}"

    def count(sql):
        with sqlite3.connect(name) as database:
            return database.execute(sql).fetchone()[0]

    return env, count


def _run_import_process(env, batch_id) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "talentbase"), "run_import", str(batch_id)],
                          env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)  # fmt: skip


def _run_preview_process(env, batch_id) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "talentbase"), "run_import", "--preview", str(batch_id)],
                          env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_job_killed_half_way_publishes_nothing_and_completes_when_run_again(live_world, settings, tmp_path):
    """``talentbase run_import --preview`` with TALENTBASE_IMPORT_CRASH_AFTER exits like a killed worker
    (os._exit) after three committed chunks: nothing is published, the batch is still validating; run
    again, the preview resumes and stages the rest. The commit's job killed inside its publishing
    transaction (TALENTBASE_IMPORT_CRASH_IN_PUBLISH) publishes nothing either; run again it completes, and
    once more does nothing."""
    var_dir = tmp_path / "var"
    settings.MEDIA_ROOT = var_dir / "media"  # what the subprocess's settings make of TALENTBASE_VAR_DIR
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # jobs run below
    actor = live_world.actor("employer")
    path = write_roster(tmp_path / "crash.xlsx", generated_rows(10_000, seed=7))
    batch = machinery.upload(actor=actor, kind="registry.persons", uploaded_file=_file(path), mode="create")
    before = Person.objects.count()
    env, count = _subprocess_database(tmp_path, var_dir)
    staged_sql = f"SELECT COUNT(*) FROM core_importstagedrow WHERE batch_id = {batch.pk}"  # noqa: S608
    state_sql = f"SELECT state FROM core_importbatch WHERE id = {batch.pk}"  # noqa: S608
    persons_sql = "SELECT COUNT(*) FROM registry_person"

    crashed = _run_preview_process({**env, machinery.CRASH_AFTER_ENV: "5000"}, batch.pk)
    assert crashed.returncode == 137, crashed.stderr[-2000:]
    assert count(persons_sql) == before
    assert count(staged_sql) == 6000  # three committed chunks of 2000, then killed
    assert count(state_sql) == "validating"

    resumed = _run_preview_process(env, batch.pk)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert count(staged_sql) == 10_000
    assert count(state_sql) == "previewed"
    counts_sql = f"SELECT valid_rows * 100000 + error_rows FROM core_importbatch WHERE id = {batch.pk}"  # noqa: S608
    assert count(counts_sql) == 10_000 * 100_000
    # What ``commit`` does, in the database the subprocess sees (a copy of the test's on in-memory SQLite).
    commit_sql = f"UPDATE core_importbatch SET state = 'committing' WHERE id = {batch.pk} RETURNING id"  # noqa: S608
    assert count(commit_sql) == batch.pk
    killed = _run_import_process({**env, machinery.CRASH_PUBLISH_ENV: "1"}, batch.pk)
    assert killed.returncode == 137, killed.stderr[-2000:]
    assert count(persons_sql) == before
    assert count(staged_sql) == 10_000
    assert count(state_sql) == "committing"

    finished = _run_import_process(env, batch.pk)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert count(persons_sql) == before + 10_000
    assert count(staged_sql) == 0
    assert count(state_sql) == "done"

    again = _run_import_process(env, batch.pk)
    assert again.returncode == 0, again.stderr[-2000:]
    assert count(persons_sql) == before + 10_000


def _file(path: Path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(path.name, path.read_bytes())


@pytest.mark.skipif(os.environ.get("TALENTBASE_SLOW") != "1", reason="10^5 rows: set TALENTBASE_SLOW=1")
def test_a_hundred_thousand_rows_import(personas, django_capture_on_commit_callbacks, tmp_path):
    actor = personas.actor("employer")
    path = write_roster(tmp_path / "big.xlsx", generated_rows(100_000, seed=3))
    started = time.perf_counter()
    batch = upload(django_capture_on_commit_callbacks, actor, path)
    assert (batch.valid_rows, batch.error_rows) == (100_000, 0)
    before = Person.objects.count()
    batch = commit(django_capture_on_commit_callbacks, actor, batch, "all")
    assert batch.state == "done", batch.message
    assert Person.objects.count() == before + 100_000
    print(f"10^5 rows: preview and import in {time.perf_counter() - started:.1f} s")  # noqa: T201
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_stored_uploads_and_error_reports_hold_no_id_number_in_clear(
    personas, django_capture_on_commit_callbacks
):
    from python_calamine import CalamineWorkbook

    actor = personas.actor("employer")
    batch = upload(django_capture_on_commit_callbacks, actor, FIXTURES / "roster_mixed.xlsx")
    sheet = CalamineWorkbook.from_path(str(FIXTURES / "roster_mixed.xlsx")).get_sheet_by_index(0).to_python()
    numbers = {
        str(cell) for row in sheet for cell in row if len(str(cell)) == 18 and str(cell)[:17].isdigit()
    }
    assert numbers
    for relative in (batch.stored_file, batch.error_report):
        raw = machinery.media_path(relative).read_bytes()
        assert not any(number.encode() in raw for number in numbers), relative
        # Excel files are zip archives: a clear one starts with PK; ours are sealed.
        assert not raw.startswith(b"PK")


# --- the planner's statistics after a bulk import


def test_publishing_a_roster_refreshes_the_statistics_of_the_tables_it_filled(
    personas, django_capture_on_commit_callbacks, tmp_path, monkeypatch
):
    from talentbase.core.imports import bulk

    refreshed = []
    monkeypatch.setattr(bulk, "refresh_statistics", lambda tables: refreshed.append(set(tables)))
    actor = personas.actor("employer")
    batch = upload(
        django_capture_on_commit_callbacks, actor, write_roster(tmp_path / "r.xlsx", generated_rows(20, 5))
    )
    assert refreshed == []  # the preview stages rows: nothing published yet
    batch = commit(django_capture_on_commit_callbacks, actor, batch, "all")
    assert batch.state == "done", batch.message
    assert [{table for _alias, table in tables} for tables in refreshed] == [
        {"registry_person", "registry_personnamekey", "registry_employment"}
    ]


def test_on_postgresql_the_filled_tables_are_analyzed_once_the_import_has_committed(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps no statistics to refresh (core/imports/bulk.py)")
    actor = personas.actor("employer")
    batch = upload(
        django_capture_on_commit_callbacks, actor, write_roster(tmp_path / "r.xlsx", generated_rows(20, 6))
    )
    with CaptureQueriesContext(connection) as queries:
        batch = commit(django_capture_on_commit_callbacks, actor, batch, "all")
    assert batch.state == "done", batch.message
    statements = [query["sql"] for query in queries.captured_queries]
    analyze = [n for n, sql in enumerate(statements) if "talentbase_analyze" in sql]
    assert len(analyze) == 1
    for table in ("registry_person", "registry_personnamekey", "registry_employment"):
        assert table in statements[analyze[0]]
    # The statistics are really refreshed, also when the suite connects as the application role, which owns
    # no table (ANALYZE needs the owner before PostgreSQL 17; the owner's function runs it).
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'registry_person'")
        estimated = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM registry_person")
        assert estimated == cursor.fetchone()[0]
    # After the publication's last write: the batch marked done.
    done = max(
        n for n, sql in enumerate(statements) if sql.startswith("UPDATE") and "core_importbatch" in sql
    )
    assert analyze[0] > done
