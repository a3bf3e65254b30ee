"""Excel exports: scoped by the caller, audited, and safe to open (no formula injection)."""

import io
from datetime import date, datetime
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that starts like a formula is prefixed with ' so Excel shows it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


def workbook_bytes(headers: list[str], rows, *, sheet_name: str = "data", extra_sheets=()) -> bytes:
    """One sheet of ``headers`` and ``rows``; ``extra_sheets`` (name, headers, rows) follow it, in order."""
    buffer = io.BytesIO()
    # constant_memory streams rows to disk as they come: 10^5-row exports stay small in memory.
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "in_memory": False})  # fmt: skip
    bold = workbook.add_format({"bold": True})
    for name, sheet_headers, sheet_rows in [(sheet_name, headers, rows), *extra_sheets]:
        sheet = workbook.add_worksheet(str(name)[:31])
        for col, header in enumerate(sheet_headers):
            sheet.write_string(0, col, str(header), bold)
        for row_number, row in enumerate(sheet_rows, start=1):
            for col, value in enumerate(row):
                value = _cell(value)
                if isinstance(value, str):
                    sheet.write_string(row_number, col, value)
                else:
                    sheet.write(row_number, col, value)
    workbook.close()
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
