"""Write the small spreadsheets the import tests read, into tests/fixtures/imports/.

Sources are written with xlsxwriter; LibreOffice (``soffice --headless --convert-to``) then converts them to
.xls, .ods, CSV in UTF-8 and in GBK, and re-saves them as .xlsx, so the tests read files written by both.
The committed files are what the tests use: run this only to change them, on a machine with LibreOffice
(Debian: ``apt-get install -y libreoffice-calc-nogui``)::

    TALENTBASE_DEV=1 .venv/bin/python scripts/make_import_fixtures.py

ID numbers are synthetic (checksum-valid, generated from a fixed seed), never real ones.
"""

from __future__ import annotations

import datetime
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from talentbase.registry.identity import synthetic_ric  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "imports"
# LibreOffice's CSV filter: separator 44 (,), text delimiter 34 ("), character set, first line 1.
CSV_UTF8 = "csv:Text - txt - csv (StarCalc):44,34,76,1"
CSV_GBK = "csv:Text - txt - csv (StarCalc):44,34,67,1"  # 67: RTL_TEXTENCODING_GBK

HEADERS = [
    "姓名*",
    "证件类型",
    "身份证号码（必填）",
    "性别",
    "出生日期",
    "手机号",
    "文化程度",
    "岗位",
    "入职时间",
]


