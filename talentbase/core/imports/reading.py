"""Reading an uploaded sheet (.xlsx, .xls, .ods with python-calamine; .csv with the csv module) into rows
of plain strings, streaming, and finding its header row.

Cells are rendered as a clerk would read them: text stripped; whole numbers without ".0"; dates as
YYYY-MM-DD; a number too long for a float's precision (an ID number typed into a number cell, 3.10101E+17)
keeps its float look, "310101199001011000.0", so the ID check can say it was stored as a number instead of
reporting a wrong checksum. The header is looked for in the first 10 rows: a title row above it, a header
cell merged over two rows and variants of the labels ("证件号码（必填）", "*姓名", "ID number") are tolerated.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import decimal
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from talentbase.core.errors import DomainError

from .errors import ImportRefusal

if TYPE_CHECKING:
    from .columns import Column

FORMATS = ("xlsx", "xls", "ods", "csv")
HEADER_SEARCH_ROWS = 10
# What core.exports.workbooks.neutralise puts before a cell that starts like a formula; read back without it.
NEUTRALISED_PREFIXES = ("'=", "'+", "'-", "'@")
# Notes people put after a header: （必填）, (选填), 【格式：2020-01-01】, 〔单位〕
HEADER_NOTE_RE = re.compile(r"[(\[【〔{<][^)\]】〕}>]*[)\]】〕}>]")
HEADER_DROP = str.maketrans("", "", "*※★:_-./\\'\"")
FLOAT_INTEGER_LIMIT = 2**53  # past this a float no longer holds every integer: digits were lost


class ImportFileError(DomainError):
    """A file that cannot be imported at all: unreadable, no header, a required column missing."""

    def __init__(self, code: ImportRefusal, message):
        super().__init__(code, message)


def normalise_header(text) -> str:
    """A header text in comparable form: NFKC (full-width → ASCII), no spaces or notes in brackets, no *
    or colon, lower case. "＊证件号码（必填）" and " 证件 号码 " both give "证件号码"; "ID_Number" gives
    "idnumber"."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = HEADER_NOTE_RE.sub("", text)
    text = "".join(char for char in text if not char.isspace())
    return text.translate(HEADER_DROP).lower()


def detect_format(filename: str) -> str | None:
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix == "xlsm":
        return "xlsx"
    if suffix in ("txt", "tsv"):
        return "csv"
    return suffix if suffix in FORMATS else None


# --- Cells


def render_float(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):  # NaN or infinity
        return ""
    if value.is_integer():
        if abs(value) < FLOAT_INTEGER_LIMIT:
            return str(int(value))
        # 15 significant digits are what the spreadsheet kept; the rest show as zeros, and the ".0"
        # says it was a number.
        return format(decimal.Decimal(f"{value:.15g}"), "f") + ".0"
    return repr(value)


def render_cell(value) -> str:
    """One cell as a string; "" for an empty one."""
    if value.__class__ is str:
        text = value.strip()
        if text.startswith(NEUTRALISED_PREFIXES):
            return text[1:]
        return text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return render_float(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


# --- Raw rows of each format: (row number as the spreadsheet shows it, cells as strings)


@dataclass
class Sheet:
    rows: Iterator[tuple[int, list[str]]]
    # Merged ranges ((first row, first col), (last row, last col)), 0-based, relative to the cells given.
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def open_sheet(source: str | Path | bytes, file_format: str) -> Sheet:
    """A sheet from a path, or from the content itself (a stored upload, decrypted in memory)."""
    if isinstance(source, bytes):
        if file_format == "csv":
            return Sheet(rows=csv_rows_of(source))
        return workbook_sheet_of(source)
    if file_format == "csv":
        return Sheet(rows=csv_rows(source))
    return workbook_sheet(source)


def workbook_sheet_of(content: bytes) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
    except Exception:  # noqa: BLE001 — calamine raises several types (CalamineError, ZipError, XmlError…)
        raise ImportFileError(
            ImportRefusal.UNREADABLE,
            _("无法读取该文件：请上传 Excel（.xlsx、.xls）、WPS/LibreOffice（.ods）或 CSV 文件"),
        ) from None
    return _sheet_rows(workbook, sheet)


def csv_rows_of(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("gb18030")
    yield from _csv_rows(io.StringIO(text, newline=""))


def workbook_sheet(path: str | Path) -> Sheet:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except Exception:  # noqa: BLE001 — calamine raises several types (CalamineError, ZipError, XmlError…)
        try:
            with open(path, "rb") as handle:  # the content may not match the extension
                workbook = CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))
            sheet = workbook.get_sheet_by_index(0)
        except (CalamineError, Exception):  # noqa: BLE001
            raise ImportFileError(
                ImportRefusal.UNREADABLE,
                _("无法读取该文件：请上传 Excel（.xlsx、.xls）、WPS/LibreOffice（.ods）或 CSV 文件"),
            ) from None
    return _sheet_rows(workbook, sheet)


def _sheet_rows(workbook, sheet) -> Sheet:
    start_col = sheet.start[1] if sheet.start else 0
    merged = [
        ((first[0], first[1] - start_col), (last[0], last[1] - start_col))
        for first, last in (sheet.merged_cell_ranges or [])
    ]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            # calamine gives rows from the sheet's first row, cells from its first used column.
            for index, cells in enumerate(sheet.iter_rows()):
                yield index + 1, [render_cell(value) for value in cells]
        finally:
            workbook.close()

    return Sheet(rows=rows(), merged=merged)


