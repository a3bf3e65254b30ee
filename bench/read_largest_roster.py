"""What reading the largest roster the import limits allow costs: the file is checked (zip members, declared
dimension) and read in the child process under its memory limit, exactly as an import's preview reads it.

Two files at the row limit (``TALENTBASE_IMPORT_MAX_ROWS``, default 250,000, the header row included): the roster template's columns,
and the column limit (``TALENTBASE_IMPORT_MAX_COLUMNS``, default 100) of short values. Prints, per file, the
time to read every row through the platform's reader against python-calamine reading the same file in this
process (the baseline, measured in the same run), and the peak memory of the reading child and of this
process.

    TALENTBASE_DEV=1 .venv/bin/python bench/read_largest_roster.py [--rows 250000] [--wide-columns 100]
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentbase.settings")
os.environ.setdefault("TALENTBASE_DEV", "1")

HEADERS = ["姓名", "证件类型", "证件号码", "性别", "出生日期", "手机号", "学历", "岗位", "入职日期"]


def write_roster(path: Path, rows: int, columns: int | None) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    if columns is None:
        sheet.write_row(0, 0, HEADERS)
        for row in range(1, rows + 1):
            sheet.write_row(row, 0, [f"张{row % 997}", "居民身份证", f"31010119900101{row % 10000:04d}", "", "",
                                     f"139{row:08d}", "高中", "养护工", "2020-03-01"])  # fmt: skip
    else:
        sheet.write_row(0, 0, HEADERS + [f"备注{n}" for n in range(columns - len(HEADERS))])
        for row in range(1, rows + 1):
            sheet.write_row(row, 0, [f"v{row % 1000}-{column}" for column in range(columns)])
    workbook.close()


class PeakFromChild(logging.Handler):
    peak_mb: int | None = None

    def emit(self, record):
        if "peak memory" in record.getMessage():
            self.peak_mb = int(record.args[0]) if record.args else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=None, help="default: TALENTBASE_IMPORT_MAX_ROWS")
    parser.add_argument("--wide-columns", type=int, default=None, help="default: TALENTBASE_IMPORT_MAX_COLUMNS")
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from python_calamine import CalamineWorkbook

    from talentbase.core.imports import reading

    rows = args.rows or settings.TALENTBASE_IMPORT_MAX_ROWS - 1  # the limit counts the header row
    wide = args.wide_columns or settings.TALENTBASE_IMPORT_MAX_COLUMNS
    handler = PeakFromChild()
    logger = logging.getLogger(reading.__name__)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    print(f"largest roster the limits allow: {rows:,} rows (limit {settings.TALENTBASE_IMPORT_MAX_ROWS:,}), "
          f"up to {settings.TALENTBASE_IMPORT_MAX_COLUMNS} columns, "
          f"{settings.TALENTBASE_IMPORT_MAX_UNCOMPRESSED_MB} MB uncompressed; the reading child may use "
          f"{settings.TALENTBASE_IMPORT_READER_MEMORY_MB} MB")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="talentbase-bench-") as folder:
        for label, columns in (("template columns", None), (f"{wide} columns", wide)):
            path = Path(folder) / "roster.xlsx"
            write_roster(path, rows, columns)
            started = time.perf_counter()
            handler.peak_mb = None
            try:
                read = sum(1 for _ in reading.read_rows(path, "xlsx"))
            except reading.ImportFileError as refusal:  # another limit binds first (e.g. the uncompressed size)
                print(f"  {label}: {path.stat().st_size / 1e6:.1f} MB xlsx, refused before reading: {refusal}")
                path.unlink()
                continue
            seconds = time.perf_counter() - started
            own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the in-process baseline
            started = time.perf_counter()
            workbook = CalamineWorkbook.from_path(str(path))
            baseline_rows = sum(1 for _ in workbook.get_sheet_by_index(0).iter_rows())
            baseline = time.perf_counter() - started
            print(f"  {label}: {path.stat().st_size / 1e6:.1f} MB xlsx, {read:,} rows read "
                  f"(calamine in-process: {baseline_rows:,})")  # fmt: skip
            print(f"    platform reader (checks + child): {seconds:.2f} s; calamine alone: {baseline:.2f} s; "
                  f"ratio {seconds / baseline:.2f}")  # fmt: skip
            print(f"    peak memory: reading child {handler.peak_mb} MB; this process (max RSS before the "
                  f"in-process baseline) {own_mb:.0f} MB")  # fmt: skip
            path.unlink()


if __name__ == "__main__":
    main()