def ids(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [
        synthetic_ric(rng, region="310104", birth_date=datetime.date(1980 + i, 1 + i % 12, 1 + i % 27))
        for i in range(count)
    ]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def broken_checksum(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def roster_rows(numbers: list[str]) -> list[list]:
    """(kind, cells) rows of the mixed roster; the comments give the row number in the sheet."""
    a, b, c, d, e, f, g, h = numbers[:8]
    date = datetime.datetime
    return [
        # row 3: valid
        ["张三", "居民身份证", a, "", date(int(a[6:10]), int(a[10:12]), int(a[12:14])), "13800138000", "中专/技校",
         "养护工", date(2020, 3, 1)],
        # row 4: wrong checksum
        ["李四", "", broken_checksum(b), "", "", "13900139000", "高中", "保洁员", "2021-05-06"],
        # row 5: empty (skipped, not counted)
        None,
        # row 6: name by a concatenation formula (cached value 王五)
        [("formula", '="王"&"五"', "王五"), "身份证", c, "男" if int(c[16]) % 2 else "女", "", "", "本科", "班组长",
         "2019/7/1"],
        # row 7: the ID of row 3 again, typed in full-width digits with spaces: both rows reported
        ["赵六", "", " " + full_width(a[:6]) + " " + a[6:14] + "\u3000" + a[14:], "", "", "", "", "", ""],
        # row 8: ID stored as a number: the spreadsheet kept 15 significant digits
        ["钱七", "居民身份证", ("number", float(d)), "", "", "13700137000", "大专", "技术员", ""],
        # row 9: name by a reference formula to row 3's name, valid unique ID
        [("formula", "=A3", "张三"), "", e, "", "", "", "初中", "", ""],
        # row 10: phone too short
        ["孙八", "", f, "", "", "1380013", "", "", ""],
        # row 11: birth date contradicts the ID number
        ["周九", "", g, "", date(1970, 1, 1), "", "", "", ""],
        # row 12: valid, label variants: 男性 / 二代身份证 / 大学本科
        ["吴十", "二代身份证", h, "男性" if int(h[16]) % 2 else "女性", "", "+86 139-0013-9001", "大学本科", "养护工",
         "2022年1月3日"],
    ]  # fmt: skip


def write_cell(sheet, row: int, col: int, value, formats) -> None:
    if value is None or value == "":
        return
    if isinstance(value, tuple):
        kind, content, *cached = value
        if kind == "formula":
            sheet.write_formula(row, col, content, None, cached[0] if cached else 0)
        else:
            sheet.write_number(row, col, content)
        return
    if isinstance(value, datetime.datetime):
        sheet.write_datetime(row, col, value, formats["date"])
        return
    sheet.write_string(row, col, str(value))


def write_roster(
    path: Path, rows: list[list | None], *, title: str = "2026年职工花名册", headers=HEADERS
) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("花名册")
    formats = {
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "bold": workbook.add_format({"bold": True}),
    }
    sheet.merge_range(0, 0, 0, len(headers) - 1, title, formats["bold"])
    for col, header in enumerate(headers):
        sheet.write_string(1, col, header, formats["bold"])
    for index, cells in enumerate(rows):
        for col, value in enumerate(cells or []):
            write_cell(sheet, 2 + index, col, value, formats)
    workbook.close()


def write_two_level(path: Path, numbers: list[str]) -> None:
    """A title row, then a header over two rows: 姓名 and 手机号码 merged down, 证件信息 merged across
    证件类型 and 证件号码."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    bold = workbook.add_format({"bold": True, "align": "center", "valign": "vcenter"})
    sheet.merge_range(0, 0, 0, 3, "在职人员登记表", bold)
    sheet.merge_range(1, 0, 2, 0, "姓名", bold)
    sheet.merge_range(1, 1, 1, 2, "证件信息", bold)
    sheet.write_string(2, 1, "证件类型", bold)
    sheet.write_string(2, 2, "证件号码", bold)
    sheet.merge_range(1, 3, 2, 3, "手机号码", bold)
    for index, (name, number) in enumerate(zip(["陈一", "林二", "黄三"], numbers, strict=False)):
        sheet.write_string(3 + index, 0, name)
        sheet.write_string(3 + index, 1, "居民身份证")
        sheet.write_string(3 + index, 2, number)
        sheet.write_string(3 + index, 3, f"1360013600{index}")
    workbook.close()


def convert(source: Path, target_format: str, target: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("LibreOffice not found: apt-get install -y libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory() as work, tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target_format,
             "--outdir", work, str(source)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        produced = list(Path(work).iterdir())
        if len(produced) != 1:
            sys.exit(f"LibreOffice produced {produced} for {source.name} → {target_format}")
        shutil.move(produced[0], target)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    numbers = ids(20260101, 12)
    rows = roster_rows(numbers)
    mixed = OUT / "roster_mixed.xlsx"
    write_roster(mixed, rows)
    # The same roster with every error fixed: for the re-upload (skip mode) test.
    fixed = [list(cells) if cells else None for cells in rows]
    fixed[1][2] = numbers[1]  # row 4: the right checksum
    fixed[4][2] = numbers[8]  # row 7: its own number
    fixed[5][2] = numbers[3]  # row 8: as text
    fixed[7][5] = "13800138007"  # row 10: a whole phone
    fixed[8][4] = ""  # row 11: no contradicting birth date
    write_roster(OUT / "roster_fixed.xlsx", fixed)
    two_level = OUT / "roster_two_level_header.xlsx"
    write_two_level(two_level, numbers[9:12])

    convert(mixed, "xls", OUT / "roster_mixed.xls")
    convert(mixed, "ods", OUT / "roster_mixed.ods")
    convert(mixed, CSV_UTF8, OUT / "roster_mixed.csv")
    convert(mixed, CSV_GBK, OUT / "roster_mixed_gbk.csv")
    with tempfile.TemporaryDirectory() as work:
        # LibreOffice's own .xlsx: save the .ods back as .xlsx
        ods_copy = Path(work) / "roster_mixed_lo.ods"
        shutil.copy(OUT / "roster_mixed.ods", ods_copy)
        convert(ods_copy, "xlsx", OUT / "roster_mixed_lo.xlsx")
    convert(two_level, "ods", OUT / "roster_two_level_header.ods")
    convert(two_level, "xls", OUT / "roster_two_level_header.xls")
    for path in sorted(OUT.iterdir()):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
