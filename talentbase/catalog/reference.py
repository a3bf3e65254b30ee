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

# English names of the districts, in the order of DISTRICTS: the pinyin name and "District" (浦东新区: "New
# Area"), as the districts write themselves in English. Not checked against an official list here, so the data
# marks them for review.
DISTRICT_NAMES_EN = [
    "Huangpu District", "Xuhui District", "Changning District", "Jing'an District", "Putuo District",
    "Hongkou District", "Yangpu District", "Minhang District", "Baoshan District", "Jiading District",
    "Pudong New Area", "Jinshan District", "Songjiang District", "Qingpu District", "Fengxian District",
    "Chongming District",
]  # fmt: skip

SECTORS = [
    ("greening", "绿化"),
    ("forestry", "林业"),
    ("city_appearance", "市容"),
    ("sanitation", "环卫"),
    ("waste_sorting", "垃圾分类/资源利用"),
]

# Our translations of the sector names (no official English source): marked for review.
SECTOR_NAMES_EN = {
    "greening": "Greening",
    "forestry": "Forestry",
    "city_appearance": "City Appearance",
    "sanitation": "Sanitation",
    "waste_sorting": "Waste Sorting / Resource Recovery",
}

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

# English names of the ladder: the renderings usual in English texts on the national vocational skill levels
# (MOHRSS, ILO); neither DOMAIN.md nor reference/domain-sources.md gives an official English name, so every one
# is our translation and the data marks it for review (name_en_status "review").
LEVEL_NAMES_EN = {
    "apprentice": "Apprentice",
    "level5": "Junior Worker (Level 5)",
    "level4": "Intermediate Worker (Level 4)",
    "level3": "Senior Worker (Level 3)",
    "level2": "Technician (Level 2)",
    "level1": "Senior Technician (Level 1)",
    "principal": "Principal Technician",
    "chief": "Chief Technician",
}

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


REVIEW = "review"
ENGLISH_NAME_STATUSES = {"official", REVIEW}


def _has_english_names(model) -> bool:
    """Whether this (possibly historical) model has the English name fields: the data migrations before
    ``english_names`` run the same loaders on models without them."""
    return any(field.name == "name_en" for field in model._meta.get_fields())


def _english(model, name_en: str, status: str = REVIEW) -> dict:
    if not _has_english_names(model):
        return {}
    if status not in ENGLISH_NAME_STATUSES:
        raise ValueError(f"unknown name_en_status {status!r}")
    return {"name_en": name_en, "name_en_status": status}


def load_districts(apps):
    District = apps.get_model("catalog", "District")
    for order, ((code, name), name_en) in enumerate(zip(DISTRICTS, DISTRICT_NAMES_EN, strict=True)):
        District.objects.update_or_create(
            code=code, defaults={"name": name, "order": order, **_english(District, name_en)}
        )


def load_sectors(apps):
    Sector = apps.get_model("catalog", "Sector")
    for order, (code, name) in enumerate(SECTORS):
        Sector.objects.update_or_create(
            code=code, defaults={"name": name, "order": order, **_english(Sector, SECTOR_NAMES_EN[code])}
        )


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
                **_english(Level, LEVEL_NAMES_EN[code]),
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
                **_english(Occupation, row["name_en"].strip(), row["name_en_status"].strip() or REVIEW),
            },
        )
        occupation.levels.set([levels_by_number[n] for n in (numbers or [5, 4, 3, 2, 1])])


def load_english_names(apps):
    """Fill the English names of the reference rows a database already has (migration ``english_names``):
    only where none is set, so an English name the city bureau entered stays. Creates nothing."""
    District, Sector, Level, Occupation = (
        apps.get_model("catalog", name) for name in ("District", "Sector", "Level", "Occupation")
    )
    names = [
        (
            District,
            {code: name_en for (code, _name), name_en in zip(DISTRICTS, DISTRICT_NAMES_EN, strict=True)},
        ),
        (Sector, SECTOR_NAMES_EN),
        (Level, LEVEL_NAMES_EN),
    ]
    for model, by_code in names:
        for code, name_en in by_code.items():
            model.objects.filter(code=code, name_en="").update(name_en=name_en, name_en_status=REVIEW)
    for row in occupation_rows():
        Occupation.objects.filter(code=row["code"].strip(), name_en="").update(
            name_en=row["name_en"].strip(), name_en_status=row["name_en_status"].strip() or REVIEW
        )


