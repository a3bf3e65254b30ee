"""The reader's child process: an uploaded sheet is checked (``safety``) and read here, under a memory and a
CPU limit, and its rows come back to the parent through a pipe, rendered as strings, a chunk at a time. A
file that makes the reader crash (a grid too big to allocate, an allocation failure in python-calamine, an
endless file) ends this process, not the worker: the parent fails the batch with a message.

The parent (``reading.open_sheet``) runs ``python -m talentbase.core.imports.sheet_reader LIMITS FORMAT``,
writes the file's content to its stdin and reads JSON lines from its stdout: first ``{"merged": …}``, then
``{"rows": [[number, [cell, …]], …]}`` chunks, then ``{"end": true}``; or ``{"refused": code, "params": …}``
(the parent words the message). No Django here, and no key in the environment: the child never sees the
database or the encryption keys, only the decrypted content of the one file.

Cost: python-calamine builds the sheet's whole grid before giving the first row (its ``iter_rows`` iterates
a range already read), so the child's memory is the grid's (cells actually present, bounded by the row and
column limits checked before opening), and the parent's is one chunk of rows.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import decimal
import io
import json
import resource
import sys
from collections.abc import Iterator

from talentbase.core.imports import safety

# What core.exports.workbooks.neutralise puts before a cell that starts like a formula; read back without it.
NEUTRALISED_PREFIXES = ("'=", "'+", "'-", "'@")
FLOAT_INTEGER_LIMIT = 2**53  # past this a float no longer holds every integer: digits were lost
CHUNK_ROWS = 500
MB = 1024 * 1024
# What the parent makes of a child that ended without saying why (the message names the limit).
MEMORY_EXIT = 3
FAILED_EXIT = 2


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


# --- The formats


def workbook_messages(content: bytes, limits: safety.Limits) -> Iterator[dict]:
    from python_calamine import CalamineWorkbook

    safety.check(content, limits)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
    except Exception:  # noqa: BLE001 — calamine raises several types (CalamineError, ZipError, XmlError…)
        raise safety.Refused(safety.UNREADABLE) from None
    # .xls and .ods were not measured before opening: their grid is checked now, before it is read.
    safety.check_grid(sheet.total_height, sheet.total_width, limits)
    start_col = sheet.start[1] if sheet.start else 0
    merged = [
        ((first[0], first[1] - start_col), (last[0], last[1] - start_col))
        for first, last in (sheet.merged_cell_ranges or [])
    ]
    yield {"merged": merged}
    chunk: list = []
    # calamine gives rows from the sheet's first row, cells from its first used column.
    for index, cells in enumerate(sheet.iter_rows()):
        chunk.append((index + 1, [render_cell(value) for value in cells]))
        if len(chunk) >= CHUNK_ROWS:
            yield {"rows": chunk}
            chunk = []
    if chunk:
        yield {"rows": chunk}
    workbook.close()


def csv_text(content: bytes) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else GB18030 (a superset of GBK
    and GB2312, what Excel on a Chinese Windows writes)."""
    try:
        return codecs.decode(content, "utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("gb18030")


def csv_messages(content: bytes, limits: safety.Limits) -> Iterator[dict]:
    yield {"merged": []}
    try:
        handle = io.StringIO(csv_text(content), newline="")
        sample = handle.read(64 * 1024)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        chunk: list = []
        for number, cells in enumerate(csv.reader(handle, dialect), start=1):
            if number > limits.max_rows:
                raise safety.Refused(safety.TOO_MANY_ROWS, rows=number, limit=limits.max_rows)
            if len(cells) > limits.max_columns:
                raise safety.Refused(safety.TOO_MANY_COLUMNS, columns=len(cells), limit=limits.max_columns)
            chunk.append((number, [render_cell(cell) for cell in cells]))
            if len(chunk) >= CHUNK_ROWS:
                yield {"rows": chunk}
                chunk = []
        if chunk:
            yield {"rows": chunk}
    except (UnicodeDecodeError, csv.Error):
        raise safety.Refused(safety.UNREADABLE, format="csv") from None


def messages(content: bytes, file_format: str, limits: safety.Limits) -> Iterator[dict]:
    try:
        if file_format == "csv":
            yield from csv_messages(content, limits)
        else:
            yield from workbook_messages(content, limits)
    except safety.Refused as refusal:
        yield {"refused": refusal.code, "params": refusal.params}
        return
    yield {"end": True, "peak_rss_mb": peak_memory_mb()}


def peak_memory_mb() -> int:
    """This process's peak resident memory since it started its program (VmHWM: getrusage's maximum
    also counts the parent's pages before exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


# --- The child's entry point


def limit_resources(memory_mb: int, cpu_seconds: int) -> None:
    """Set before anything is read: the address space (a failed allocation ends the process, or raises
    MemoryError) and the CPU time (SIGXCPU, then SIGKILL)."""
    if memory_mb:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * MB, memory_mb * MB))
    if cpu_seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def main(argv: list[str]) -> int:
    options = json.loads(argv[1])
    file_format = argv[2]
    limit_resources(options.pop("memory_mb", 0), options.pop("cpu_seconds", 0))
    limits = safety.Limits(**options)
    out = sys.stdout.buffer
    try:
        content = sys.stdin.buffer.read()
        for message in messages(content, file_format, limits):
            out.write(json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode())
            out.write(b"\n")
        out.flush()
    except MemoryError:
        return MEMORY_EXIT
    except BrokenPipeError:  # the parent stopped reading (it had the rows it needed)
        return 0
    except BaseException as error:  # noqa: BLE001 — a Rust panic is a BaseException (pyo3): said to the parent
        if isinstance(error, SystemExit | KeyboardInterrupt):
            raise
        out.write(json.dumps({"failed": type(error).__name__}).encode() + b"\n")
        out.flush()
        return FAILED_EXIT
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
