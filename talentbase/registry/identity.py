"""Names, identity documents and mobile phones of persons: normalise, check, mask.

A person's name is stored as ``normalise_name`` gives it, whichever path writes it (the person form, the
actions, the imports, the demo world): "张 三" and "张三" are one spelling of one name.

One person per document number, whatever the case, spacing or full-width characters typed: every number
goes through ``normalise_id_number`` before it is checked, hashed for lookup or encrypted.

居民身份证号码 (GB 11643-1999, DOMAIN.md §6): refused on length, characters, check character and birth
date; a region code that python-stdnum does not know for the holder's birth year is only a warning,
because a number keeps the code of the place where it was first issued (浦东 310115 exists from 1992, yet
people born there in 1980 carry it) and stdnum's own region check refuses those real numbers.

Messages are lazy translations (``gettext_lazy`` + ``format_lazy``) so that this module works without
configured Django settings (imports, scripts, tests); they become text only when displayed.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import random
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

# Birth dates in a Chinese document are Chinese calendar days: "today" is today in China, whatever the
# server's time zone.
CHINA_TZ = ZoneInfo("Asia/Shanghai")
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

# Province-level codes of GB/T 2260 (the first two digits of a 居民身份证号码).
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82",
    }
)  # fmt: skip

# Dashes people type between groups of digits, in all the widths an input method offers.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"

MOBILE_RE = re.compile(r"1[3-9]\d{9}")
HK_MACAO_RE = re.compile(r"[HM]\d{8}(\d{2})?")
TAIWAN_RE = re.compile(r"\d{8}|[0-9A-Z]{10}")
FOREIGN_PR_2023_RE = re.compile(r"9\d{16}[0-9X]")
FOREIGN_PR_2017_RE = re.compile(r"[A-Z]{3}\d{12}")
PASSPORT_RE = re.compile(r"[A-Z0-9]{5,17}")
# What a spreadsheet cell holding the number as a float looks like once written out: 3.10101E+17,
# 310101199001011000.0
SCIENTIFIC_RE = re.compile(r"\d+(\.\d+)?E\+?\d+")
FLOAT_RE = re.compile(r"\d+\.\d+")


class IdType(models.TextChoices):
    RIC = "ric", _("居民身份证")
    HK_MACAO = "hk_macao", _("港澳居民来往内地通行证")
    TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")
    PASSPORT = "passport", _("护照")


class IdErrorCode(StrEnum):
    UNKNOWN_TYPE = "unknown_type"
    EMPTY = "empty"
    STORED_AS_NUMBER = "stored_as_number"
    OLD_FORMAT = "old_format"
    WRONG_LENGTH = "wrong_length"
    BAD_CHARACTERS = "bad_characters"
    BAD_CHECKSUM = "bad_checksum"
    UNKNOWN_PROVINCE = "unknown_province"
    IMPOSSIBLE_BIRTH_DATE = "impossible_birth_date"
    FUTURE_BIRTH_DATE = "future_birth_date"
    BIRTH_DATE_TOO_EARLY = "birth_date_too_early"
    BAD_FORMAT = "bad_format"
    BIRTH_DATE_MISMATCH = "birth_date_mismatch"
    GENDER_MISMATCH = "gender_mismatch"


class IdWarningCode(StrEnum):
    REGION_UNKNOWN = "region_unknown"
    REGION_NOT_AT_BIRTH = "region_not_at_birth"


class PhoneErrorCode(StrEnum):
    EMPTY = "empty"
    WRONG_LENGTH = "wrong_length"
    NOT_MOBILE = "not_mobile"


GENDER_LABELS = {"M": _("男"), "F": _("女")}


class IdNumberError(ValueError):
    """A document number refused, with a code for the API and a translatable Chinese message."""

    def __init__(self, code: str, message):
        super().__init__(code, message)
        self.code = str(code)
        self.message = message

    def __str__(self) -> str:
        try:
            return str(self.message)
        except ImproperlyConfigured:
            # Translating needs settings; a traceback in a script without them still shows the code.
            return self.code


class PhoneError(ValueError):
    """A phone number refused, with a code for the API and a translatable Chinese message."""

    def __init__(self, code: str, message):
        super().__init__(code, message)
        self.code = str(code)
        self.message = message

    def __str__(self) -> str:
        try:
            return str(self.message)
        except ImproperlyConfigured:
            # Translating needs settings; a traceback in a script without them still shows the code.
            return self.code


@dataclass
class IdCheck:
    """The outcome of an accepted number: its normalised form, what it says about the holder, and warnings.

    ``warnings`` holds the translatable messages, ``warning_codes`` the matching ``IdWarningCode`` values.
    """

    number: str
    birth_date: datetime.date | None = None
    gender: str | None = None
    warnings: list[str] = field(default_factory=list)
    warning_codes: list[str] = field(default_factory=list)

    def add_warning(self, code: str, message) -> None:
        self.warning_codes.append(str(code))
        self.warnings.append(message)


def today_in_china() -> datetime.date:
    return datetime.datetime.now(tz=CHINA_TZ).date()


def normalise_id_number(text: str) -> str:
    """The one stored form of a document number: NFKC, no whitespace or dashes, upper case.

    NFKC turns full-width digits and letters (１２３ＡＢ) and the ideographic space into ASCII; invisible
    format characters pasted from web pages (zero-width space) are dropped too.
    """
    text = text or ""
    if text.isascii() and text.isalnum():
        return text.upper()  # already clean, as nearly every cell is: nothing _typed_characters would drop
    return _typed_characters(text).upper()


def _typed_characters(text: str, *, drop: str = "") -> str:
    """The text in NFKC without whitespace, dashes, invisible format characters (a zero-width space pasted
    from a web page) or the characters in ``drop``: what a person typed, as the registry compares it."""
    return "".join(
        char
        for char in unicodedata.normalize("NFKC", text)
        if not (char.isspace() or char in DASHES or char in drop or unicodedata.category(char) == "Cf")
    )


def check_id_number(id_type: str, text: str, *, today: datetime.date | None = None) -> IdCheck:
    """Normalise and check a document number of the given type; refuse it with ``IdNumberError``.

    Returns the normalised number with the birth date and gender the number carries (居民身份证 and the
    2023 外国人永久居留身份证 only) and any warnings.
    """
    try:
        id_type = IdType(id_type)
    except ValueError:
        raise IdNumberError(IdErrorCode.UNKNOWN_TYPE, _("未知的证件类型")) from None
    number = normalise_id_number(text)
    if not number:
        raise IdNumberError(IdErrorCode.EMPTY, _("请填写证件号码"))
    today = today or today_in_china()
    if id_type == IdType.RIC:
        return check_ric(number, today=today)
    if id_type == IdType.HK_MACAO:
        return check_hk_macao_permit(number)
    if id_type == IdType.TAIWAN:
        return check_taiwan_permit(number)
    if id_type == IdType.FOREIGN_PR:
        return check_foreign_pr_card(number, today=today)
    return check_passport(number)


def check_ric(number: str, *, today: datetime.date) -> IdCheck:
    """Check a normalised 居民身份证号码 (GB 11643-1999): 17 digits and a MOD 11-2 check character.

    Refused: wrong length (with a hint when a spreadsheet lost digits), other characters, wrong check
    character, a province that does not exist, a birth date that is impossible, in the future or before
    1900. Warned: a region code stdnum does not know for the birth year.
    """
    refuse_spreadsheet_damage(number)
    if len(number) != 18:
        raise IdNumberError(
            IdErrorCode.WRONG_LENGTH,
            format_lazy(_("居民身份证号码应为 18 位，实际填写了 {count} 位"), count=len(number)),
        )
    if not (number[:17].isascii() and number[:17].isdigit() and number[17] in "0123456789X"):
        raise IdNumberError(
            IdErrorCode.BAD_CHARACTERS,
            _("居民身份证号码只能由数字组成，最后一位可以是 X"),
        )
    if ric.calc_check_digit(number) != number[17]:
        # Excel keeps 15 significant digits: an 18-digit number stored as a number ends in 000.
        if number.endswith("000"):
            raise IdNumberError(IdErrorCode.STORED_AS_NUMBER, stored_as_number_message(number))
        raise IdNumberError(
            IdErrorCode.BAD_CHECKSUM,
            _("居民身份证号码的校验位（最后一位）与前 17 位不符，号码中可能有输错的数字，请逐位核对"),
        )
    if number[:2] not in PROVINCE_CODES:
        raise IdNumberError(
            IdErrorCode.UNKNOWN_PROVINCE,
            format_lazy(_("居民身份证号码的前两位 {code} 不是有效的省级行政区划代码"), code=number[:2]),
        )
    birth_date = birth_date_at(number, 6, today=today)
    check = IdCheck(number=number, birth_date=birth_date, gender="M" if int(number[16]) % 2 else "F")
    add_region_warning(check)
    return check


def refuse_spreadsheet_damage(number: str) -> None:
    """Refuse numbers that show a spreadsheet stored them as numbers, or an old 15-digit number.

    A float keeps about 15 significant digits: the cell shows 3.10101E+17, or 310101199001011000, or the
    digits come out short. Saying so lets the clerk fix the column instead of retyping every row.
    """
    if SCIENTIFIC_RE.fullmatch(number) or FLOAT_RE.fullmatch(number):
        raise IdNumberError(IdErrorCode.STORED_AS_NUMBER, stored_as_number_message(number))
    if not (number.isascii() and number.isdigit()):
        return
    if len(number) == 15 and looks_like_old_format(number):
        raise IdNumberError(
            IdErrorCode.OLD_FORMAT,
            _("这是旧版 15 位居民身份证号码，请填写现行的 18 位号码"),
        )
    if 15 <= len(number) <= 17:
        raise IdNumberError(IdErrorCode.STORED_AS_NUMBER, stored_as_number_message(number))


def looks_like_old_format(number: str) -> bool:
    """A 15-digit number is an old card when digits 7-12 are a date YYMMDD of the 1900s.

    A truncated 18-digit number has YYYYMM there instead (199001 → month 90), which is not a date.
    """
    try:
        datetime.date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return False
    return True


def stored_as_number_message(number: str):
    """Why a spreadsheet-damaged number is refused; never quotes the number itself (messages reach logs)."""
    if number.isascii() and number.isdigit() and len(number) == 18:
        return _(
            "居民身份证号码以 000 结尾且校验位不符：电子表格把它存成了数字，末尾几位变成了 0；"
            "请把该列设置为“文本”格式，重新填写完整的 18 位号码后再导入"
        )
    if number.isascii() and number.isdigit():
        return format_lazy(
            _(
                "居民身份证号码应为 18 位，实际只有 {count} 位：看起来电子表格把它存成了数字，丢失了末尾几位；"
                "请把该列设置为“文本”格式，重新填写完整的号码后再导入"
            ),
            count=len(number),
        )
    return _(
        "证件号码显示为数字格式（如 3.10101E+17）：电子表格把它存成了数字，末尾几位已经丢失；"
        "请把该列设置为“文本”格式，重新填写完整的号码后再导入"
    )


def birth_date_at(number: str, start: int, *, today: datetime.date) -> datetime.date:
    """The birth date written as YYYYMMDD from ``start``; refused if impossible, future or before 1900."""
    digits = number[start : start + 8]
    try:
        birth_date = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise IdNumberError(
            IdErrorCode.IMPOSSIBLE_BIRTH_DATE,
            format_lazy(_("证件号码中的出生日期 {digits} 不是有效日期"), digits=digits),
        ) from None
    if birth_date > today:
        raise IdNumberError(
            IdErrorCode.FUTURE_BIRTH_DATE,
            format_lazy(_("证件号码中的出生日期 {date} 晚于今天"), date=birth_date.isoformat()),
        )
    if birth_date < EARLIEST_BIRTH_DATE:
        raise IdNumberError(
            IdErrorCode.BIRTH_DATE_TOO_EARLY,
            format_lazy(_("证件号码中的出生日期 {date} 早于 1900 年"), date=birth_date.isoformat()),
        )
    return birth_date


def add_region_warning(check: IdCheck) -> None:
    """Warn when stdnum does not know the region code for the holder's birth year.

    stdnum refuses a code that was created after the birth year (浦东 310115 from 1992) or abolished before
    it; real numbers keep the code of first issue, so this is a question for the clerk, not a refusal.
    """
    code = check.number[:6]
    status = region_status(code, check.number[6:10])
    if status != "ok":
        if status == "not_at_birth":
            check.add_warning(
                IdWarningCode.REGION_NOT_AT_BIRTH,
                format_lazy(
                    _(
                        "地区码 {code} 在 {year} 年（出生年份）尚未设立或已撤销；号码保留首次登记地的代码，请核对"
                    ),
                    code=code,
                    year=check.birth_date.year,
                ),
            )
        else:
            check.add_warning(
                IdWarningCode.REGION_UNKNOWN,
                format_lazy(_("地区码 {code} 不在行政区划代码表中，请核对"), code=code),
            )


@functools.lru_cache(maxsize=65536)
def region_status(code: str, birth_year: str) -> str:
    """ "ok", "not_at_birth" or "unknown" for a region code and a birth year. Cached: stdnum's lookup is
    half the time of a check, and a roster of 10^5 rows has a few thousand (code, year) pairs."""
    try:
        ric.get_birth_place(f"{code}{birth_year}0101" + "0000")
    # stdnum raises KeyError, not InvalidComponent, for a code whose prefecture it knows but not the county
    except (ValidationError, KeyError):
        return "not_at_birth" if region_code_known(code) else "unknown"
    return "ok"


def region_code_known(code: str) -> bool:
    """Whether stdnum's table (GB/T 2260 from 1980 on) names a county for this six-digit code, at any time."""
    parts = numdb.get("cn/loc").info(code)
    return any("county" in properties for _part, properties in parts)


