"""Reading typed values out of imported cells: dates in the forms clerks type, coded choices."""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.utils.translation import gettext_lazy as _

DATE_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)
COMPACT_DATE_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
EXCEL_SERIAL_RE = re.compile(r"\d{4,5}(?:\.0+)?")
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 is 1900-01-01, counting Excel's 1900-02-29


class CellValueError(ValueError):
    """A cell that cannot be read as the column's type; ``message`` is a translatable Chinese text."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def parse_date(text: str) -> datetime.date | None:
    """A date from "2020-01-31", "2020/1/31", "2020.1.31", "2020年1月31日", "20200131", a date-time, or an
    Excel serial day number (a date cell formatted as a number); None for an empty cell."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return None
    match = DATE_RE.fullmatch(text) or COMPACT_DATE_RE.fullmatch(text)
    try:
        if match:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        if EXCEL_SERIAL_RE.fullmatch(text):
            serial = int(float(text))
            if 1 <= serial <= 109_574:  # up to 2199-12-31
                return EXCEL_EPOCH + datetime.timedelta(days=serial)
    except ValueError:
        raise CellValueError(_("不是有效日期")) from None
    raise CellValueError(_("日期格式无法识别，请填写如 2020-01-31"))
