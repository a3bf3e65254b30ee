"""Reading an uploaded sheet (.xlsx, .xls, .ods with python-calamine; .csv with the csv module) into rows
of plain strings, and finding its header row. The file is checked against the limits before it is opened
(``safety``: sizes and compression of its parts, its declared and real extent) and read in a child process
under a memory limit (``sheet_reader``), whose rows come back a chunk at a time: a hostile file fails its
batch with a message and never takes the worker down.

Cells are rendered as a clerk would read them: text stripped; whole numbers without ".0"; dates as
YYYY-MM-DD; a number too long for a float's precision (an ID number typed into a number cell, 3.10101E+17)
keeps its float look, "310101199001011000.0", so the ID check can say it was stored as a number instead of
reporting a wrong checksum. The header is looked for in the first 10 rows: a title row above it, a header
cell merged over two rows and variants of the labels ("证件号码（必填）", "*姓名", "ID number") are tolerated.
"""

from __future__ import annotations

import fcntl
import itertools
import json
import logging
import re
import signal
import subprocess
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from talentbase.core.errors import DomainError

from . import sheet_reader
from .errors import ImportRefusal
from .sheet_reader import render_cell, render_float  # noqa: F401 — the cells are rendered as before

logger = logging.getLogger(__name__)
PIPE_BYTES = 1024 * 1024

if TYPE_CHECKING:
    from .columns import Column

FORMATS = ("xlsx", "xls", "ods", "csv")
HEADER_SEARCH_ROWS = 10
# Notes people put after a header: （必填）, (选填), 【格式：2020-01-01】, 〔单位〕
HEADER_NOTE_RE = re.compile(r"[(\[【〔{<][^)\]】〕}>]*[)\]】〕}>]")
HEADER_DROP = str.maketrans("", "", "*※★:_-./\\'\"")


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


# --- Raw rows: read by the child process (``sheet_reader``), under the limits


@dataclass
class Sheet:
    rows: Iterator[tuple[int, list[str]]]
    # Merged ranges ((first row, first col), (last row, last col)), 0-based, relative to the cells given.
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


UNREADABLE_MESSAGE = _("无法读取该文件：请上传 Excel（.xlsx、.xls）、WPS/LibreOffice（.ods）或 CSV 文件")
UNREADABLE_CSV_MESSAGE = _("无法读取该 CSV 文件：请另存为 UTF-8 或 GBK 编码的 CSV，或 Excel 文件")
REFUSALS = {
    ImportRefusal.TOO_MANY_PARTS: _(
        "该文件包含 {parts} 个内部部件，超过上限 {limit} 个，不像是普通的表格：请在 Excel 中另存为新文件后上传"
    ),
    ImportRefusal.EXPANDS_TOO_MUCH: _(
        "该文件解压后约 {size_mb} MB，超过上限 {limit} MB：请删除多余的工作表和内容，或分成几个文件导入"
    ),
    ImportRefusal.COMPRESSION_RATIO: _(
        "该文件的部件 {part} 压缩比为 {ratio} 倍，超过上限 {limit} 倍，不像是普通的表格：请在 Excel 中另存为新文件后上传"
    ),
    ImportRefusal.TOO_MANY_ROWS: _(
        "表格行数超过上限：文件中至少有 {rows} 行，每个文件最多 {limit} 行；请分成几个文件导入"
    ),
    ImportRefusal.TOO_MANY_COLUMNS: _(
        "表格列数超过上限：文件中至少有 {columns} 列，最多 {limit} 列；请删除多余的列（或清除远处单元格的内容和格式）后上传"
    ),
}
DECLARED_REFUSALS = {
    ImportRefusal.TOO_MANY_ROWS: _(
        "表格声明的范围 {reference} 有 {rows} 行，超过每个文件 {limit} 行的上限；请分成几个文件导入，"
        "或清除远处单元格的内容和格式后另存"
    ),
    ImportRefusal.TOO_MANY_COLUMNS: _(
        "表格声明的范围 {reference} 有 {columns} 列，超过 {limit} 列的上限；请删除多余的列，"
        "或清除远处单元格的内容和格式后另存"
    ),
}
READER_MEMORY_MESSAGE = _(
    "读取该文件所需的内存超过上限（{limit} MB），未导入任何数据：请删除多余的内容，或分成几个文件导入"
)
READER_CRASH_MESSAGE = _("读取该文件时读取程序异常退出，未导入任何数据：请在 Excel 中另存为新文件后重新上传")


