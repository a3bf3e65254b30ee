"""The organisations the notice names (DOMAIN.md §2), created by a data migration.

Which sector unit covers which sector is data (DESIGN.md §1) and editable by the city bureau afterwards.
"""

from talentbase.catalog.reference import DISTRICTS

# (name, short name, kinds, sectors)
CITY_ORGANISATIONS = [
    ("上海市绿化和市容管理局", "市绿化市容局", ["city_bureau"], []),
    ("上海市人力资源和社会保障局", "市人社局", ["hr_department"], []),
    ("上海市就业促进中心", "市就业促进中心", ["hr_center"], []),
    ("上海市职业技能鉴定中心", "市职业技能鉴定中心", ["hr_center"], []),
    ("上海市绿化管理指导站", "绿化管理指导站", ["sector_unit"], ["greening"]),
    ("上海市林业总站", "林业总站", ["sector_unit"], ["forestry"]),
    (
        "上海市市容环境质量监测中心",
        "市容环境质量监测中心",
        ["sector_unit"],
        ["city_appearance", "sanitation"],
    ),
    ("上海市市容景观事务中心", "市容景观事务中心", ["sector_unit"], ["city_appearance"]),
    ("上海市资源利用和垃圾分类管理事务中心", "资源利用和垃圾分类中心", ["sector_unit"], ["waste_sorting"]),
    ("上海市园林绿化行业协会", "园林绿化行业协会", ["association"], ["greening"]),
    (
        "上海市市容环境卫生行业协会",
        "市容环境卫生行业协会",
        ["association"],
        ["city_appearance", "sanitation"],
    ),
    ("上海市林学会", "林学会", ["association"], ["forestry"]),
]


def district_organisations():
    """A 区绿化市容局 and a 区人力资源和社会保障局 in each district: (name, short, kinds, sectors, district code)."""
    for code, district in DISTRICTS:
        short = district.removesuffix("区").removesuffix("新") if district != "浦东新区" else "浦东"
        yield (f"上海市{district}绿化和市容管理局", f"{short}绿化市容局", ["district_bureau"], [], code)
        yield (f"上海市{district}人力资源和社会保障局", f"{short}人社局", ["district_hr"], [], code)


def load_named_organisations(apps):
    Organisation = apps.get_model("orgs", "Organisation")
    Kind = apps.get_model("catalog", "OrganisationKind")
    Sector = apps.get_model("catalog", "Sector")
    District = apps.get_model("catalog", "District")
    kinds = {k.code: k for k in Kind.objects.all()}
    sectors = {s.code: s for s in Sector.objects.all()}
    districts = {d.code: d for d in District.objects.all()}
    rows = [(*row, None) for row in CITY_ORGANISATIONS] + list(district_organisations())
    all_sector_codes = list(sectors)
    for name, short_name, kind_codes, sector_codes, district_code in rows:
        organisation, _created = Organisation.objects.update_or_create(
            name=name,
            defaults={"short_name": short_name, "district": districts.get(district_code)},
        )
        organisation.kinds.set([kinds[c] for c in kind_codes])
        # Bureaus oversee every sector; units and associations their own.
        organisation.sectors.set([sectors[c] for c in (sector_codes or all_sector_codes)])
