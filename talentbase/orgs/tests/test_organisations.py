"""Organisations: credit codes (GB 32100-2015 through python-stdnum), the district's own employers, deletion
of referenced organisations, and the reference data every installation starts with (DOMAIN.md §2–4, §9;
DESIGN.md §1 for which sector unit covers which sector).
"""

import csv
import random

import pytest
from django.urls import reverse
from stdnum.cn import uscc

from talentbase.catalog.models import District, Level, Occupation, OrganisationKind, Sector
from talentbase.catalog.reference import DATA_DIR
from talentbase.core import actions as core_actions
from talentbase.core.errors import CoreError, DomainError
from talentbase.core.models import AuditEvent
from talentbase.orgs import actions
from talentbase.orgs.models import Organisation

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: digits and capitals without I, O, S, V, Z

LENGTH_MESSAGE = "统一社会信用代码应为 18 位，当前为 17 位"
FORMAT_MESSAGE = "统一社会信用代码只能包含数字和大写字母（不含 I、O、S、V、Z）"
CHECKSUM_MESSAGE = "统一社会信用代码校验位不正确，请核对后重新输入"


def credit_code(seed: int = 7, region: str = "310115") -> str:
    """A synthetic, checksum-valid 统一社会信用代码 (never a real organisation's)."""
    rng = random.Random(seed)
    body = "91" + region + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def district(name: str) -> District:
    return District.objects.get(name=name)


def form_data(name: str, code: str, **extra) -> dict:
    data = {
        "name": name,
        "credit_code": code,
        "kinds": [OrganisationKind.objects.get(code="employer").pk],
        "district": district("浦东新区").pk,
        "sectors": [Sector.objects.get(code="greening").pk],
        "is_active": "on",
    }
    data.update(extra)
    return data


def create_page(client, data):
    return client.post(reverse("orgs:organisation-create"), data)


# --- Credit codes, through the page.


@pytest.mark.django_db
def test_a_valid_credit_code_is_accepted(personas):
    code = credit_code()
    assert uscc.is_valid(code)
    response = create_page(personas.client("city"), form_data("上海测试园林绿化有限公司", code))
    assert response.status_code == 302, response.content.decode()
    assert Organisation.objects.get(name="上海测试园林绿化有限公司").credit_code == code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda code: code[:-1] + ALPHABET[(ALPHABET.index(code[-1]) + 1) % 31], CHECKSUM_MESSAGE),
        (lambda code: code[:-1], LENGTH_MESSAGE),
        (lambda code: code[:10] + "I" + code[11:], FORMAT_MESSAGE),
        (lambda code: code[:10] + "O" + code[11:], FORMAT_MESSAGE),
        (lambda code: code[:10] + "S" + code[11:], FORMAT_MESSAGE),
        (lambda code: code[:10] + "V" + code[11:], FORMAT_MESSAGE),
        (lambda code: code[:10] + "Z" + code[11:], FORMAT_MESSAGE),
        (lambda code: "A" + code[1:], FORMAT_MESSAGE),  # the first eight characters are digits
    ],
    ids=["checksum", "length", "I", "O", "S", "V", "Z", "letter-in-digits"],
)
def test_an_invalid_credit_code_is_refused_with_a_chinese_message(personas, mangle, message):
    bad = mangle(credit_code())
    response = create_page(personas.client("city"), form_data("上海错误代码有限公司", bad))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Organisation.objects.filter(name="上海错误代码有限公司").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [full_width, str.lower, lambda code: full_width(code.lower())],
    ids=["full-width", "lower", "both"],
)
def test_full_width_and_lower_case_codes_are_stored_canonical(personas, typed):
    code = credit_code(seed=11)
    response = create_page(personas.client("city"), form_data("上海规范代码有限公司", typed(code)))
    assert response.status_code == 302, response.content.decode()
    assert Organisation.objects.get(name="上海规范代码有限公司").credit_code == code


