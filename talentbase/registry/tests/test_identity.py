"""Rules of identity numbers and phones (DOMAIN.md §6, STACK.md "Chinese data").

These tests need no database and run with or without the project's settings; where a message's text is
checked, settings are configured minimally if nobody did, and translation is switched off.
"""

import datetime
import random
import unicodedata

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from talentbase.registry.identity import (
    DASHES,
    IdCheck,
    IdErrorCode,
    IdNumberError,
    IdType,
    IdWarningCode,
    PhoneError,
    PhoneErrorCode,
    check_birth_and_gender,
    check_id_number,
    check_phone,
    mask_id_number,
    mask_name,
    mask_phone,
    normalise_id_number,
    normalise_phone,
    synthetic_ric,
)

if not settings.configured:
    settings.configure(USE_I18N=False)

TODAY = datetime.date(2026, 6, 1)


def with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def refusal(id_type: str, text: str, today: datetime.date = TODAY) -> IdNumberError:
    with pytest.raises(IdNumberError) as caught:
        check_id_number(id_type, text, today=today)
    return caught.value


def message_text(error: Exception) -> str:
    # The source (Chinese) text, whatever language the project's settings activate.
    with translation.override(None):
        return str(error)


# --- python-stdnum's own examples (stdnum/cn/ric.py docstring, tests/test_cn_ric.doctest) -------------


@pytest.mark.parametrize(
    ("number", "birth_date"),
    [
        ("360426199101010071", datetime.date(1991, 1, 1)),
        ("44011320141005001x", datetime.date(2014, 10, 5)),
        ("412723199010050012", datetime.date(1990, 10, 5)),
        ("110102199101010078", datetime.date(1991, 1, 1)),
        ("120110198012010073", datetime.date(1980, 12, 1)),
        ("120110199212010072", datetime.date(1992, 12, 1)),
    ],
)
def test_stdnum_valid_examples_are_accepted(number, birth_date):
    check = check_id_number(IdType.RIC, number, today=TODAY)
    assert check.number == number.upper()
    assert check.birth_date == birth_date
    assert check.gender == ("M" if int(number[16]) % 2 else "F")
    assert check.warning_codes == []


def test_stdnum_example_with_lower_case_x_is_stored_upper_case():
    assert check_id_number(IdType.RIC, "44011320141005001x", today=TODAY).number == "44011320141005001X"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("T60426199101010078", IdErrorCode.BAD_CHARACTERS),
        ("360426199113010079", IdErrorCode.IMPOSSIBLE_BIRTH_DATE),
        ("36042619910102009X", IdErrorCode.BAD_CHECKSUM),
        ("990426199112010074", IdErrorCode.UNKNOWN_PROVINCE),
    ],
)
def test_stdnum_invalid_examples_are_refused(number, code):
    assert refusal(IdType.RIC, number).code == code


@pytest.mark.parametrize(
    "number",
    [
        "110111198012010078",  # stdnum: county not registered yet in the birth year
        "110201199312010077",  # stdnum: county abolished before the birth year
    ],
)
def test_stdnum_region_refusals_are_only_warnings(number):
    check = check_id_number(IdType.RIC, number, today=TODAY)
    assert check.warning_codes == [IdWarningCode.REGION_NOT_AT_BIRTH]
    assert len(check.warnings) == 1


# --- the rules of this project --------------------------------------------------------------------


def test_pudong_number_of_someone_born_in_1980_is_accepted_with_a_warning():
    number = with_check_digit("31011519800101123")
    with pytest.raises(ric.InvalidComponent):
        ric.validate(number)  # why we do not call stdnum's validate
    check = check_id_number(IdType.RIC, number, today=TODAY)
    assert check.birth_date == datetime.date(1980, 1, 1)
    assert check.warning_codes == [IdWarningCode.REGION_NOT_AT_BIRTH]
    assert "310115" in message_text(check.warnings[0])


def test_chongming_district_code_before_2016_is_accepted_with_a_warning():
    check = check_id_number(IdType.RIC, with_check_digit("31015120000101123"), today=TODAY)
    assert check.warning_codes == [IdWarningCode.REGION_NOT_AT_BIRTH]


def test_region_code_that_never_existed_in_a_real_province_is_a_warning():
    check = check_id_number(IdType.RIC, with_check_digit("31019919800101123"), today=TODAY)
    assert check.warning_codes == [IdWarningCode.REGION_UNKNOWN]


