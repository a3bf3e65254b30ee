"""The eligibility rules of the two templates of national standards (DOMAIN.md §7), as seed data.

Each tuple is one path: (level, required level, years, years since that qualification, school, major in
the trade, apprenticeship completed, professional title, minimum age, the rule as the standard words it).
The 2018 template is [sure]; the newer template is [likely] and seeded flagged for review, as is every
rule seeded for a standard older than the 2018 template. A version's paths are copied from here when it is
created and are then its own data: the city bureau (or the institution drafting a norm) edits them."""

from __future__ import annotations

from typing import NamedTuple


class PathSeed(NamedTuple):
    level: str
    required_level: str | None = None
    years: float | None = None
    since: bool = True
    school: str = ""
    major_in_trade: bool = False
    apprenticeship: bool = False
    title_grade: str = ""
    min_age: int | None = None
    description: str = ""


TEMPLATES: dict[str, list[PathSeed]] = {
    "2018": [
        PathSeed("level5", years=1, since=False, description="累计从事本职业或相关职业工作1年（含）以上"),
        PathSeed("level5", apprenticeship=True, description="本职业或相关职业学徒期满"),
        PathSeed("level4", "level5", 4, description="取得本职业或相关职业五级/初级工证书后，累计从事本职业或相关职业工作4年（含）以上"),
        PathSeed("level4", years=6, since=False, description="累计从事本职业或相关职业工作6年（含）以上"),
        PathSeed("level4", school="technical", major_in_trade=True,
                 description="取得技工学校本专业或相关专业毕业证书（含尚未取得毕业证书的在校应届毕业生）；或取得经评估论证、以中级技能为培养目标的中等及以上职业学校本专业或相关专业毕业证书"),
        PathSeed("level3", "level4", 5, description="取得本职业或相关职业四级/中级工证书后，累计从事本职业或相关职业工作5年（含）以上"),
        PathSeed("level3", "level4", school="senior_technical", major_in_trade=True,
                 description="取得四级/中级工证书，并具有高级技工学校、技师学院毕业证书（含尚未取得毕业证书的在校应届毕业生）；或取得四级/中级工证书，并具有经评估论证、以高级技能为培养目标的高等职业学校本专业或相关专业毕业证书"),
        PathSeed("level3", "level4", 2, school="college", major_in_trade=True,
                 description="具有大专及以上本专业或相关专业毕业证书，并取得本职业或相关职业四级/中级工证书后，累计从事本职业或相关职业工作2年（含）以上"),
        PathSeed("level2", "level3", 4, description="取得本职业或相关职业三级/高级工证书后，累计从事本职业或相关职业工作4年（含）以上"),
        PathSeed("level2", "level3", 3, school="senior_technical", major_in_trade=True,
                 description="取得本职业或相关职业三级/高级工证书的高级技工学校、技师学院毕业生，累计从事本职业或相关职业工作3年（含）以上"),
        PathSeed("level2", years=2, since=True, school="pre_technician", major_in_trade=True,
                 description="取得本职业或相关职业预备技师证书的技师学院毕业生，累计从事本职业或相关职业工作2年（含）以上"),
        PathSeed("level1", "level2", 4, description="取得本职业或相关职业二级/技师证书后，累计从事本职业或相关职业工作4年（含）以上"),
    ],
    "2023": [
        PathSeed("level5", min_age=16, description="年满16周岁，拟从事本职业或相关职业工作"),
        PathSeed("level4", years=5, since=False, description="累计从事本职业或相关职业工作满5年"),
        PathSeed("level4", "level5", 3, description="取得本职业或相关职业五级/初级工证书后，累计从事本职业或相关职业工作满3年"),
        PathSeed("level4", school="technical", major_in_trade=True, description="取得本专业或相关专业的技工院校或中等及以上职业院校、专科及以上普通高等学校毕业证书"),
        PathSeed("level3", years=10, since=False, description="累计从事本职业或相关职业工作满10年"),
        PathSeed("level3", "level4", 4, description="取得本职业或相关职业四级/中级工证书后，累计从事本职业或相关职业工作满4年"),
        PathSeed("level3", years=1, title_grade="junior", description="取得本职业或相关职业初级（助理级）专业技术职称后，从事本职业或相关职业工作满1年"),
        PathSeed("level2", "level3", 5, description="取得本职业或相关职业三级/高级工证书后，累计从事本职业或相关职业工作满5年"),
        PathSeed("level2", years=1, title_grade="intermediate", description="取得本职业或相关职业中级专业技术职称后，从事本职业或相关职业工作满1年"),
        PathSeed("level1", "level2", 5, description="取得本职业或相关职业二级/技师证书后，累计从事本职业或相关职业工作满5年"),
        PathSeed("level1", years=1, title_grade="deputy_senior", description="取得本职业或相关职业副高级专业技术职称后，从事本职业或相关职业工作满1年"),
    ],
}