def reader_options() -> dict:
    """The limits of one sheet and of its reader's process, from the settings."""
    return {
        "max_rows": settings.TALENTBASE_IMPORT_MAX_ROWS,
        "max_columns": settings.TALENTBASE_IMPORT_MAX_COLUMNS,
        "max_uncompressed_mb": settings.TALENTBASE_IMPORT_MAX_UNCOMPRESSED_MB,
        "max_ratio": settings.TALENTBASE_IMPORT_MAX_RATIO,
        "max_parts": settings.TALENTBASE_IMPORT_MAX_PARTS,
        "memory_mb": settings.TALENTBASE_IMPORT_READER_MEMORY_MB,
        "cpu_seconds": settings.TALENTBASE_IMPORT_READER_CPU_SECONDS,
    }


def refusal(code: str, params: dict) -> ImportFileError:
    """The child's refusal, worded here (the child has no translations)."""
    if code == ImportRefusal.UNREADABLE:
        message = UNREADABLE_CSV_MESSAGE if params.get("format") == "csv" else UNREADABLE_MESSAGE
        return ImportFileError(ImportRefusal.UNREADABLE, message)
    refusal_code = ImportRefusal(code)
    template = (DECLARED_REFUSALS if "reference" in params else REFUSALS)[refusal_code]
    shown = {key: f"{value:,}" if isinstance(value, int) else value for key, value in params.items()}
    return ImportFileError(refusal_code, format_lazy(template, **shown))


def open_sheet(source: str | Path | bytes, file_format: str) -> Sheet:
    """A sheet from a path, or from the content itself (a stored upload, decrypted in memory), read by a
    child process: this returns once the child has checked the file and opened it (the costly part:
    calamine reads the whole grid), with its merged ranges; the rows follow as they are consumed."""
    content = source if isinstance(source, bytes) else Path(source).read_bytes()
    options = reader_options()
    package_root = str(Path(__file__).resolve().parents[3])
    process = subprocess.Popen(  # noqa: S603 — our own interpreter and module, no shell
        [sys.executable, "-m", "talentbase.core.imports.sheet_reader", json.dumps(options), file_format],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env={"PYTHONPATH": package_root, "PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    _widen_pipe(process.stdout)
    messages = _child_messages(process, content, options["memory_mb"])
    try:
        first = next(messages)
    except StopIteration:  # pragma: no cover — the child always says something or fails
        first = {"merged": []}
    merged = [(tuple(first_cell), tuple(last_cell)) for first_cell, last_cell in first.get("merged", [])]
    return Sheet(rows=_child_rows(messages), merged=merged)


def _widen_pipe(pipe) -> None:
    """Let the child read ahead by up to a megabyte of rows (Linux' default pipe holds 64 KB, less than a
    chunk): it renders the next chunks while this process validates, and this process's memory stays
    bounded by the pipe."""
    try:
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):  # not Linux, or above /proc/sys/fs/pipe-max-size: the default then
        pass


def _child_messages(process: subprocess.Popen, content: bytes, memory_mb: int) -> Iterator[dict]:
    """The child's messages; a refusal raised as such, a child that died as a failed read. The child is
    killed when the rows stop being read (the caller had what it needed, or gave up)."""
    try:
        try:
            process.stdin.write(content)
            process.stdin.close()
        except BrokenPipeError:
            pass  # it died before reading everything: its exit status says why
        for line in process.stdout:
            message = json.loads(line)
            if "refused" in message:
                raise refusal(message["refused"], message.get("params") or {})
            if message.get("end"):
                logger.debug("the sheet reader's peak memory: %s MB", message.get("peak_rss_mb"))
                return
            if "failed" in message:
                logger.error("the sheet reader failed: %s", message["failed"])
                break
            yield message
        status = process.wait()
        logger.warning("the sheet reader ended with status %s before the end of the file", status)
        if status in (sheet_reader.MEMORY_EXIT, -signal.SIGABRT, -signal.SIGSEGV):
            # A failed allocation: MemoryError in Python, an abort in python-calamine (Rust).
            raise ImportFileError(
                ImportRefusal.READER_FAILED, format_lazy(READER_MEMORY_MESSAGE, limit=memory_mb)
            )
        raise ImportFileError(ImportRefusal.READER_FAILED, READER_CRASH_MESSAGE)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()


def _child_rows(messages: Iterator[dict]) -> Iterator[tuple[int, list[str]]]:
    try:
        for message in messages:
            yield from ((number, cells) for number, cells in message.get("rows", ()))
    finally:
        messages.close()


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
    head.extend(itertools.islice(rows, HEADER_SEARCH_ROWS))
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
    rows_after = itertools.chain(head[index + 1 :], rows)
    return Table(header_row=header_row, headers=header_cells, positions=positions, _rows=rows_after)


def read_rows(path: str | Path, file_format: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """Every row of the first sheet as (row number, cells as strings), empty rows included."""
    return open_sheet(path, file_format or detect_format(str(path)) or "xlsx").rows
