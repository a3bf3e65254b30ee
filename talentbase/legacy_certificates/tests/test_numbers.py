"""Certificate numbers against the formats kept as data (DOMAIN.md §8): each format accepted, each
contradiction refused with its reason (length, shape, kind, year, level digit, province)."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talentbase.catalog.models import CertificateNumberFormat, Level
from talentbase.legacy_certificates.numbers import (
    CertificateNumberError,
    check_number,
    load_formats,
    normalise_number,
)

pytestmark = pytest.mark.django_db

PROVINCES = ["11", "31", "32", "44", "65", "82"]


@pytest.fixture
def formats():
    return load_formats()


def levels():
    return {lv.national_number: lv for lv in Level.objects.exclude(national_number=None)}


def test_the_seeded_examples_match_their_formats(formats):
    for fmt in CertificateNumberFormat.objects.all():
        assert fmt.length == len(fmt.example), fmt.code
        check = check_number(fmt.example, formats=formats)
        assert check.format.code == fmt.code


def test_a_22_character_level_certificate_says_its_year_level_and_province(formats):
    level4 = levels()[4]
    check = check_number("S000031000123194000001", formats=formats, kind="skill_level", level=level4,
                         issued_on=datetime.date(2019, 6, 30), issuer_province="31")  # fmt: skip
    assert (check.kind, check.year, check.level_number, check.province) == ("skill_level", 19, 4, "31")


@pytest.mark.parametrize(
    ("number", "level", "issued_on", "issuer_province", "reason"),
    [
        ("S000031000123194000001", 4, datetime.date(2020, 6, 30), None, "年份“19”与发证日期 2020-06-30 不符"),
        (
            "S000031000123194000001",
            3,
            datetime.date(2019, 6, 30),
            None,
            "第 16 位的等级“4”与等级“三级/高级工”不符",
        ),
        ("S000099000123194000001", 4, datetime.date(2019, 6, 30), None, "省份代码“99”不存在"),
        (
            "S000032000123194000001",
            4,
            datetime.date(2019, 6, 30),
            "31",
            "省份代码“32”与发证机构所在省份（31）不符",
        ),
        ("S00003100012319400001", 4, datetime.date(2019, 6, 30), None, "这里是 21 位"),
        ("X000031000123194000001", 4, datetime.date(2019, 6, 30), None, "格式不符"),
        ("0831000010400123", 3, datetime.date(2008, 1, 1), None, "第 11 位的等级“4”"),
        ("0831000010400123", 4, datetime.date(2009, 1, 1), None, "年份“08”"),
    ],
)
def test_each_contradiction_is_refused_with_its_reason(
    formats, number, level, issued_on, issuer_province, reason
):
    with pytest.raises(CertificateNumberError) as refused:
        check_number(number, formats=formats, level=levels()[level], issued_on=issued_on,
                     issuer_province=issuer_province)  # fmt: skip
    assert reason in str(refused.value.message)


def test_a_certificate_from_another_province_is_fine_when_the_issuer_is_not_known(formats):
    check = check_number("S000032000123194000001", formats=formats, level=levels()[4],
                         issued_on=datetime.date(2019, 1, 1))  # fmt: skip
    assert check.province == "32"


def test_the_kind_must_fit_the_format(formats):
    with pytest.raises(CertificateNumberError) as refused:
        check_number("0831000010400123", formats=formats, kind="skill_level")
    assert "职业资格证书" in str(refused.value.message)


def test_old_shanghai_numbers_are_checked_for_shape_only(formats):
    check = check_number("0312345678901", formats=formats, kind="qualification", level=levels()[2],
                         issued_on=datetime.date(1999, 1, 1))  # fmt: skip
    assert check.format.code == "qualification_sh13" and check.year is None


def test_a_principal_technician_number_is_for_that_level_only(formats):
    principal = Level.objects.get(code="principal")
    assert (
        check_number("YT00003100012323000001", formats=formats, level=principal).format.code == "principal_22"
    )
    with pytest.raises(CertificateNumberError):
        check_number("YT00003100012323000001", formats=formats, level=levels()[1])


def test_a_format_is_data_the_city_bureau_can_switch_off(formats):
    CertificateNumberFormat.objects.filter(code="qualification_sh13").update(is_active=False)
    with pytest.raises(CertificateNumberError):
        check_number("0312345678901", formats=load_formats())


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("ｓ０００ ０３１０００１２３１９４０００００１", "S000031000123194000001"), ("0831-0000-1040-0123", "0831000010400123"),
     ("831000010400123.0", "831000010400123")],
)  # fmt: skip
def test_typed_numbers_are_normalised(typed, stored):
    assert normalise_number(typed) == stored


def test_a_number_a_spreadsheet_turned_into_a_float_is_refused():
    with pytest.raises(CertificateNumberError) as refused:
        normalise_number("8.31E+14")
    assert "科学计数法" in str(refused.value.message)


@given(
    letter=st.sampled_from("YS"),
    province=st.sampled_from(PROVINCES),
    site=st.integers(0, 999_999),
    year=st.integers(2019, 2026),
    level_number=st.integers(1, 5),
    serial=st.integers(1, 999_999),
    claimed_level=st.integers(1, 5),
    claimed_year=st.integers(2019, 2026),
)
# The formats are read once and never changed by the test: sharing them across examples is what we want.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_level_certificates_are_accepted_exactly_when_year_and_level_agree(
    formats, letter, province, site, year, level_number, serial, claimed_level, claimed_year
):
    number = f"{letter}0000{province}{site:06d}{year % 100:02d}{level_number}{serial:06d}"
    agrees = claimed_level == level_number and claimed_year == year
    try:
        check = check_number(number, formats=formats, kind="skill_level", level=levels()[claimed_level],
                             issued_on=datetime.date(claimed_year, 3, 1))  # fmt: skip
    except CertificateNumberError:
        assert not agrees
    else:
        assert agrees and check.number == number
