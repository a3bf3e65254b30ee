"""What is checked in an uploaded spreadsheet before a reader opens it, so that a small file cannot ask for
gigabytes (a cell at XFD1048576 makes python-calamine allocate the whole 16,384 × 1,048,576 grid; a
compressed part can expand a thousandfold).

For zip-based formats (.xlsx, .ods) the central directory is read (never extracted): the number of parts,
each part's declared size and compression ratio, their total. Then every part is inflated in a stream,
counting, so a part that inflates to more than it declares is refused too (its bytes are not kept). For
.xlsx, the first sheet's ``<dimension ref=…>`` is compared with the limits, and, as it streams past, the
cells the sheet really holds: python-calamine allocates the box from its first to its last cell, whatever
the dimension says. A refusal is a :class:`Refused` with the code of ``errors.ImportRefusal`` and the
figures its message names. .xls (OLE2) is not compressed: its grid is checked once open, and the reader's
child process (``sheet_reader``) bounds what opening it costs.

Plain Python, no Django: it runs in the reader's child process, with the limits the parent passes.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import asdict, dataclass

ZIP_MAGIC = b"PK\x03\x04"
MB = 1024 * 1024
# A part this small is not worth a ratio check: a short run of identical XML compresses well and costs nothing.
RATIO_FLOOR_BYTES = MB
INFLATE_CHUNK = 256 * 1024
EXCEL_MAX_ROWS, EXCEL_MAX_COLUMNS = 1_048_576, 16_384

# The codes of errors.ImportRefusal (their values: this module does not import Django).
TOO_MANY_PARTS = "import_too_many_parts"
EXPANDS_TOO_MUCH = "import_expands_too_much"
COMPRESSION_RATIO = "import_compression_ratio"
TOO_MANY_ROWS = "import_too_many_rows"
TOO_MANY_COLUMNS = "import_too_many_columns"
UNREADABLE = "import_unreadable"


@dataclass(frozen=True)
class Limits:
    """What one uploaded sheet may hold (settings ``TALENTBASE_IMPORT_MAX_*``)."""

    max_rows: int = 250_000
    max_columns: int = 100
    max_uncompressed_mb: int = 1024
    max_ratio: int = 100
    max_parts: int = 1000

    def as_dict(self) -> dict:
        return asdict(self)


class Refused(Exception):  # noqa: N818 (what happened to the file)
    """The file is refused before it is opened: ``code`` (an ``ImportRefusal`` value) and the figures its
    message names."""

    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


def check(content: bytes, limits: Limits) -> None:
    """Refuse a zip-based workbook whose parts or first sheet exceed the limits; other formats pass here."""
    if not content.startswith(ZIP_MAGIC):
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise Refused(UNREADABLE) from None
    check_parts(parts, limits)
    names = {part.filename for part in parts}
    first_sheet = first_xlsx_sheet(archive) if "xl/workbook.xml" in names else None
    # The first sheet is the one read; when the workbook does not say which it is, every sheet is measured.
    measured = {first_sheet} if first_sheet in names else set(filter(WORKSHEET_RE.fullmatch, names))
    for part in parts:
        scanner = SheetExtent(limits) if part.filename in measured else None
        inflate(content, part, limits, scanner)
        if scanner is not None:
            scanner.check(limits)


def check_parts(parts: list[zipfile.ZipInfo], limits: Limits) -> None:
    """The central directory against the limits: what the parts say they hold."""
    if len(parts) > limits.max_parts:
        raise Refused(TOO_MANY_PARTS, parts=len(parts), limit=limits.max_parts)
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > RATIO_FLOOR_BYTES:
            ratio = part.file_size / max(part.compress_size, 1)
            if ratio > limits.max_ratio:
                raise Refused(
                    COMPRESSION_RATIO, part=part.filename[:100], ratio=int(ratio), limit=limits.max_ratio
                )
    if total > limits.max_uncompressed_mb * MB:
        raise Refused(EXPANDS_TOO_MUCH, size_mb=total // MB, limit=limits.max_uncompressed_mb)


def inflate(content: bytes, part: zipfile.ZipInfo, limits: Limits, scanner: SheetExtent | None) -> None:
    """Inflate one part in a stream, keeping nothing: refused when it gives more than it declares (the
    readers do not stop at the declared size) or more than the limit; ``scanner`` sees the bytes."""
    if part.file_size == 0 and part.compress_size == 0:
        return
    if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or part.flag_bits & 0x1:
        raise Refused(UNREADABLE)  # another compression, or encrypted: nothing our readers handle
    start = data_offset(content, part)
    raw = memoryview(content)[start : start + part.compress_size]
    ceiling = min(part.file_size, limits.max_uncompressed_mb * MB)
    decompressor = zlib.decompressobj(-zlib.MAX_WBITS) if part.compress_type == zipfile.ZIP_DEFLATED else None
    produced = 0
    for offset in range(0, len(raw), INFLATE_CHUNK):
        chunk = raw[offset : offset + INFLATE_CHUNK]
        pending = bytes(chunk)
        while pending:
            if decompressor is None:
                data, pending = pending, b""
            else:
                try:
                    data = decompressor.decompress(pending, INFLATE_CHUNK)
                except zlib.error:
                    raise Refused(UNREADABLE) from None
                pending = decompressor.unconsumed_tail
            produced += len(data)
            if produced > ceiling:
                if produced > limits.max_uncompressed_mb * MB:
                    raise Refused(EXPANDS_TOO_MUCH, size_mb=produced // MB, limit=limits.max_uncompressed_mb)
                raise Refused(UNREADABLE)  # it inflates to more than it declares: a forged archive
            if scanner is not None:
                scanner.feed(data)
            if decompressor is not None and decompressor.eof:
                break


def data_offset(content: bytes, part: zipfile.ZipInfo) -> int:
    """Where a part's compressed bytes start: after its local header (whose name and extra lengths may
    differ from the central directory's)."""
    header = content[part.header_offset : part.header_offset + 30]
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise Refused(UNREADABLE)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return part.header_offset + 30 + name_length + extra_length