@pytest.mark.parametrize("province", ["00", "10", "20", "39", "47", "60", "70", "80", "90", "99"])
def test_number_from_a_province_that_does_not_exist_is_refused(province):
    number = with_check_digit(f"{province}010119800101123")
    assert refusal(IdType.RIC, number).code == IdErrorCode.UNKNOWN_PROVINCE


@pytest.mark.parametrize(
    "body",
    [
        "31010119900230123",  # 30 February
        "31010119900431123",  # 31 April
        "31010120010229123",  # 29 February of a common year
        "31010119901301123",  # month 13
        "31010119900100123",  # day 0
    ],
)
def test_impossible_birth_dates_are_refused(body):
    assert refusal(IdType.RIC, with_check_digit(body)).code == IdErrorCode.IMPOSSIBLE_BIRTH_DATE


def test_leap_day_of_a_leap_year_is_accepted():
    check = check_id_number(IdType.RIC, with_check_digit("31010120000229123"), today=TODAY)
    assert check.birth_date == datetime.date(2000, 2, 29)


def test_birth_date_after_today_is_refused():
    number = synthetic_ric(random.Random(1), birth_date=datetime.date(2026, 6, 2))
    assert refusal(IdType.RIC, number, today=TODAY).code == IdErrorCode.FUTURE_BIRTH_DATE
    assert check_id_number(IdType.RIC, number, today=datetime.date(2026, 6, 2)).birth_date == datetime.date(
        2026, 6, 2
    )


def test_birth_date_before_1900_is_refused():
    number = synthetic_ric(random.Random(1), birth_date=datetime.date(1899, 12, 31))
    assert refusal(IdType.RIC, number).code == IdErrorCode.BIRTH_DATE_TOO_EARLY


def test_today_defaults_to_the_date_in_china():
    assert check_id_number(IdType.RIC, "360426199101010071").birth_date == datetime.date(1991, 1, 1)


@given(
    rng=st.randoms(use_true_random=False),
    birth_date=st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY),
    gender=st.sampled_from(["M", "F"]),
    region=st.sampled_from(["310101", "310115", "310151", "110102", "440113", "650102", "310230"]),
)
def test_every_valid_number_is_accepted_with_its_birth_date_and_gender(rng, birth_date, gender, region):
    number = synthetic_ric(rng, region=region, birth_date=birth_date, gender=gender)
    check = check_id_number(IdType.RIC, number, today=TODAY)
    assert check.number == number
    assert check.birth_date == birth_date
    assert check.gender == gender


