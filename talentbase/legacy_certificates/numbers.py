"""Certificate numbers checked against the formats kept as data (``catalog.CertificateNumberFormat``,
DOMAIN.md §8): the shape, then what the number says about itself against what the row says — the year of
issue, the level digit, the province. Plain functions over plain values, so that a form, an action and an
import of 10^5 rows share them; each refusal says which part contradicts what, in Chinese."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from talentbase.catalog.models import CertificateKind, CertificateNumberFormat
from talentbase.registry.identity import normalise_id_number

from .errors import CredentialError

# GB/T 2260 province-level prefixes [sure]: 31 is Shanghai.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)


class CertificateNumberError(ValueError):
    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


@dataclass(frozen=True)
class NumberFormat:
    pk: int
    code: str
    name: str
    kind: str
    regex: re.Pattern
    length: int
    description: str
    fixed_level_rank: int | None


@dataclass(frozen=True)
class NumberCheck:
    number: str
    format: NumberFormat
    kind: str
    year: int | None
    level_number: int | None
    province: str | None


def load_formats() -> list[NumberFormat]:
    """The active formats, in their order (the first that matches is taken)."""
    return [
        NumberFormat(
            f.pk,
            f.code,
            f.name,
            f.kind,
            re.compile(f.pattern),
            f.length,
            f.description,
            f.fixed_level.rank if f.fixed_level_id else None,
        )  # fmt: skip
        for f in CertificateNumberFormat.objects.filter(is_active=True).select_related("fixed_level")
    ]


def home_province() -> str:
    """The province of the platform's own institutions (Shanghai): a number they issued carries it."""
    return getattr(settings, "TALENTBASE_HOME_PROVINCE", "31")


def normalise_number(text: str) -> str:
    """A number as typed or read from a spreadsheet, in the registry's one form for document numbers (NFKC,
    no whitespace, dashes or invisible characters, upper case); a number a spreadsheet stored as a number
    (16 digits lose their end; "…0.0") is refused or repaired."""
    value = normalise_id_number(str(text or ""))
    if SCIENTIFIC.match(value):
        raise CertificateNumberError(
            CredentialError.NUMBER_FORMAT,
            _("证书编号被表格存成了数字（科学计数法），末尾几位已丢失：请把该列设为文本，重新填写"),
        )
    if re.fullmatch(r"\d+\.0+", value):
        value = value.split(".")[0]
    return value


def _kind_label(kind: str) -> str:
    return str(CertificateKind(kind).label)


def check_number(
    number: str,
    *,
    formats: list[NumberFormat],
    kind: str | None = None,
    level=None,
    issued_on: datetime.date | None = None,
    issuer_province: str | None = None,
) -> NumberCheck:
    """Check a normalised number; ``kind`` None means "take the kind the number's format says". ``level``
    is a catalog Level (or anything with ``name``, ``rank`` and ``national_number``)."""
    if not number:
        raise CertificateNumberError(CredentialError.NUMBER_FORMAT, _("请填写证书编号"))
    matching = [f for f in formats if f.regex.fullmatch(number)]
    if not matching:
        allowed = [f for f in formats if kind is None or f.kind == kind] or formats
        lengths = sorted({f.length for f in allowed})
        if len(number) not in lengths:
            raise CertificateNumberError(
                CredentialError.NUMBER_FORMAT,
                format_lazy(_("证书编号应为 {lengths} 位，这里是 {count} 位"),
                            lengths=" 或 ".join(str(n) for n in lengths), count=len(number)),
            )  # fmt: skip
        same_length = [f for f in allowed if f.length == len(number)]
        raise CertificateNumberError(
            CredentialError.NUMBER_FORMAT,
            format_lazy(_("证书编号格式不符，应为：{formats}"),
                        formats="；".join(f"{f.name}：{f.description}" for f in same_length)),
        )  # fmt: skip
    chosen = [f for f in matching if kind is None or f.kind == kind]
    if not chosen:
        raise CertificateNumberError(
            CredentialError.NUMBER_KIND,
            format_lazy(_("该编号是“{format}”的格式，与证书类型“{kind}”不符"),
                        format=matching[0].name, kind=_kind_label(kind)),
        )  # fmt: skip
    if level is not None and len(chosen) > 1:
        # Two formats of one length: prefer the one made for this level (特级技师).
        chosen.sort(key=lambda f: f.fixed_level_rank != level.rank)
    fmt = chosen[0]
    groups = fmt.regex.fullmatch(number).groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if year is not None and issued_on is not None and year != issued_on.year % 100:
        raise CertificateNumberError(
            CredentialError.NUMBER_YEAR,
            format_lazy(_("证书编号中的年份“{year}”与发证日期 {date} 不符"),
                        year=groups["year"], date=issued_on.isoformat()),
        )  # fmt: skip
    digit = int(groups["level"]) if groups.get("level") else None
    if level is not None:
        if digit is not None and level.national_number != digit:
            position = fmt.regex.fullmatch(number).start("level") + 1
            raise CertificateNumberError(
                CredentialError.NUMBER_LEVEL,
                format_lazy(_("证书编号第 {position} 位的等级“{digit}”与等级“{level}”不符"),
                            position=position, digit=digit, level=level.name),
            )  # fmt: skip
        if fmt.fixed_level_rank is not None and level.rank != fmt.fixed_level_rank:
            raise CertificateNumberError(
                CredentialError.NUMBER_LEVEL,
                format_lazy(
                    _("“{format}”的编号只用于该等级，与等级“{level}”不符"), format=fmt.name, level=level.name
                ),
            )
    province = groups.get("province")
    if province is not None:
        if province not in PROVINCES:
            raise CertificateNumberError(
                CredentialError.NUMBER_PROVINCE,
                format_lazy(_("证书编号中的省份代码“{code}”不存在"), code=province),
            )
        if issuer_province and province != issuer_province:
            raise CertificateNumberError(
                CredentialError.NUMBER_PROVINCE,
                format_lazy(_("证书编号中的省份代码“{code}”与发证机构所在省份（{expected}）不符"),
                            code=province, expected=issuer_province),
            )  # fmt: skip
    return NumberCheck(number, fmt, fmt.kind, year, digit, province)
