"""What the roster import tells its users (issue 14, item 1): one message per duplicated row, "already
registered" never hidden, the ID checks' warnings shown (preview, error workbook, API), formulas in a CSV
refused, a file with headers only explained, and every column the import does not use named."""

from __future__ import annotations

import datetime
import io
import random

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from talentbase.core.tests.imports_support import import_settings, row_errors, upload, write_xlsx
from talentbase.registry.identity import synthetic_ric
from talentbase.registry.tests.factories import PersonFactory

_fixtures = (import_settings,)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_settings")]

HEADERS = ("姓名", "证件号码", "手机号码", "入职日期")


def numbers(count: int, seed: int = 7, **kwargs) -> list[str]:
    rng = random.Random(seed)
    found: list[str] = []
    while len(found) < count:
        number = synthetic_ric(rng, region="310104", **kwargs)
        if number not in found:
            found.append(number)
    return found


def test_an_id_repeated_many_times_gives_each_row_one_message_naming_the_first_row(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    repeated, other = numbers(2)
    rows = [["张三", repeated, "", ""] for _ in range(40)] + [["李四", other, "", ""]]
    path = write_xlsx(tmp_path / "dup.xlsx", HEADERS, rows)
    batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"), path)
    errors = row_errors(batch)
    assert set(errors) == set(range(2, 42))
    assert all(len(messages) == 1 for messages in errors.values())
    assert errors[2] == [("证件号码", "与第 3 行的证件号码重复")]
    assert all(errors[row] == [("证件号码", "与第 2 行的证件号码重复")] for row in range(3, 42))
    assert batch.row_errors.count() == 40


def test_a_duplicate_that_is_already_registered_also_says_so(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    number = numbers(1, seed=11)[0]
    PersonFactory(id_number=number)
    path = write_xlsx(tmp_path / "dup.xlsx", HEADERS, [["张三", number, "", ""], ["张三", number, "", ""]])
    batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"), path)
    errors = row_errors(batch)
    for row in (2, 3):
        assert any("已登记" in message for _c, message in errors[row]), errors[row]
        assert any("重复" in message for _c, message in errors[row]), errors[row]


def test_a_county_code_younger_than_its_holder_is_a_warning_on_the_preview_and_in_the_workbook(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    rng = random.Random(3)
    pudong = synthetic_ric(rng, region="310115", birth_date=datetime.date(1980, 5, 1))
    path = write_xlsx(tmp_path / "w.xlsx", HEADERS, [["张三", pudong, "", ""], ["李四", "123", "", ""]])
    batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"), path)
    assert batch.state == "previewed"
    assert batch.valid_rows == 1 and batch.error_rows == 1  # the warning does not refuse the row
    warnings = row_errors(batch, warnings=True)
    assert list(warnings) == [2] and "310115" in warnings[2][0][1]
    client = personas.client("employer")
    page = client.get(reverse("registry:import-detail", args=[batch.pk])).content.decode()
    assert 'data-testid="import-warning"' in page and "310115" in page and "警告" in page
    report = client.get(reverse("registry:import-errors", args=[batch.pk]))
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(report.content))
    first = [list(row) for row in workbook.get_sheet_by_index(0).iter_rows()]
    assert [int(row[-2]) for row in first[1:]] == [3]  # only the row in error is there to fix
    warning_sheet = [list(row) for row in workbook.get_sheet_by_name("警告").iter_rows()]
    assert int(warning_sheet[1][0]) == 2 and "310115" in warning_sheet[1][2]
    api = client.get(f"/api/v1/imports/{batch.pk}/errors/")
    if api.status_code == 200:
        assert any(item["warning"] for item in api.json()["results"])


def test_a_formula_in_a_csv_cell_is_refused_as_a_formula(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    number = numbers(1, seed=5)[0]
    path = tmp_path / "f.csv"
    path.write_text(f'姓名,证件号码\n"=CONCAT(""张"",""三"")",{number}\n', encoding="utf-8")
    batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"), path)
    errors = row_errors(batch)
    assert errors[2][0][0] == "姓名" and "公式" in errors[2][0][1]
    assert batch.valid_rows == 0


def test_a_file_with_headers_and_no_data_rows_says_so(personas, django_capture_on_commit_callbacks, tmp_path):
    path = write_xlsx(tmp_path / "empty.xlsx", HEADERS, [])
    batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"), path)
    assert batch.state == "failed"
    assert "没有数据行" in batch.message


def test_the_preview_names_every_column_the_import_does_not_use(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    number = numbers(1, seed=9)[0]
    path = write_xlsx(
        tmp_path / "extra.xlsx", ("姓名", "证件号码", "民族", "备注"), [["张三", number, "汉", "x"]]
    )
    batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"), path)
    page = (
        personas.client("employer").get(reverse("registry:import-detail", args=[batch.pk])).content.decode()
    )
    assert 'data-testid="import-unused-columns"' in page
    assert "民族、备注" in page