def check_hk_macao_permit(number: str) -> IdCheck:
    """港澳居民来往内地通行证: H (Hong Kong) or M (Macao) and 8 digits; older cards have 10 digits."""
    if not HK_MACAO_RE.fullmatch(number):
        raise IdNumberError(
            IdErrorCode.BAD_FORMAT,
            _("港澳居民来往内地通行证号码应为字母 H 或 M 加 8 位数字（旧版为 10 位数字）"),
        )
    return IdCheck(number=number)


def check_taiwan_permit(number: str) -> IdCheck:
    """台湾居民来往大陆通行证: 8 digits; older permits have 10 letters or digits."""
    if not TAIWAN_RE.fullmatch(number):
        raise IdNumberError(
            IdErrorCode.BAD_FORMAT,
            _("台湾居民来往大陆通行证号码应为 8 位数字（旧版为 10 位数字或字母）"),
        )
    return IdCheck(number=number)


def check_foreign_pr_card(number: str, *, today: datetime.date) -> IdCheck:
    """外国人永久居留身份证: the 2023 card has 18 characters, the 2017 card 3 letters and 12 digits.

    The 2023 number starts with 9, carries the birth date in positions 7-14 and ends in a check character
    computed like the 居民身份证 one (ISO 7064 MOD 11-2).
    """
    if FOREIGN_PR_2017_RE.fullmatch(number):
        return IdCheck(number=number)
    if not FOREIGN_PR_2023_RE.fullmatch(number):
        raise IdNumberError(
            IdErrorCode.BAD_FORMAT,
            _("外国人永久居留身份证号码应为以 9 开头的 18 位号码，或旧版的 3 位字母加 12 位数字"),
        )
    if ric.calc_check_digit(number) != number[17]:
        raise IdNumberError(
            IdErrorCode.BAD_CHECKSUM,
            _("外国人永久居留身份证号码的校验位（最后一位）与前 17 位不符，请逐位核对"),
        )
    return IdCheck(number=number, birth_date=birth_date_at(number, 6, today=today))