# --- xlsx: the first sheet

WORKSHEET_RE = re.compile(r"xl/worksheets/[^/]+\.xml")
SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\b(?:\w+:)?id=\"([^\"]+)\"")
RELATIONSHIP_RE = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
ATTRIBUTE_RE = re.compile(rb"\b(Id|Target)=\"([^\"]*)\"")


def first_xlsx_sheet(archive: zipfile.ZipFile) -> str | None:
    """The part of the workbook's first sheet (the one the import reads), from workbook.xml and its
    relationships; both are small (their size was checked)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relationships = archive.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, zlib.error):
        return None
    match = SHEET_RE.search(workbook)
    if match is None:
        return None
    for tag in RELATIONSHIP_RE.findall(relationships):
        attributes = dict(ATTRIBUTE_RE.findall(tag))
        if attributes.get(b"Id") == match.group(1):
            target = attributes.get(b"Target", b"").decode("utf-8", "replace")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([A-Za-z$0-9:]+)\"")
REFERENCE_RE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
ROW_TAG_RE = re.compile(rb"<(?:\w+:)?row\b[^>]*>")
CELL_TAG_RE = re.compile(rb"<(?:\w+:)?c[\s/>]")
CELL_REFERENCE_RE = re.compile(rb" r=\"[A-Z]{1,3}[0-9]{1,7}\"")
ROW_NUMBER_RE = re.compile(rb"\sr=\"([0-9]{1,7})\"")
DIMENSION_SEARCH_BYTES = 16 * 1024  # the dimension comes before the sheet data
DIGITS, LETTERS = "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = LETTERS[rest] + letters
    return letters


def above(limit: str, alphabet: str, longest: int) -> str:
    """A pattern for the numerals (digits, or column letters) above ``limit``: longer ones, or as long and
    greater at the first place they differ. It lets the scan look only at the cells past a limit."""
    if len(limit) > longest:
        return "(?!)"  # nothing is above it
    first = alphabet[1] if alphabet is DIGITS else alphabet[0]  # no leading zero
    options = []
    if len(limit) < longest:
        options.append(
            f"[{first}-{alphabet[-1]}][{alphabet[0]}-{alphabet[-1]}]{{{len(limit)},{longest - 1}}}"
        )
    for place, character in enumerate(limit):
        if character != alphabet[-1]:
            rest = len(limit) - place - 1
            following = f"[{alphabet[0]}-{alphabet[-1]}]{{{rest}}}" if rest else ""
            options.append(
                f"{limit[:place]}[{alphabet[alphabet.index(character) + 1]}-{alphabet[-1]}]{following}"
            )
    return "|".join(options)


class SheetExtent:
    """The rows and columns a sheet's XML declares (``<dimension>``) and the cells past the limits it really
    holds, read as it streams past (a tag cut between two chunks is carried over). Only the references past
    a limit are looked at, by a pattern made from the limit, so a roster within them costs one regex search
    per chunk. A cell written without a reference (allowed, rare) sits after the previous cell of its row,
    and a row without one after the previous row: such sheets are counted row by row."""

    def __init__(self, limits: Limits):
        self.head = b""
        self.declared: tuple[str, int, int] | None = None
        self.tail = b""
        self.max_row = self.max_column = 0
        rows = above(str(limits.max_rows), DIGITS, 7)
        columns = above(column_letters(limits.max_columns), LETTERS, 3)
        self.past_limits = re.compile(f' r="(?:({columns})[0-9]{{1,7}}|[A-Z]{{1,3}}({rows}))"'.encode())
        # Without references: the cells so far in the current row, the widest such run, rows without one.
        self.current_run = self.widest_run = self.unreferenced_rows = 0

    def feed(self, data: bytes) -> None:
        if self.declared is None and len(self.head) < DIMENSION_SEARCH_BYTES:
            self.head += data[:DIMENSION_SEARCH_BYTES]
            match = DIMENSION_RE.search(self.head)
            if match is not None:
                self.declared = declared_extent(match.group(1).decode())
        text = self.tail + data
        cut = text.rfind(b"<")
        text, self.tail = (text[:cut], text[cut:]) if cut >= 0 else (text, b"")
        if len(self.tail) > INFLATE_CHUNK:  # no tag is that long: not a sheet we can read
            raise Refused(UNREADABLE)
        for columns, rows in self.past_limits.findall(text):  # none in a sheet within the limits
            if columns:
                self.max_column = max(self.max_column, column_number(columns.decode()))
            else:
                self.max_row = max(self.max_row, int(rows))
        # Every cell and row tag has a reference (``<c`` also counts ``<col``, which only costs a slow chunk).
        if text.count(b"<c") + text.count(b"<row") > text.count(b' r="'):
            self._count_unreferenced(text)

    def _count_unreferenced(self, text: bytes) -> None:
        """The slow path, for sheets written without references: row by row."""
        self.unreferenced_rows += sum(1 for tag in ROW_TAG_RE.findall(text) if not ROW_NUMBER_RE.search(tag))
        for index, segment in enumerate(ROW_TAG_RE.split(text)):
            if index:
                self.current_run = 0  # a new row
            cells = len(CELL_TAG_RE.findall(segment)) - len(CELL_REFERENCE_RE.findall(segment))
            self.current_run += max(cells, 0)
            self.widest_run = max(self.widest_run, self.current_run)

    def check(self, limits: Limits) -> None:
        if self.declared is not None:
            reference, rows, columns = self.declared
            check_grid(rows, columns, limits, reference=reference)
        # Past a limit, or within it (0: none past it) and then moved on by the cells without a reference.
        check_grid(self.max_row + self.unreferenced_rows, self.max_column + self.widest_run, limits)


def declared_extent(reference: str) -> tuple[str, int, int]:
    """(the reference, rows, columns) a ``<dimension ref>`` declares from A1: "A1:L20001", or "XFD1048576"
    alone."""
    last = reference.split(":")[-1]
    match = REFERENCE_RE.fullmatch(last)
    if match is None:
        return reference, 0, 0
    return reference, int(match.group(2)), column_number(match.group(1))


def check_grid(rows: int, columns: int, limits: Limits, *, reference: str = "") -> None:
    """A sheet of ``rows`` × ``columns`` (declared by ``reference``, or found) against the limits."""
    where = {"reference": reference} if reference else {}
    if rows > limits.max_rows:
        raise Refused(TOO_MANY_ROWS, rows=rows, limit=limits.max_rows, **where)
    if columns > limits.max_columns:
        raise Refused(TOO_MANY_COLUMNS, columns=columns, limit=limits.max_columns, **where)
