"""Hostile spreadsheets, made at test time (never committed): each small on disk, each asking a reader for
far more than it holds. The zip is written by hand so that a part can be deflated once per megabyte and
repeated (deflate restarts after a full flush, so one compressed block stands for every copy), and so that
a part's declared size can lie.

    TALENTBASE_DEV=1 .venv/bin/python -m talentbase.core.tests.hostile_sheets OUT_DIR   # writes them all

- ``far_cell.xlsx``: a header at A1 and one cell at XFD1048576, declared as such (1.7 KB; python-calamine
  allocates the 512 GB grid between them and aborts);
- ``far_cell_undeclared.xlsx``: the same cell under a ``<dimension ref="A1">`` that lies;
- ``shared_strings_bomb.xlsx``: a shared-strings part of 2 GiB in ~2 MB;
- ``huge_xml.xlsx``: a sheet of ten cells whose XML is 1 GiB;
- ``forged_sizes.xlsx``: the same sheet declaring 1 MB (the central directory looks honest);
- ``content_bomb.ods``: an OpenDocument sheet whose content.xml is 2 GiB;
- ``repeated_cells.ods``: 1 KB of XML repeating one cell over 16,384 columns and 1,048,576 rows.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

MIB = 1024 * 1024
BLOCK = MIB

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    b"</Types>"
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


class Part:
    """A zip member already compressed: its raw deflate bytes (or stored bytes), CRC and true size, and
    the size its headers declare (the true one unless forged)."""

    def __init__(
        self, name: str, data: bytes = b"", *, raw=None, crc=None, size=None, declared=None, stored=False
    ):
        self.name = name.encode()
        if raw is None:
            if stored:
                raw = data
            else:
                compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
                raw = compressor.compress(data) + compressor.flush()
            crc, size = zlib.crc32(data), len(data)
        self.raw, self.crc, self.size = raw, crc, size
        self.declared = size if declared is None else declared
        self.method = 0 if stored else 8


def repeated(name: str, head: bytes, unit: bytes, total: int, tail: bytes, **options) -> Part:
    """A part of ``head``, ``unit`` repeated to about ``total`` bytes, then ``tail``: one block deflated
    once and its compressed bytes repeated."""
    block = unit * (BLOCK // len(unit))
    count = max(1, total // len(block))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert first == again, "a full flush restarts deflate: every copy compresses the same"
    end = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _copy in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    raw = start + first * count + end
    return Part(name, raw=raw, crc=crc, size=len(head) + len(block) * count + len(tail), **options)


def write_zip(path: Path, parts: list[Part]) -> Path:
    """A plain zip (no zip64: every size under 4 GiB), written member by member."""
    body, directory = bytearray(), bytearray()
    for part in parts:
        offset = len(body)
        fields = (20, 0, part.method, 0, 0x21, part.crc & 0xFFFFFFFF, len(part.raw), part.declared, len(part.name))  # fmt: skip
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields, 0) + part.name + part.raw
        directory += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset)
        directory += part.name
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))
    return path


def xlsx_parts(sheet: Part, *, shared_strings: Part | None = None) -> list[Part]:
    parts = [
        Part("[Content_Types].xml", CONTENT_TYPES),
        Part("_rels/.rels", ROOT_RELS),
        Part("xl/workbook.xml", WORKBOOK),
        Part("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        sheet,
    ]
    return [*parts, shared_strings] if shared_strings is not None else parts


def far_cell(path: Path, *, dimension: str = "A1:XFD1048576") -> Path:
    """A header cell at A1 and one cell at XFD1048576: python-calamine allocates the box between them,
    1,048,576 × 16,384 cells of 32 bytes (512 GB), and aborts the process."""
    sheet = Part("xl/worksheets/sheet1.xml", SHEET_HEAD + f'<dimension ref="{dimension}"/><sheetData>'.encode()
                 + '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'.encode()
                 + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')  # fmt: skip
    return write_zip(path, xlsx_parts(sheet))


def shared_strings_bomb(path: Path, total: int = 2048 * MIB) -> Path:
    sheet = Part("xl/worksheets/sheet1.xml", SHEET_HEAD + b'<dimension ref="A1"/>'
                 b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>')  # fmt: skip
    strings = repeated(
        "xl/sharedStrings.xml",
        b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
        b"<si><t>" + b"a" * 4000 + b"</t></si>", total, b"</sst>",
    )  # fmt: skip
    return write_zip(path, xlsx_parts(sheet, shared_strings=strings))


def huge_xml(path: Path, total: int = 1024 * MIB, *, forged: bool = False) -> Path:
    """Ten cells declared A1:A10; the tenth holds ``total`` bytes of text."""
    rows = b"".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'.encode() for n in range(1, 10))
    head = (
        SHEET_HEAD
        + b'<dimension ref="A1:A10"/><sheetData>'
        + rows
        + b'<row r="10"><c r="A10" t="inlineStr"><is><t>'
    )
    sheet = repeated("xl/worksheets/sheet1.xml", head, b"x", total, b"</t></is></c></row></sheetData></worksheet>",
                     declared=MIB if forged else None)  # fmt: skip
    return write_zip(path, xlsx_parts(sheet))


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ODS_MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    b'<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    b"</manifest:manifest>"
)
ODS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    b'<office:body><office:spreadsheet><table:table table:name="Sheet1">'
)
ODS_TAIL = b"</table:table></office:spreadsheet></office:body></office:document-content>"
ODS_CELL = (
    b'<table:table-cell office:value-type="string"><text:p>' + b"x" * 4000 + b"</text:p></table:table-cell>"
)


def ods_parts(content: Part) -> list[Part]:
    return [
        Part("mimetype", ODS_MIMETYPE, stored=True),
        Part("META-INF/manifest.xml", ODS_MANIFEST),
        content,
    ]


def content_bomb(path: Path, total: int = 2048 * MIB) -> Path:
    row = b"<table:table-row>" + ODS_CELL + b"</table:table-row>"
    return write_zip(path, ods_parts(repeated("content.xml", ODS_HEAD, row, total, ODS_TAIL)))


def repeated_cells(path: Path) -> Path:
    row = (
        b'<table:table-row table:number-rows-repeated="1048576">'
        b'<table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p>'
        b"</table:table-cell></table:table-row>"
    )
    return write_zip(path, ods_parts(Part("content.xml", ODS_HEAD + row + ODS_TAIL)))


MAKERS = {
    "far_cell.xlsx": far_cell,
    "far_cell_undeclared.xlsx": lambda path: far_cell(path, dimension="A1"),
    "shared_strings_bomb.xlsx": shared_strings_bomb,
    "huge_xml.xlsx": huge_xml,
    "forged_sizes.xlsx": lambda path: huge_xml(path, forged=True),
    "content_bomb.ods": content_bomb,
    "repeated_cells.ods": repeated_cells,
}


def make(name: str, folder: Path) -> Path:
    return MAKERS[name](Path(folder) / name)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    for name in MAKERS:
        made = make(name, out)
        print(f"{made}: {made.stat().st_size:,} bytes")