@given(rng=st.randoms(use_true_random=False), position=st.integers(0, 17), data=st.data())
def test_every_single_character_change_is_refused(rng, position, data):
    number = synthetic_ric(rng, birth_date=datetime.date(1985, 5, 17))
    alphabet = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([char for char in alphabet if char != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(IdNumberError):
        check_id_number(IdType.RIC, changed, today=TODAY)


def test_every_other_check_character_is_refused():
    number = synthetic_ric(random.Random(7), birth_date=datetime.date(1985, 5, 17))
    for char in "0123456789X":
        if char != number[-1]:
            assert refusal(IdType.RIC, number[:-1] + char).code == IdErrorCode.BAD_CHECKSUM


def test_full_width_digits_spaces_and_hyphens_are_normalised():
    typed = "３１０１０１　1990-0101 ２３４ｘ"
    assert normalise_id_number(typed) == "31010119900101234X"
    number = with_check_digit("31010119900101234")
    full_width = "".join(chr(ord(char) + 0xFEE0) for char in number)
    assert (
        check_id_number(IdType.RIC, f" {full_width[:6]}\u3000{full_width[6:]} ", today=TODAY).number == number
    )


def test_zero_width_characters_pasted_from_a_web_page_are_dropped():
    assert normalise_id_number("3101\u200b01") == "310101"


@pytest.mark.parametrize(
    "text", ["3101011990010112", "31010119900101123", "3.10101E+17", "3.10101199001011E+17"]
)
def test_numbers_damaged_by_a_spreadsheet_say_so(text):
    error = refusal(IdType.RIC, text)
    assert error.code == IdErrorCode.STORED_AS_NUMBER
    assert "文本" in message_text(error)
    if text.isdigit():
        assert text not in message_text(error)  # messages reach logs: never the number itself


def test_fifteen_digits_from_a_truncated_new_number_say_stored_as_number():
    error = refusal(IdType.RIC, "310101199001011")
    assert error.code == IdErrorCode.STORED_AS_NUMBER
    assert "15" in message_text(error)


def test_eighteen_digits_ending_in_000_with_a_wrong_check_say_stored_as_number():
    # 310101199001011234 kept to 15 significant digits
    assert refusal(IdType.RIC, "310101199001011000").code == IdErrorCode.STORED_AS_NUMBER


def test_valid_number_ending_in_000_is_accepted():
    bodies = (f"310101199001{day:02d}{digit}00" for day in range(1, 29) for digit in range(10))
    number = next(number for number in map(with_check_digit, bodies) if number.endswith("000"))
    assert check_id_number(IdType.RIC, number, today=TODAY).gender == "F"


def test_old_fifteen_digit_number_asks_for_the_eighteen_digit_one():
    error = refusal(IdType.RIC, "310101900101123")
    assert error.code == IdErrorCode.OLD_FORMAT
    assert "18" in message_text(error)


@pytest.mark.parametrize("text", ["3101011990", "3101011990010112345", "31010119900101123456"])
def test_wrong_length_says_how_many_characters_were_given(text):
    error = refusal(IdType.RIC, text)
    assert error.code == IdErrorCode.WRONG_LENGTH
    assert str(len(text)) in message_text(error)


def test_letters_inside_the_number_are_refused():
    assert refusal(IdType.RIC, "31010119900101A234").code == IdErrorCode.BAD_CHARACTERS


def test_empty_number_and_unknown_type_are_refused():
    assert refusal(IdType.RIC, " \u3000 ").code == IdErrorCode.EMPTY
    assert refusal("driving_licence", "123456").code == IdErrorCode.UNKNOWN_TYPE


# --- other documents --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_type", "text", "number"),
    [
        (IdType.HK_MACAO, "h1234 5678", "H12345678"),
        (IdType.HK_MACAO, "M1234567801", "M1234567801"),
        (IdType.TAIWAN, "12345678", "12345678"),
        (IdType.TAIWAN, "1234567890", "1234567890"),
        (IdType.TAIWAN, "12345678B0", "12345678B0"),
        (IdType.FOREIGN_PR, "usa 310075011001", "USA310075011001"),
        (IdType.PASSPORT, "e1234 5678", "E12345678"),
        (IdType.PASSPORT, "AB123", "AB123"),
    ],
)
def test_other_documents_in_their_formats_are_accepted_without_birth_date(id_type, text, number):
    check = check_id_number(id_type, text, today=TODAY)
    assert check.number == number
    assert check.birth_date is None
    assert check.gender is None


@pytest.mark.parametrize(
    ("id_type", "text"),
    [
        (IdType.HK_MACAO, "A12345678"),
        (IdType.HK_MACAO, "H1234567"),
        (IdType.HK_MACAO, "H123456789"),
        (IdType.TAIWAN, "1234567"),
        (IdType.TAIWAN, "123456789"),
        (IdType.FOREIGN_PR, "US310075011001"),
        (IdType.FOREIGN_PR, "310101199001011234"),
        (IdType.PASSPORT, "E123"),
        (IdType.PASSPORT, "E12345678901234567"),
        (IdType.PASSPORT, "E1234567/"),
    ],
)
def test_other_documents_out_of_format_are_refused(id_type, text):
    assert refusal(id_type, text).code == IdErrorCode.BAD_FORMAT


def test_new_foreign_permanent_residence_card_carries_its_birth_date():
    number = with_check_digit("93184019850517001")
    check = check_id_number(IdType.FOREIGN_PR, number, today=TODAY)
    assert check.birth_date == datetime.date(1985, 5, 17)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert refusal(IdType.FOREIGN_PR, wrong).code == IdErrorCode.BAD_CHECKSUM
    assert refusal(IdType.FOREIGN_PR, with_check_digit("93184019850230001")).code == (
        IdErrorCode.IMPOSSIBLE_BIRTH_DATE
    )


# --- entered facts against the number ---------------------------------------------------------------


def test_entered_birth_date_or_gender_must_match_the_number():
    check = check_id_number(IdType.RIC, "360426199101010071", today=TODAY)
    check_birth_and_gender(check, birth_date=datetime.date(1991, 1, 1), gender="M")
    check_birth_and_gender(check, birth_date=None, gender=None)
    with pytest.raises(IdNumberError) as caught:
        check_birth_and_gender(check, birth_date=datetime.date(1991, 1, 2), gender="M")
    assert caught.value.code == IdErrorCode.BIRTH_DATE_MISMATCH
    assert "1991-01-02" in message_text(caught.value)
    assert "1991-01-01" in message_text(caught.value)
    with pytest.raises(IdNumberError) as caught:
        check_birth_and_gender(check, birth_date=datetime.date(1991, 1, 1), gender="F")
    assert caught.value.code == IdErrorCode.GENDER_MISMATCH
    assert "女" in message_text(caught.value)
    assert "男" in message_text(caught.value)


def test_documents_without_birth_date_accept_any_entered_one():
    check_birth_and_gender(IdCheck(number="E12345678"), birth_date=datetime.date(1970, 1, 1), gender="F")


# --- phones -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+86-13812345678",
        "0086 13812345678",
        "8613812345678",
        "(+86) 138 1234 5678",
        "１３８１２３４５６７８",
        "\u3000138\u300012345678 ",
    ],
)
def test_mobile_phone_variants_give_the_eleven_digits(text):
    assert check_phone(text) == "13812345678"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", PhoneErrorCode.EMPTY),
        ("1381234567", PhoneErrorCode.WRONG_LENGTH),
        ("138123456789", PhoneErrorCode.WRONG_LENGTH),
        ("021-12345678", PhoneErrorCode.NOT_MOBILE),  # a landline with its area code
        ("1381234567a", PhoneErrorCode.WRONG_LENGTH),
        ("12812345678", PhoneErrorCode.NOT_MOBILE),
        ("23812345678", PhoneErrorCode.NOT_MOBILE),
    ],
)
def test_other_phones_are_refused(text, code):
    with pytest.raises(PhoneError) as caught:
        check_phone(text)
    assert caught.value.code == code