def csv_encoding(path: str | Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else GB18030 (a superset of GBK
    and GB2312, what Excel on a Chinese Windows writes)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


def csv_rows(path: str | Path) -> Iterator[tuple[int, list[str]]]:
    encoding = csv_encoding(path)
    with open(path, encoding=encoding, newline="") as handle:
        yield from _csv_rows(handle)


def _csv_rows(handle) -> Iterator[tuple[int, list[str]]]:
    sample = handle.read(64 * 1024)
    handle.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    for number, cells in enumerate(csv.reader(handle, dialect), start=1):
        yield number, [render_cell(cell) for cell in cells]


# --- The table: header found, data rows after it


@dataclass
class Table:
    """A sheet whose header row was found: ``headers`` as written (blanks for unnamed columns),
    ``positions`` the cell index of each importer column found, ``records()`` the non-empty data rows."""

    header_row: int
    headers: list[str]
    positions: dict[str, int]
    _rows: Iterator[tuple[int, list[str]]]

    def records(self) -> Iterator[tuple[int, list[str]]]:
        for number, cells in self._rows:
            if any(cells):
                yield number, cells


def fill_merged_headers(head: list[list[str]], merged) -> None:
    """A header cell merged over several rows holds its text in the top cell: copy it down its column
    (only the first column of a range: a cell merged across columns names one column)."""
    for (first_row, first_col), (last_row, _last_col) in merged:
        if first_row >= len(head) or first_col < 0:
            continue
        top = head[first_row]
        value = top[first_col] if first_col < len(top) else ""
        for row in range(first_row + 1, min(last_row, len(head) - 1) + 1):
            cells = head[row]
            if first_col < len(cells) and not cells[first_col]:
                cells[first_col] = value


def find_header(head: list[list[str]], columns: Sequence[Column], merged=()) -> tuple[int, list[str]]:
    """The index of the header row among the first rows and its texts: the row naming the most columns,
    the earliest on a tie. An empty cell under a known header takes that header (a cell merged over two
    header rows, in formats that do not record merges)."""
    head = [list(cells) for cells in head]
    fill_merged_headers(head, merged)
    known = {key: column.key for column in columns for key in column.header_keys()}
    best_index, best_cells, best_score = -1, [], 0
    previous: list[str] = []
    for index, cells in enumerate(head):
        filled = list(cells)
        for position, text in enumerate(filled):
            if not text and position < len(previous) and normalise_header(previous[position]) in known:
                filled[position] = previous[position]
        score = len({known[name] for name in map(normalise_header, filled) if name in known})
        if score > best_score:
            best_index, best_cells, best_score = index, filled, score
        previous = filled
    return best_index, best_cells


def open_table(path: str | Path, file_format: str, columns: Sequence[Column]) -> Table:
    """Open the file and find its header; refuse a file without one or missing a required column."""
    sheet = open_sheet(path, file_format)
    rows = sheet.rows
    head: list[tuple[int, list[str]]] = []
    try:
        for _index in range(HEADER_SEARCH_ROWS):
            head.append(next(rows))
    except StopIteration:
        pass
    except (UnicodeDecodeError, csv.Error):
        raise ImportFileError(
            ImportRefusal.UNREADABLE,
            _("无法读取该 CSV 文件：请另存为 UTF-8 或 GBK 编码的 CSV，或 Excel 文件"),
        ) from None
    index, header_cells = find_header([cells for _number, cells in head], columns, sheet.merged)
    if index < 0:
        raise ImportFileError(
            ImportRefusal.NO_HEADER,
            _("前 10 行中没有找到表头（如“姓名”“证件号码”）：请使用导入模板，或把表头放在前 10 行内"),
        )
    positions: dict[str, int] = {}
    by_key = {column.key: column for column in columns}
    known = {key: column.key for column in columns for key in column.header_keys()}
    for position, text in enumerate(header_cells):
        key = known.get(normalise_header(text))
        if key is None:
            continue
        if key in positions:
            raise ImportFileError(
                ImportRefusal.DUPLICATE_COLUMN,
                format_lazy(
                    _("表头中有两列都是“{label}”（第 {first} 列和第 {second} 列），请删除其中一列"),
                    label=by_key[key].label, first=positions[key] + 1, second=position + 1,
                ),
            )  # fmt: skip
        positions[key] = position
    missing = [str(column.label) for column in columns if column.required and column.key not in positions]
    if missing:
        raise ImportFileError(
            ImportRefusal.MISSING_COLUMN,
            format_lazy(
                _("缺少必填列：{columns}。请使用导入模板，或检查表头的列名"), columns="、".join(missing)
            ),
        )
    header_row = head[index][0]
    rest = (item for item in head[index + 1 :])
    return Table(header_row=header_row, headers=header_cells, positions=positions, _rows=_chain(rest, rows))


def _chain(first: Iterable, then: Iterator) -> Iterator:
    yield from first
    try:
        yield from then
    except (UnicodeDecodeError, csv.Error):
        raise ImportFileError(
            ImportRefusal.UNREADABLE,
            _("无法读取该 CSV 文件：请另存为 UTF-8 或 GBK 编码的 CSV，或 Excel 文件"),
        ) from None


def read_rows(path: str | Path, file_format: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """Every row of the first sheet as (row number, cells as strings), empty rows included."""
    return open_sheet(path, file_format or detect_format(str(path)) or "xlsx").rows