# Levels whose evaluation includes a comprehensive review (综合评审): 二级 and 一级 (DOMAIN.md §7).
REVIEWED_LEVELS = {"level2", "level1"}


def generation_of(standard_year: int | None) -> tuple[str, bool]:
    """The template a national standard of that year follows, and whether its seeded rules need review
    (a standard older than the 2018 template, or of an unknown year)."""
    if standard_year is not None and standard_year >= 2023:
        return "2023", True
    return "2018", standard_year is None or standard_year < 2018


def template_paths(generation: str) -> list[PathSeed]:
    return list(TEMPLATES[generation])


def seed_national_versions(apps) -> int:
    """A filed national version for every occupation with a national standard, its levels and its paths
    copied from the template of its generation (migration, and the test world again after a flush)."""
    Occupation = apps.get_model("catalog", "Occupation")
    Level = apps.get_model("catalog", "Level")
    StandardVersion = apps.get_model("evaluation", "StandardVersion")
    VersionLevel = apps.get_model("evaluation", "VersionLevel")
    EligibilityPath = apps.get_model("evaluation", "EligibilityPath")
    if StandardVersion.objects.filter(kind="national").exists():
        return 0
    levels = {level.code: level for level in Level.objects.all()}
    created = 0
    for occupation in Occupation.objects.filter(national_standard="yes").prefetch_related("levels"):
        generation, review = generation_of(occupation.standard_year)
        version = StandardVersion.objects.create(
            occupation=occupation, kind="national", title=f"{occupation.name}国家职业技能标准",
            code=f"{occupation.code}（{occupation.standard_year or '年份待确认'}）", version=1, generation=generation,
            state="filed",
        )  # fmt: skip
        offered = {level.code for level in occupation.levels.all() if level.national_number is not None}
        for code in sorted(offered, key=lambda c: levels[c].rank):
            VersionLevel.objects.create(version=version, level=levels[code], has_review=code in REVIEWED_LEVELS)
        for order, seed in enumerate(template_paths(generation), start=1):
            if seed.level not in offered:
                continue
            EligibilityPath.objects.create(
                version=version, level=levels[seed.level], order=order,
                required_level=levels[seed.required_level] if seed.required_level else None,
                years=seed.years, years_since_level=seed.since, school=seed.school,
                major_in_trade=seed.major_in_trade, apprenticeship=seed.apprenticeship,
                title_grade=seed.title_grade, min_age=seed.min_age, description=seed.description,
                needs_review=review,
            )  # fmt: skip
        created += 1
    return created


def seed_rules(apps) -> None:
    """The documented defaults as data (DOMAIN.md §7, notice 二), unless present: avoidance per institution
    type (a social organisation avoids its examiners' own employers; an employer's institution their own
    department, and takes a third of its examiners from outside [check]), the staffing rule, publicity for 5
    working days [check], and the targets of 2021–2025 [sure]."""
    AvoidanceRule = apps.get_model("evaluation", "AvoidanceRule")
    StaffingRule = apps.get_model("evaluation", "StaffingRule")
    PublicityRule = apps.get_model("evaluation", "PublicityRule")
    Target = apps.get_model("evaluation", "Target")
    if not AvoidanceRule.objects.exists():
        AvoidanceRule.objects.create(institution_type="S", same_employer=True, same_department=False, outside_share=0,
                                     needs_review=False)  # fmt: skip
        AvoidanceRule.objects.create(institution_type="Y", same_employer=False, same_department=True,
                                     outside_share=34, needs_review=True)  # fmt: skip
    if not StaffingRule.objects.exists():
        StaffingRule.objects.create(name="默认（DOMAIN.md §7）")
    if not PublicityRule.objects.exists():
        PublicityRule.objects.create(name="默认（DOMAIN.md §7）", working_days=5)
    if not Target.objects.exists():
        source = "沪绿容〔2023〕396号 二、目标任务"
        for year in range(2021, 2026):
            Target.objects.create(year=year, indicator="certificates", value=2000, source=source)
            Target.objects.create(year=year, indicator="high_skill", value=400, source=source)


def seed_layouts(apps) -> None:
    """The default layouts of the HR exchange tables, flagged for review, unless present."""
    from .exchange import DEFAULT_LAYOUTS

    ExchangeLayout = apps.get_model("evaluation", "ExchangeLayout")
    for kind, columns in DEFAULT_LAYOUTS.items():
        ExchangeLayout.objects.get_or_create(kind=str(kind), defaults={"columns": columns, "needs_review": True})