@pytest.mark.django_db
def test_one_code_typed_two_ways_is_still_one_organisation(personas):
    code = credit_code(seed=13)
    client = personas.client("city")
    assert create_page(client, form_data("上海第一有限公司", code)).status_code == 302
    response = create_page(client, form_data("上海第二有限公司", full_width(code.lower())))
    assert response.status_code == 400
    assert "统一社会信用代码 的 单位 已存在" in response.content.decode()
    assert not Organisation.objects.filter(name="上海第二有限公司").exists()


# --- A district's own employers.


@pytest.mark.django_db
def test_a_district_registers_an_employer_in_its_own_district_whatever_is_posted(personas):
    own = personas.actor("district")
    data = form_data("上海区属测试养护有限公司", credit_code(seed=17), district=district("徐汇区").pk)
    response = create_page(personas.client("district"), data)
    assert response.status_code == 302, response.content.decode()
    created = Organisation.objects.get(name="上海区属测试养护有限公司")
    assert created.district_id == own.district_id == district("浦东新区").pk
    assert created.kind_codes() == {"employer"}


@pytest.mark.django_db
def test_a_district_cannot_register_a_bureau_or_an_institution(personas):
    data = form_data("上海假冒评价中心", credit_code(seed=19),
                     kinds=[OrganisationKind.objects.get(code="social_evaluation").pk])  # fmt: skip
    response = create_page(personas.client("district"), data)
    assert response.status_code == 400
    assert not Organisation.objects.filter(name="上海假冒评价中心").exists()


@pytest.mark.django_db
def test_a_district_cannot_change_an_organisation_outside_its_district(personas):
    client = personas.client("district")
    elsewhere = personas.organisation("employer", outsider=True)  # an employer in Xuhui
    assert elsewhere.district != district("浦东新区")
    url = reverse("orgs:organisation-edit", args=[elsewhere.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "改名"}).status_code == 404
    patch = client.patch(reverse("organisation-detail", args=[elsewhere.pk]), {"name": "改名"},
                         content_type="application/json")  # fmt: skip
    assert patch.status_code == 404
    assert Organisation.objects.get(pk=elsewhere.pk).name == elsewhere.name


@pytest.mark.django_db
def test_a_district_cannot_change_a_bureau_in_its_own_district(personas):
    bureau = Organisation.objects.get(name="上海市浦东新区人力资源和社会保障局")
    assert (
        personas.client("district").get(reverse("orgs:organisation-edit", args=[bureau.pk])).status_code
        == 404
    )