def test_eighty_six_is_only_a_prefix_when_eleven_digits_follow():
    assert normalise_phone("8613812345678") == "13812345678"
    assert normalise_phone("86123") == "86123"


def test_phone_message_is_chinese():
    with pytest.raises(PhoneError) as caught:
        check_phone("1381234567")
    assert "11" in message_text(caught.value)


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_every_mobile_number_is_accepted_as_itself(phone):
    assert check_phone(phone) == phone
    assert check_phone("+86 " + phone) == phone


# --- masking ----------------------------------------------------------------------------------------


def test_masking():
    assert mask_id_number("310101199001011234") == "3101**********1234"
    assert mask_id_number("31010119900101123X") == "3101**********123X"
    assert mask_id_number("H12345678") == "H1*****78"
    assert mask_id_number("1234") == "****"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("张") == "张"
    assert mask_name("") == ""


@given(st.text(alphabet="0123456789X", min_size=5, max_size=18))
def test_a_masked_number_never_shows_more_than_eight_characters(number):
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    assert "*" in masked
    assert len(masked.replace("*", "")) <= 8


# --- synthetic numbers ------------------------------------------------------------------------------


def test_synthetic_numbers_pass_stdnum_checksum_and_are_repeatable():
    first = synthetic_ric(random.Random(42), region="310104", gender="F")
    assert first == synthetic_ric(random.Random(42), region="310104", gender="F")
    assert ric.calc_check_digit(first) == first[-1]
    assert first.startswith("310104")
    assert int(first[16]) % 2 == 0


# --- The fast path of clean cells gives what the full normalisation gives


def _normalised_the_long_way(text: str, drop: str) -> str:
    """The normalisation spelled out character by character, as it was before clean cells took a short cut."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        char
        for char in text
        if not (char.isspace() or char in DASHES or char in drop or unicodedata.category(char) == "Cf")
    )


CELL_TEXT = st.one_of(
    st.text(alphabet="0123456789Xx", max_size=20),
    st.text(alphabet=st.characters(codec="ascii"), max_size=20),
    st.text(alphabet="0123456789Xx１２３Ｘ -\u2014\u3000\u200b()+", max_size=20),
    st.text(max_size=20),
)


@given(CELL_TEXT)
def test_id_numbers_are_normalised_the_same_with_or_without_the_short_cut(text):
    assert normalise_id_number(text) == _normalised_the_long_way(text, drop="").upper()


@given(CELL_TEXT)
def test_phones_are_normalised_the_same_with_or_without_the_short_cut(text):
    phone = _normalised_the_long_way(text, drop="()")
    for prefix in ("+86", "0086", "86"):
        if phone.startswith(prefix) and len(phone) == len(prefix) + 11:
            phone = phone[len(prefix) :]
            break
    assert normalise_phone(text) == phone
