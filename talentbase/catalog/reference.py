"""The reference data every installation starts with (DOMAIN.md §2–4, §9).

The loaders take an ``apps`` registry so that data migrations and test fixtures share them; they are
idempotent (update-or-create by natural key), so running them again repairs rather than duplicates.
"""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# DOMAIN.md §3 [sure].
DISTRICTS = [
    ("310101", "黄浦区"), ("310104", "徐汇区"), ("310105", "长宁区"), ("310106", "静安区"),
    ("310107", "普陀区"), ("310109", "虹口区"), ("310110", "杨浦区"), ("310112", "闵行区"),
    ("310113", "宝山区"), ("310114", "嘉定区"), ("310115", "浦东新区"), ("310116", "金山区"),
    ("310117", "松江区"), ("310118", "青浦区"), ("310120", "奉贤区"), ("310151", "崇明区"),
]  # fmt: skip

SECTORS = [
    ("greening", "绿化"),
    ("forestry", "林业"),
    ("city_appearance", "市容"),
    ("sanitation", "环卫"),
    ("waste_sorting", "垃圾分类/资源利用"),
]

# DOMAIN.md §4 [sure]: (code, name, short name, rank, national level number).
LEVELS = [
    ("apprentice", "学徒工", "学徒工", 0, None),
    ("level5", "五级/初级工", "初级工", 1, 5),
    ("level4", "四级/中级工", "中级工", 2, 4),
    ("level3", "三级/高级工", "高级工", 3, 3),
    ("level2", "二级/技师", "技师", 4, 2),
    ("level1", "一级/高级技师", "高级技师", 5, 1),
    ("principal", "特级技师", "特级技师", 6, None),
    ("chief", "首席技师", "首席技师", 7, None),
]

ORGANISATION_KINDS = [
    ("city_bureau", "市级主管部门"),
    ("hr_department", "人社部门"),
    ("hr_center", "人社服务机构"),
    ("sector_unit", "行业技术管理单位"),
    ("district_bureau", "区绿化市容局"),
    ("district_hr", "区人社局"),
    ("association", "行业协会学会"),
    ("employer_evaluation", "用人单位评价机构"),
    ("social_evaluation", "社会培训评价组织"),
    ("training_institution", "培训机构"),
    ("school", "职业院校"),
    ("employer", "用人单位"),
]

NATIONAL_STANDARD_VALUES = {"yes", "no", "draft", "unknown"}


def load_districts(apps):
    District = apps.get_model("catalog", "District")
    for order, (code, name) in enumerate(DISTRICTS):
        District.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def load_sectors(apps):
    Sector = apps.get_model("catalog", "Sector")
    for order, (code, name) in enumerate(SECTORS):
        Sector.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def load_levels(apps):
    Level = apps.get_model("catalog", "Level")
    for code, name, short_name, rank, national_number in LEVELS:
        Level.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short_name,
                "rank": rank,
                "national_number": national_number,
            },
        )


def load_organisation_kinds(apps):
    Kind = apps.get_model("catalog", "OrganisationKind")
    for order, (code, name) in enumerate(ORGANISATION_KINDS):
        Kind.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def parse_levels(text: str) -> list[int]:
    """'5-1' → [5, 4, 3, 2, 1]; '5-3' → [5, 4, 3]; '' → [] (unknown)."""
    text = (text or "").strip()
    if not text:
        return []
    low, _, high = text.partition("-")
    low_number, high_number = int(low), int(high or low)
    return list(range(low_number, high_number - 1, -1))


def occupation_rows():
    with open(DATA_DIR / "occupations.csv", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def load_occupations(apps):
    """Occupations from occupations.csv; an unknown standard or level range defaults to 五级–一级 and is
    flagged for the city bureau to review (DOMAIN.md §9)."""
    Occupation = apps.get_model("catalog", "Occupation")
    Sector = apps.get_model("catalog", "Sector")
    Level = apps.get_model("catalog", "Level")
    sectors = {s.code: s for s in Sector.objects.all()}
    levels_by_number = {lv.national_number: lv for lv in Level.objects.exclude(national_number=None)}
    for row in occupation_rows():
        standard = row["national_standard"].strip() or "unknown"
        if standard not in NATIONAL_STANDARD_VALUES:
            raise ValueError(f"occupation {row['code']}: unknown national_standard {standard!r}")
        numbers = parse_levels(row["levels"])
        needs_review = standard == "unknown" or not numbers or not row["confidence"].startswith("sure")
        occupation, _created = Occupation.objects.update_or_create(
            code=row["code"].strip(),
            defaults={
                "name": row["name"].strip(),
                "sector": sectors[row["sector"].strip()],
                "is_green": row["is_green"].strip() == "1",
                "national_standard": standard,
                "standard_year": int(row["standard_year"]) if row["standard_year"].strip() else None,
                "needs_review": needs_review,
            },
        )
        occupation.levels.set([levels_by_number[n] for n in (numbers or [5, 4, 3, 2, 1])])


def load_catalog(apps):
    load_districts(apps)
    load_sectors(apps)
    load_levels(apps)
    load_organisation_kinds(apps)
    load_occupations(apps)