def check_passport(number: str) -> IdCheck:
    """护照: 5 to 17 letters or digits (formats differ by issuing country)."""
    if not PASSPORT_RE.fullmatch(number):
        raise IdNumberError(
            IdErrorCode.BAD_FORMAT,
            format_lazy(_("护照号码应为 5 到 17 位字母或数字，实际填写了 {count} 位"), count=len(number)),
        )
    return IdCheck(number=number)


def check_birth_and_gender(check: IdCheck, *, birth_date: datetime.date | None, gender: str | None) -> None:
    """Refuse an entered birth date or gender ("M"/"F") that contradicts what the document number carries."""
    if birth_date is not None and check.birth_date is not None and birth_date != check.birth_date:
        raise IdNumberError(
            IdErrorCode.BIRTH_DATE_MISMATCH,
            format_lazy(
                _("填写的出生日期 {entered} 与证件号码中的出生日期 {derived} 不一致"),
                entered=birth_date.isoformat(),
                derived=check.birth_date.isoformat(),
            ),
        )
    if gender and check.gender and gender.upper() != check.gender:
        raise IdNumberError(
            IdErrorCode.GENDER_MISMATCH,
            format_lazy(
                _("填写的性别“{entered}”与证件号码中的性别“{derived}”不一致"),
                entered=GENDER_LABELS.get(gender.upper(), gender),
                derived=GENDER_LABELS[check.gender],
            ),
        )