@pytest.mark.django_db
def test_a_district_cannot_move_its_own_employer_out_of_the_district(personas):
    actor = personas.actor("district")
    employer = personas.organisation("employer")  # an employer in Pudong
    assert employer.district_id == actor.district_id
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        core_actions.update_object(actor=actor, obj=employer, values={"district": district("徐汇区")})
    assert caught.value.code == CoreError.OUT_OF_SCOPE
    with pytest.raises(DomainError):
        actions.save_organisation(actor=actor, organisation=employer, values={"district": district("徐汇区")},
                                  m2m={})  # fmt: skip
    response = personas.client("district").patch(
        reverse("organisation-detail", args=[employer.pk]),
        {"district": district("徐汇区").pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == CoreError.OUT_OF_SCOPE
    assert Organisation.objects.get(pk=employer.pk).district_id == actor.district_id
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_district_may_still_change_its_own_employer_in_place(personas):
    actor = personas.actor("district")
    employer = personas.organisation("employer")
    saved = core_actions.update_object(
        actor=actor, obj=employer, values={"address": "上海市浦东新区测试路 1 号"}
    )
    assert Organisation.objects.get(pk=saved.pk).address == "上海市浦东新区测试路 1 号"


# --- Deletion.


@pytest.mark.django_db
def test_an_organisation_with_memberships_cannot_be_deleted(personas):
    society = personas.organisation("association", outsider=True)  # 上海市林学会, with a demo login
    assert society.memberships.exists()
    memberships = society.memberships.count()
    events = AuditEvent.objects.count()
    client = personas.client("city")
    response = client.post(reverse("orgs:organisation-delete", args=[society.pk]), follow=True)
    assert response.status_code == 200
    assert "被其他数据引用" in response.content.decode()
    api = client.delete(reverse("organisation-detail", args=[society.pk]))
    assert api.status_code == 400 and "被其他数据引用" in api.json()["detail"]
    with pytest.raises(DomainError, match="被其他数据引用"):
        core_actions.delete_object(actor=personas.actor("city"), obj=society)
    assert Organisation.objects.filter(pk=society.pk).exists()
    assert society.memberships.count() == memberships
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_an_unreferenced_organisation_can_be_deleted_by_the_city(personas):
    client = personas.client("city")
    assert create_page(client, form_data("上海待删除有限公司", credit_code(seed=23))).status_code == 302
    created = Organisation.objects.get(name="上海待删除有限公司")
    response = client.post(reverse("orgs:organisation-delete", args=[created.pk]))
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=created.pk).exists()
    assert AuditEvent.objects.filter(verb="delete", object_type="orgs.organisation",
                                     object_id=str(created.pk)).exists()  # fmt: skip


# --- Reference data.

# DOMAIN.md §3.
DISTRICTS = {
    "黄浦区": "310101", "徐汇区": "310104", "长宁区": "310105", "静安区": "310106", "普陀区": "310107",
    "虹口区": "310109", "杨浦区": "310110", "闵行区": "310112", "宝山区": "310113", "嘉定区": "310114",
    "浦东新区": "310115", "金山区": "310116", "松江区": "310117", "青浦区": "310118", "奉贤区": "310120",
    "崇明区": "310151",
}  # fmt: skip

# DOMAIN.md §4: the ladder from the bottom, with the national level of the five evaluated ones.
LADDER = [
    ("学徒工", None), ("五级/初级工", 5), ("四级/中级工", 4), ("三级/高级工", 3), ("二级/技师", 2),
    ("一级/高级技师", 1), ("特级技师", None), ("首席技师", None),
]  # fmt: skip

# DOMAIN.md §2, with DESIGN.md §1 for the sectors of the sector units.
CITY_ORGANISATIONS = [
    "上海市绿化和市容管理局", "上海市人力资源和社会保障局", "上海市就业促进中心", "上海市职业技能鉴定中心",
    "上海市绿化管理指导站", "上海市林业总站", "上海市市容环境质量监测中心", "上海市市容景观事务中心",
    "上海市资源利用和垃圾分类管理事务中心", "上海市园林绿化行业协会", "上海市市容环境卫生行业协会", "上海市林学会",
]  # fmt: skip
SECTOR_UNITS = {
    "上海市绿化管理指导站": {"greening"},
    "上海市林业总站": {"forestry"},
    "上海市市容景观事务中心": {"city_appearance"},
    "上海市市容环境质量监测中心": {"city_appearance", "sanitation"},
    "上海市资源利用和垃圾分类管理事务中心": {"waste_sorting"},
}


@pytest.mark.django_db
def test_the_sixteen_districts_have_their_administrative_codes():
    assert dict(District.objects.values_list("name", "code")) == DISTRICTS


@pytest.mark.django_db
def test_there_are_five_sectors():
    assert set(Sector.objects.values_list("code", flat=True)) == {
        "greening", "forestry", "city_appearance", "sanitation", "waste_sorting"
    }  # fmt: skip


@pytest.mark.django_db
def test_the_eight_levels_are_in_order_with_national_numbers_five_to_one():
    ladder = list(Level.objects.order_by("rank").values_list("name", "national_number"))
    assert ladder == LADDER
    high = {level.name for level in Level.objects.all() if level.is_high_skill}
    assert high == {"三级/高级工", "二级/技师", "一级/高级技师", "特级技师", "首席技师"}


def csv_rows() -> list[dict]:
    with open(DATA_DIR / "occupations.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def national_numbers(occupation: Occupation) -> list[int]:
    return sorted(occupation.levels.values_list("national_number", flat=True), reverse=True)


@pytest.mark.django_db
def test_the_33_occupations_of_the_csv_are_loaded():
    rows = csv_rows()
    assert len(rows) == 33
    assert Occupation.objects.count() == 33
    for row in rows:
        occupation = Occupation.objects.select_related("sector").get(code=row["code"])
        assert (occupation.name, occupation.sector.code) == (row["name"], row["sector"]), row["code"]
        assert occupation.is_green == (row["is_green"] == "1"), row["code"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["护林员", "有害生物防制员"])
def test_some_occupations_offer_only_levels_five_to_three(name):
    assert national_numbers(Occupation.objects.get(name=name)) == [5, 4, 3]


@pytest.mark.django_db
def test_occupations_of_unknown_standard_or_levels_are_flagged_with_five_levels():
    unknown = [row for row in csv_rows() if row["national_standard"] == "unknown" or not row["levels"]]
    assert len(unknown) > 20
    for row in unknown:
        occupation = Occupation.objects.get(code=row["code"])
        assert occupation.needs_review, row["code"]
        assert national_numbers(occupation) == [5, 4, 3, 2, 1], row["code"]


@pytest.mark.django_db
def test_the_organisations_named_in_the_notice_exist():
    for name in CITY_ORGANISATIONS:
        assert Organisation.objects.get(name=name).district is None, name
    for district_name in DISTRICTS:
        for suffix, kind in (
            ("绿化和市容管理局", "district_bureau"),
            ("人力资源和社会保障局", "district_hr"),
        ):
            organisation = Organisation.objects.get(name=f"上海市{district_name}{suffix}")
            assert organisation.district.name == district_name
            assert kind in organisation.kind_codes()
    named = CITY_ORGANISATIONS + [
        f"上海市{d}{s}" for d in DISTRICTS for s in ("绿化和市容管理局", "人力资源和社会保障局")
    ]
    assert len(set(named)) == 12 + 32
    assert Organisation.objects.filter(name__in=named).count() == 44


@pytest.mark.django_db
def test_the_sector_units_cover_their_sectors_and_every_sector_has_one():
    covered = set()
    for name, sectors in SECTOR_UNITS.items():
        unit = Organisation.objects.get(name=name)
        assert "sector_unit" in unit.kind_codes(), name
        assert set(unit.sectors.values_list("code", flat=True)) == sectors, name
        covered |= sectors
    assert covered == set(Sector.objects.values_list("code", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"is_active": False},
        {"credit_code": None},
        {"name": "改名"},
        {"district": "徐汇区"},
        {"kinds": "social_evaluation"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_an_employer_keeps_its_own_details_but_not_what_it_is_or_where_over_the_api(personas, change):
    employer = personas.organisation("employer")
    body = dict(change)
    if "district" in body:
        body["district"] = district(body["district"]).pk
    if "kinds" in body:
        body["kinds"] = [OrganisationKind.objects.get(code=body["kinds"]).pk]
    client = personas.client("employer")
    url = reverse("organisation-detail", args=[employer.pk])
    events = AuditEvent.objects.count()
    refused = client.patch(url, body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "identity_not_own", refused.content
    assert AuditEvent.objects.count() == events
    still = Organisation.objects.get(pk=employer.pk)
    assert (still.is_active, still.credit_code, still.name, still.district_id) == (
        employer.is_active, employer.credit_code, employer.name, employer.district_id)  # fmt: skip
    assert set(still.kinds.values_list("pk", flat=True)) == set(employer.kinds.values_list("pk", flat=True))
    # Its own details, and the same values sent back whole (a PUT of what it read), are fine.
    same = client.get(url).json()
    put = client.put(url, {**same, "address": "上海市浦东新区测试路 2 号"}, content_type="application/json")
    assert put.status_code == 200 and put.json()["address"] == "上海市浦东新区测试路 2 号"
