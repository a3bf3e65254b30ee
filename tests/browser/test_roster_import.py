"""Journeys: an employer imports a roster with an error, downloads the rows in error, fixes the ID number in
that very file, imports it again, and finds the new workers by pinyin; and an employer imports the roster
it actually has (工作单位, 职业（工种）, 技能等级), sees the declared level on the person page and records the
worker's departure."""

import io
import random

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from talentbase.registry.identity import synthetic_ric

from .helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def roster(path, rows, headers=("姓名", "证件号码", "手机号码", "入职日期")):
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, list(headers))
    for index, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            sheet.write_string(index, col, value)
    workbook.close()
    return path


def upload(page, path):
    page.get_by_test_id("main-menu").get_by_role("link", name="花名册导入").click()
    page.get_by_role("link", name="新增").click()
    page.get_by_label("文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.get_by_test_id("import-counts").wait_for()


def test_employer_fixes_the_rows_in_error_and_finds_the_workers_by_pinyin(
    page, live_server, live_world, settings, tmp_path, axe_check
):
    # No worker process in the test: the preview and import jobs run when their transaction commits.
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    rng = random.Random(20261125)
    good, other, bad = (synthetic_ric(rng, region="310115") for _ in range(3))
    broken = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    first = roster(tmp_path / "花名册.xlsx", [
        ["欧阳娜娜", good, "13812345678", "2024-05-06"],
        ["司马光明", other, "13912345678", "2024-05-06"],
        ["诸葛亮亮", broken, "13712345678", "2024-05-06"],
    ])  # fmt: skip

    sign_in(page, live_server, "employer")
    upload(page, first)
    errors = page.get_by_test_id("import-errors")
    assert "校验" in errors.inner_text()  # the wrong check digit, named
    assert page.get_by_test_id("commit-all").is_disabled()
    axe_check(page)

    with page.expect_download() as download_info:
        page.get_by_test_id("error-report").click()
    report = download_info.value.path().read_bytes()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(report)).get_sheet_by_index(0).to_python()
    header = rows[0]
    assert "错误原因" in header and len(rows) == 2
    assert rows[1][header.index("姓名")] == "诸葛亮亮"

    page.get_by_test_id("commit-valid").click()
    page.get_by_test_id("import-result").wait_for()

    # Fix the number in the downloaded report itself and upload it as it is.
    fixed = tmp_path / "错误行-已修正.xlsx"
    workbook = xlsxwriter.Workbook(str(fixed))
    sheet = workbook.add_worksheet()
    for index, row in enumerate(rows):
        values = [str(v) for v in row]
        if index == 1:
            values[header.index("证件号码")] = bad
        sheet.write_row(index, 0, values)
    workbook.close()
    upload(page, fixed)
    page.get_by_test_id("commit-all").click()
    page.get_by_test_id("import-result").wait_for()

    page.get_by_test_id("main-menu").get_by_role("link", name="人员").click()
    page.wait_for_url("**/persons/")
    for query, name in (("ouyang", "欧阳娜娜"), ("smgm", "司马光明"), ("zgll", "诸葛亮亮")):
        page.get_by_label("姓名或拼音").fill(query)
        page.get_by_role("button", name="筛选").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("object-table").get_by_role("link", name=name).is_visible(), query


def test_employer_imports_occupations_and_levels_sees_them_declared_and_records_a_departure(
    page, live_server, live_world, settings, tmp_path, axe_check
):
    from talentbase.catalog.models import Occupation, WorkType

    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    employer = live_world.organisation("employer")
    WorkType.objects.get_or_create(occupation=Occupation.objects.get(code="4-09-10-01"), name="花卉园艺工")
    rng = random.Random(20261202)
    first, second = (synthetic_ric(rng, region="310104") for _ in range(2))
    path = roster(tmp_path / "本单位花名册.xlsx", [
        ["上官婉儿", first, "2022-03-01", employer.name, "园林绿化工（花卉园艺工）", "四级/中级工", "党员"],
        ["东方明月", second, "2023-07-01", employer.name, "园林绿化工", "九级", ""],
    ], headers=("姓名", "证件号码", "入职日期", "工作单位", "职业（工种）", "技能等级", "政治面貌"))  # fmt: skip

    sign_in(page, live_server, "employer")
    upload(page, path)
    assert "政治面貌" in page.get_by_test_id("import-unused-columns").inner_text()
    assert "不是技能等级" in page.get_by_test_id("import-errors").inner_text()
    axe_check(page)
    page.get_by_test_id("commit-valid").click()
    page.get_by_test_id("import-result").wait_for()
    axe_check(page)

    page.get_by_test_id("main-menu").get_by_role("link", name="人员").click()
    page.wait_for_url("**/persons/")
    page.get_by_label("姓名或拼音").fill("上官婉儿")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    page.get_by_test_id("object-table").get_by_role("link", name="上官婉儿").click()
    page.get_by_test_id("current-levels").wait_for()
    levels = page.get_by_test_id("current-levels").inner_text()
    assert "园林绿化工" in levels and "四级/中级工" in levels and "申报（待核实）" in levels
    assert "花卉园艺工" in page.locator("#section-employment").locator("..").inner_text()
    axe_check(page)

    page.get_by_test_id("employment-depart").click()
    page.get_by_label("离职日期").fill("2025-06-30")
    page.get_by_label("离职原因").select_option(label="劳动合同期满")
    axe_check(page)
    page.get_by_role("button", name="保存").click()
    page.get_by_test_id("current-levels").wait_for()
    section = page.locator("#section-employment").locator("..").inner_text()
    assert "2025年6月30日" in section and "劳动合同期满" in section
    assert page.get_by_test_id("employment-depart").count() == 0
    axe_check(page)