def normalise_phone(text: str) -> str:
    """Digits of a phone as typed, without spaces, dashes, brackets or a +86 / 0086 / 86 country prefix."""
    text = text or ""
    # Already clean, as nearly every cell is: nothing _typed_characters would drop.
    phone = text if text.isascii() and text.isdigit() else _typed_characters(text, drop="()")
    # Only strip a prefix that leaves 11 digits: 86 alone could start a number from another country.
    for prefix in ("+86", "0086", "86"):
        if phone.startswith(prefix) and len(phone) == len(prefix) + 11:
            return phone[len(prefix) :]
    return phone


def check_phone(text: str) -> str:
    """The 11-digit mainland mobile number (1[3-9] and 9 digits) in the text, or ``PhoneError``."""
    phone = normalise_phone(text)
    if not phone:
        raise PhoneError(PhoneErrorCode.EMPTY, _("请填写手机号码"))
    if not (phone.isascii() and phone.isdigit()) or len(phone) != 11:
        raise PhoneError(
            PhoneErrorCode.WRONG_LENGTH,
            format_lazy(_("手机号码应为 11 位数字，实际填写了 {count} 个字符"), count=len(phone)),
        )
    if not MOBILE_RE.fullmatch(phone):
        raise PhoneError(PhoneErrorCode.NOT_MOBILE, _("手机号码应以 13 至 19 开头"))
    return phone


