"""Eligibility: every seeded rule of both templates, titles (贯通) and the direct-recognition waiver, checked on
careers written by hand, on careers Hypothesis generates (against a day-by-day count), and from the registry."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talentbase.catalog.models import Level, Occupation
from talentbase.evaluation import actions
from talentbase.evaluation.eligibility import (
    SCHOOL_SATISFIES,
    TITLE_ORDER,
    Career,
    career_of,
    check,
    check_person,
    eligibility,
    paths_for,
)
from talentbase.evaluation.models import StandardVersion
from talentbase.registry.models import EducationRecord, Employment, LevelEntry, Person, ProfessionalTitle

pytestmark = pytest.mark.django_db

D = datetime.date
ON = D(2026, 6, 30)
RANK = {"level5": 1, "level4": 2, "level3": 3, "level2": 4, "level1": 5}


def years_ago(years: float) -> datetime.date:
    return ON - datetime.timedelta(days=round(years * 365.25))


def worked(years: float) -> tuple:
    return ((years_ago(years), ON),)


@pytest.fixture
def v2018():
    return StandardVersion.objects.get(occupation__code="4-09-10-01", kind="national")


@pytest.fixture
def v2023(personas):
    return actions.create_version(actor=personas.actor("city"), values={
        "occupation": Occupation.objects.get(code="4-09-10-01"), "title": "园林绿化工（新版）", "generation": "2023"})  # fmt: skip


def answer(version, level: str, career: Career, waived=()):
    return eligibility(paths_for(version, Level.objects.get(code=level)), career, waived=waived)


def level_held(code: str, since_years: float) -> tuple:
    return ((RANK[code], years_ago(since_years), None),)


# --- 2018 template (DOMAIN.md §7, [sure])


def test_2018_level5_after_one_year_or_an_apprenticeship(v2018):
    assert answer(v2018, "level5", Career(on=ON, work=worked(1.01))).eligible
    refused = answer(v2018, "level5", Career(on=ON, work=worked(0.5)))
    assert not refused.eligible and "须满1年" in refused.refusal() and "无学徒期满记录" in refused.refusal()
    assert answer(v2018, "level5", Career(on=ON, schools=(("apprenticeship", True, D(2025, 1, 1)),))).eligible


def test_2018_level4_three_ways(v2018):
    assert answer(v2018, "level4", Career(on=ON, levels=level_held("level5", 4.1), work=worked(4.1))).eligible
    # Four years in the trade, but the 五级 only for three of them: "level + N years" counts since the certificate.
    short = answer(v2018, "level4", Career(on=ON, levels=level_held("level5", 3), work=worked(5)))
    assert not short.eligible and "从业年限3.0年，须满4年" in short.refusal()
    assert answer(v2018, "level4", Career(on=ON, work=worked(6.01))).eligible
    assert answer(v2018, "level4", Career(on=ON, schools=(("technical", True, D(2020, 7, 1)),))).eligible
    # A school outside the trade does not count.
    off_trade = answer(v2018, "level4", Career(on=ON, schools=(("technical", False, D(2020, 7, 1)),)))
    assert not off_trade.eligible and "本专业或相关专业" in off_trade.refusal()


def test_2018_level3_three_ways(v2018):
    assert answer(v2018, "level3", Career(on=ON, levels=level_held("level4", 5.1), work=worked(6))).eligible
    assert answer(v2018, "level3", Career(on=ON, levels=level_held("level4", 0.5),
                                          schools=(("senior_technical", True, D(2024, 7, 1)),))).eligible  # fmt: skip
    college = Career(on=ON, levels=level_held("level4", 2.1), work=worked(3), schools=(("college", True, D(2018, 7, 1)),))
    assert answer(v2018, "level3", college).eligible
    assert not answer(v2018, "level3", Career(on=ON, levels=level_held("level4", 1.5), work=worked(3),
                                              schools=(("college", True, D(2018, 7, 1)),))).eligible  # fmt: skip


def test_2018_level2_and_level1(v2018):
    assert answer(v2018, "level2", Career(on=ON, levels=level_held("level3", 4.1), work=worked(5))).eligible
    assert answer(v2018, "level2", Career(on=ON, levels=level_held("level3", 3.1), work=worked(4),
                                          schools=(("senior_technical", True, D(2015, 7, 1)),))).eligible  # fmt: skip
    assert answer(v2018, "level2", Career(on=ON, work=worked(2.1), schools=(("pre_technician", True, years_ago(2.1)),))).eligible
    assert answer(v2018, "level1", Career(on=ON, levels=level_held("level2", 4.1), work=worked(4.1))).eligible
    assert not answer(v2018, "level1", Career(on=ON, levels=level_held("level3", 9), work=worked(9))).eligible


def test_a_higher_level_satisfies_a_path_that_asks_for_a_lower_one(v2018):
    # 三级 held for six years counts as holding 四级 or above for six years.
    assert answer(v2018, "level3", Career(on=ON, levels=level_held("level3", 6), work=worked(6))).eligible


def test_the_years_of_an_unbroken_hold_count_from_its_start():
    # 五级 2016–2020, then 四级 from 2020 (the 五级 entry ended when 四级 came): ≥五级 held since 2016.
    career = Career(on=ON, levels=((1, D(2016, 1, 1), D(2020, 1, 1)), (2, D(2020, 1, 1), None)))
    assert career.level_reached(1) == D(2016, 1, 1)
    assert career.level_reached(2) == D(2020, 1, 1)
    # A revoked certificate (its entry ended) no longer counts.
    assert Career(on=ON, levels=((2, D(2016, 1, 1), D(2025, 1, 1)),)).level_reached(2) is None


# --- the newer template ([likely], seeded flagged for review), titles (贯通)


def test_2023_rules_with_age_and_titles(v2023):
    assert v2023.paths.filter(needs_review=True).count() == v2023.paths.count()
    assert answer(v2023, "level5", Career(on=ON, birth_date=D(2010, 6, 30))).eligible  # 16 today
    young = answer(v2023, "level5", Career(on=ON, birth_date=D(2010, 7, 1)))
    assert not young.eligible and "年龄须满16周岁" in young.refusal()
    assert answer(v2023, "level4", Career(on=ON, levels=level_held("level5", 3.05), work=worked(3.05))).eligible
    assert answer(v2023, "level3", Career(on=ON, work=worked(10.01))).eligible
    assert answer(v2023, "level3", Career(on=ON, titles=(("junior", years_ago(1.1)),), work=worked(1.1))).eligible
    # The title's year counts from the title, not from the first job.
    recent = answer(v2023, "level3", Career(on=ON, titles=(("junior", years_ago(0.5)),), work=worked(8)))
    assert not recent.eligible
    # A higher title satisfies a path asking for a lower one.
    assert answer(v2023, "level2", Career(on=ON, titles=(("deputy_senior", years_ago(1.5)),), work=worked(1.5))).eligible
    assert answer(v2023, "level1", Career(on=ON, titles=(("deputy_senior", years_ago(1.5)),), work=worked(1.5))).eligible
    assert not answer(v2023, "level1", Career(on=ON, titles=(("intermediate", years_ago(5)),), work=worked(5))).eligible


def test_direct_recognition_waives_what_it_records_and_nothing_else(v2018):
    newcomer = Career(on=ON, levels=level_held("level4", 0.5), work=worked(0.5))
    assert not answer(v2018, "level3", newcomer).eligible
    assert answer(v2018, "level3", newcomer, waived={"years"}).eligible
    # The level the path names is not a waivable limit.
    assert not answer(v2018, "level3", Career(on=ON, work=worked(20)), waived={"years", "education", "age"}).eligible
    with pytest.raises(ValueError):
        answer(v2018, "level3", newcomer, waived={"ratio-and-more"})


# --- Hypothesis: generated careers against a day-by-day count

dates = st.dates(min_value=D(2012, 1, 1), max_value=ON)


@st.composite
def careers(draw):
    def span():
        start = draw(dates)
        end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=D(2027, 1, 1))))
        return start, end

    levels = tuple((draw(st.integers(1, 5)), *span()) for _ in range(draw(st.integers(0, 3))))
    work = []
    for _ in range(draw(st.integers(0, 3))):
        start, end = span()
        work.append((start, min(end or ON, ON)))
    schools = tuple((draw(st.sampled_from(list(SCHOOL_SATISFIES) + ["apprenticeship", "other"])),
                     draw(st.booleans()), draw(dates)) for _ in range(draw(st.integers(0, 2))))  # fmt: skip
    titles = tuple((draw(st.sampled_from(list(TITLE_ORDER))), draw(dates)) for _ in range(draw(st.integers(0, 2))))
    birth = draw(st.one_of(st.none(), st.dates(min_value=D(1960, 1, 1), max_value=D(2012, 1, 1))))
    return Career(on=ON, birth_date=birth, levels=levels, work=tuple(work), schools=schools, titles=titles)


def day_count_answer(path, career) -> bool:
    """The same rules, counted one day at a time: an independent reading of DOMAIN.md §7."""
    one = datetime.timedelta(days=1)
    since = None
    if path.required_level_id is not None:
        rank = path.required_level.rank

        def holds(day):
            return any(r >= rank and start <= day and (end is None or day < end) for r, start, end in career.levels)

        if not holds(ON):
            return False
        since = ON
        while holds(since - one):
            since -= one
    if path.title_grade:
        issued = [d for g, d in career.titles if TITLE_ORDER[g] >= TITLE_ORDER[path.title_grade] and d <= ON]
        if not issued:
            return False
        since = since or min(issued)
    if path.school:
        done = [d for kind, trade, d in career.schools
                if kind in SCHOOL_SATISFIES[path.school] and (trade or not path.major_in_trade) and d <= ON]  # fmt: skip
        if not done:
            return False
        since = since or min(done)
    if path.apprenticeship and not any(k == "apprenticeship" and d <= ON for k, _t, d in career.schools):
        return False
    if path.years is not None:
        first = since if (path.years_since_level and since) else min([s for s, _e in career.work], default=ON)
        days, day = 0, first
        while day < ON:
            days += any(start <= day < end for start, end in career.work)
            day += one
        if days / 365.25 + 1e-9 < float(path.years):
            return False
    if path.min_age is not None and (career.age() is None or career.age() < path.min_age):
        return False
    return True


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(career=careers())
def test_every_seeded_path_agrees_with_a_day_by_day_count(v2018, v2023, career):
    for version in (v2018, v2023):
        for path in version.paths.select_related("required_level"):
            result = check(path, career)
            assert result.holds == day_count_answer(path, career), (path.description, career, result.missing)
            assert result.holds or result.missing


# --- from the registry


def test_a_career_is_read_from_the_registry_and_checked(personas, v2018):
    person = Person.objects.get(user=personas.user("worker"))
    occupation = v2018.occupation
    employer = personas.organisation("employer")
    Employment.objects.filter(person=person).delete()
    LevelEntry.objects.filter(person=person).delete()
    Employment.objects.create(person=person, employer=employer, occupation=occupation, start_date=D(2015, 3, 1))
    LevelEntry.objects.create(person=person, occupation=occupation, level=Level.objects.get(code="level4"), rank=2,
                              valid_from=D(2019, 6, 1), confirmed=True, source_kind="certificate_record", source_id=1)  # fmt: skip
    level3 = Level.objects.get(code="level3")
    assert check_person(person, v2018, level3, D(2024, 6, 1)).eligible  # 四级 + 5 years
    early = check_person(person, v2018, level3, D(2023, 6, 1))
    assert not early.eligible and "从业年限4.0年，须满5年" in early.refusal()
    # A declared, unconfirmed level does not count.
    LevelEntry.objects.filter(person=person).update(confirmed=False)
    assert not check_person(person, v2018, level3, D(2024, 6, 1)).eligible
    # Education and titles come from their records.
    EducationRecord.objects.create(person=person, school_type="technical", school="上海市园林学校", trade=occupation,
                                   completed_on=D(2014, 7, 1))  # fmt: skip
    assert check_person(person, v2018, Level.objects.get(code="level4"), D(2024, 6, 1)).eligible
    ProfessionalTitle.objects.create(person=person, name="助理工程师", grade="junior", issued_on=D(2020, 1, 1))
    career = career_of(person, occupation, D(2024, 6, 1))
    assert career.titles == (("junior", D(2020, 1, 1)),)