def load_catalog(apps):
    load_districts(apps)
    load_sectors(apps)
    load_levels(apps)
    load_organisation_kinds(apps)
    load_occupations(apps)


# DOMAIN.md §8 and reference/domain-sources.md §2: (code, name, kind, pattern, length, description, example,
# fixed level code). The 22-character structure is [sure]; the 特级技师 and legacy formats are [likely], so all
# of them are data the city bureau can correct.
CERTIFICATE_NUMBER_FORMATS = [
    (
        "skill_level_22", "职业技能等级证书（22 位）", "skill_level",
        r"(?P<type>[YS])(?P<institution>\d{4})(?P<province>\d{2})(?P<site>\d{6})(?P<year>\d{2})(?P<level>[1-5])(?P<serial>\d{6})",
        22, "1 位机构类别字母（Y 或 S）+ 4 位机构代码 + 2 位省份代码 + 6 位站点代码 + 2 位年份 + 1 位等级 + 6 位序号",
        "S000031000123194000001", None,
    ),
    (
        "principal_22", "特级技师证书（22 位）", "skill_level",
        r"(?P<type>[A-Z]{2})(?P<institution>\d{4})(?P<province>\d{2})(?P<site>\d{6})(?P<year>\d{2})(?P<serial>\d{6})",
        22, "2 位大写字母 + 4 位机构代码 + 2 位省份代码 + 6 位站点代码 + 2 位年份 + 6 位序号",
        "YT00003100012323000001", "principal",
    ),
    (
        "qualification_16", "职业资格证书（16 位）", "qualification",
        r"(?P<year>\d{2})(?P<province>\d{2})(?P<city>\d{2})(?P<institution_type>\d)(?P<institution>\d{3})(?P<level>[1-5])(?P<serial>\d{5})",
        16, "2 位年份 + 2 位省份代码 + 2 位地市代码 + 1 位机构类别 + 3 位机构序号 + 1 位等级 + 5 位序号",
        "0831000010400123", None,
    ),
    (
        "qualification_sh13", "上海职业资格证书（13 位，旧版）", "qualification", r"\d{13}", 13,
        "13 位数字（上海旧版证书，全国联网查询时前补 000）", "0312345678901", None,
    ),
]  # fmt: skip

# reference/domain-sources.md §1.2: names on certificates issued under earlier editions of the 大典, mapped to
# the 2022 occupation. Only 盆景工 → 盆景师 has a source [likely]; the others are the usual older names of the
# same trades and are flagged for the city bureau to confirm.
OCCUPATION_ALIASES = [
    ("2015", "4-09-10-03", "盆景工", "4-09-10-03", False, "2015 版名称，编码未变"),
    ("2015", "4-09-10-01", "园林绿化工", "4-09-10-01", False, "2015 版与 2022 版同名同码"),
    ("2015", "4-09-10-05", "插花花艺师", "4-09-10-05", True, ""),
    ("1999", "", "绿化工", "4-09-10-01", True, "旧证书常见名称"),
    ("1999", "", "花卉园艺工", "5-01-02-02", True, "旧证书常见名称"),
    ("1999", "", "插花员", "4-09-10-05", True, "旧证书常见名称"),
    ("1999", "", "森林病虫害防治员", "5-05-02-02", True, "旧证书常见名称"),
    ("1999", "", "林木种苗工", "5-02-01-00", True, "旧证书常见名称"),
]  # fmt: skip


def load_certificate_number_formats(apps):
    Format = apps.get_model("catalog", "CertificateNumberFormat")
    Level = apps.get_model("catalog", "Level")
    for order, (code, name, kind, pattern, length, description, example, level_code) in enumerate(
        CERTIFICATE_NUMBER_FORMATS
    ):
        Format.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "kind": kind, "pattern": pattern, "length": length, "description": description,
                "example": example, "order": order,
                "fixed_level": Level.objects.get(code=level_code) if level_code else None,
            },
        )  # fmt: skip


def load_occupation_aliases(apps):
    Alias = apps.get_model("catalog", "OccupationAlias")
    Occupation = apps.get_model("catalog", "Occupation")
    for edition, code, name, target, needs_review, note in OCCUPATION_ALIASES:
        occupation = Occupation.objects.filter(code=target).first()
        if occupation is None:
            continue  # the city bureau removed the occupation: no mapping to it
        Alias.objects.update_or_create(
            edition=edition, name=name,
            defaults={"code": code, "occupation": occupation, "needs_review": needs_review, "note": note},
        )  # fmt: skip