def _is_han(char: str) -> bool:
    return (
        "\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0003134f" or "\uf900" <= char <= "\ufaff"
    )


@functools.lru_cache(maxsize=65536)
def normalise_name(text: str) -> str:
    """A name as typed, cleaned: NFKC (full-width letters), no spaces between Han characters ("张 三"),
    single spaces elsewhere ("Anna  Li" → "Anna Li"). Cached: an import cleans each name twice (checking the
    row, then writing it) and a roster repeats common names."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    words = text.split()
    if len(words) <= 1:
        return text
    if all(_is_han(word[-1]) or _is_han(next_word[0]) for word, next_word in itertools.pairwise(words)):
        return "".join(words)
    return " ".join(words)


def mask_id_number(number: str) -> str:
    """Keep the first 4 and last 4 characters of a number of 12 or more, the first 2 and last 2 of a shorter
    one (5 to 11), nothing of 4 or fewer; stars in between."""
    if len(number) >= 12:
        return number[:4] + "*" * (len(number) - 8) + number[-4:]
    if len(number) >= 5:
        return number[:2] + "*" * (len(number) - 4) + number[-2:]
    return "*" * len(number)


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits of a phone ("138****5678"); shorter ones keep the last 2."""
    if len(phone) >= 8:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * max(len(phone) - 2, 0) + phone[-2:]


def mask_name(name: str) -> str:
    """Keep the first character and star the rest ("张三" → "张*"); a single character stays as it is."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


def synthetic_ric(
    rng: random.Random,
    *,
    region: str = "310101",
    birth_date: datetime.date | None = None,
    gender: str | None = None,
) -> str:
    """A checksum-valid 居民身份证号码 for demo data and tests: the region given, a birth date from
    1950-2005 unless given, a sequence whose last digit is odd for "M" and even for "F"."""
    if birth_date is None:
        start = datetime.date(1950, 1, 1)
        birth_date = start + datetime.timedelta(
            days=rng.randrange((datetime.date(2005, 12, 31) - start).days)
        )
    if gender is None:
        gender = rng.choice("MF")
    last_digit = rng.choice("13579" if gender == "M" else "02468")
    body = f"{region}{birth_date:%Y%m%d}{rng.randrange(100):02d}{last_digit}"
    # calc_check_digit expects the check character in place and ignores it.
    return body + ric.calc_check_digit(body + "0")
