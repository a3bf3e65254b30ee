"""The roster a clerk actually has (issue 14, item 1): 工作单位, 职业（工种） and 技能等级 are imported as the
employment (employer, occupation, work type, from-date) and a declared level, unconfirmed, valid from the
employment's start and replaced, not duplicated, by a later roster; unknown occupations, work types,
levels and other employers are row errors."""

from __future__ import annotations

import datetime
import random

import pytest
from django.urls import reverse

from talentbase.catalog.models import Level, Occupation, WorkType
from talentbase.core.tests.imports_support import commit, import_settings, row_errors, upload, write_xlsx
from talentbase.registry import levels
from talentbase.registry.identity import synthetic_ric, today_in_china
from talentbase.registry.models import Employment, LevelEntry, Person

_fixtures = (import_settings,)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_settings")]

HEADERS = ("姓名", "证件号码", "入职日期", "工作单位", "职业（工种）", "技能等级")


def numbers(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [synthetic_ric(rng, region="310104", birth_date=datetime.date(1985, 1, 1) + datetime.timedelta(days=i))
            for i in range(count)]  # fmt: skip


@pytest.fixture
def greening():
    occupation = Occupation.objects.get(code="4-09-10-01")
    work_type = WorkType.objects.create(occupation=occupation, name="花卉园艺工")
    return occupation, work_type


def test_the_roster_records_employment_occupation_work_type_and_a_declared_level(
    personas, django_capture_on_commit_callbacks, tmp_path, greening
):
    occupation, work_type = greening
    employer = personas.organisation("employer")
    actor = personas.actor("employer")
    first, second = numbers(2, seed=1)
    path = write_xlsx(tmp_path / "r.xlsx", HEADERS, [
        ["张三", first, "2021-04-01", employer.name, "园林绿化工（花卉园艺工）", "四级"],
        ["李四", second, "", "", "园林绿化工", ""],
    ])  # fmt: skip
    batch = upload(django_capture_on_commit_callbacks, actor, path)
    assert not row_errors(batch), row_errors(batch)
    batch = commit(django_capture_on_commit_callbacks, actor, batch)
    assert batch.state == "done", batch.message
    zhang = Person.objects.get(full_name="张三")
    job = Employment.objects.get(person=zhang)
    assert (job.employer, job.occupation, job.work_type) == (employer, occupation, work_type)
    assert job.start_date == datetime.date(2021, 4, 1)
    entry = LevelEntry.objects.get(person=zhang)
    assert entry.level == Level.objects.get(code="level4") and entry.occupation == occupation
    assert entry.source_kind == "roster" and entry.confirmed is False
    assert entry.valid_from == datetime.date(2021, 4, 1)
    # Declared, not confirmed: eligibility does not count it; the person page shows it.
    assert levels.level_on(zhang, occupation, today_in_china()) is None
    assert levels.level_on(zhang, occupation, today_in_china(), include_declared=True).code == "level4"
    page = (
        personas.client("employer").get(reverse("registry:person-detail", args=[zhang.pk])).content.decode()
    )
    assert "申报（待核实）" in page and "花名册申报" in page and "花卉园艺工" in page
    li = Person.objects.get(full_name="李四")
    assert Employment.objects.get(person=li).occupation == occupation
    assert not LevelEntry.objects.filter(person=li).exists()


def test_a_declared_level_without_a_start_date_is_valid_from_the_import_date(
    personas, django_capture_on_commit_callbacks, tmp_path, greening
):
    (number,) = numbers(1, seed=2)
    path = write_xlsx(tmp_path / "r.xlsx", HEADERS, [["张三", number, "", "", "4-09-10-01", "高级工"]])
    actor = personas.actor("employer")
    commit(django_capture_on_commit_callbacks, actor, upload(django_capture_on_commit_callbacks, actor, path))
    entry = LevelEntry.objects.get(person__full_name="张三")
    assert entry.valid_from == today_in_china() and entry.level.code == "level3"


def test_a_later_roster_replaces_the_declared_level_instead_of_adding_one(
    personas, django_capture_on_commit_callbacks, tmp_path, greening
):
    (number,) = numbers(1, seed=3)
    actor = personas.actor("employer")
    first = write_xlsx(
        tmp_path / "1.xlsx", HEADERS, [["张三", number, "2020-01-02", "", "园林绿化工", "五级"]]
    )
    commit(
        django_capture_on_commit_callbacks, actor, upload(django_capture_on_commit_callbacks, actor, first)
    )
    later = write_xlsx(tmp_path / "2.xlsx", HEADERS, [["张三", number, "", "", "园林绿化工", "四级"]])
    batch = upload(django_capture_on_commit_callbacks, actor, later, mode="update")
    assert not row_errors(batch), row_errors(batch)
    batch = commit(django_capture_on_commit_callbacks, actor, batch)
    assert batch.state == "done", batch.message
    entries = LevelEntry.objects.filter(person__full_name="张三")
    assert entries.count() == 1
    assert entries.get().level.code == "level4" and entries.get().valid_from == datetime.date(2020, 1, 2)
    assert Employment.objects.filter(person__full_name="张三").count() == 1


def test_unknown_occupation_work_type_level_and_another_employer_are_row_errors(
    personas, django_capture_on_commit_callbacks, tmp_path, greening
):
    other = personas.organisation("employer", outsider=True)
    rows = [
        ["甲", "", "", "", "宇航员", ""],
        ["乙", "", "", "", "园林绿化工（挖掘机司机）", ""],
        ["丙", "", "", "", "园林绿化工", "九级"],
        ["丁", "", "", other.name, "", ""],
        ["戊", "", "", "", "", "四级"],
    ]
    for row, number in zip(rows, numbers(len(rows), seed=4), strict=True):
        row[1] = number
    batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"),
                   write_xlsx(tmp_path / "bad.xlsx", HEADERS, rows))  # fmt: skip
    errors = row_errors(batch)
    assert errors[2] == [("职业（工种）", "职业“宇航员”不在职业目录中：请填写目录中的职业名称或编码")]
    assert errors[3][0][0] == "工种" and "挖掘机司机" in errors[3][0][1]
    assert errors[4][0][0] == "技能等级" and "不是技能等级" in errors[4][0][1]
    assert errors[5][0][0] == "工作单位" and "不是本单位" in errors[5][0][1]
    assert errors[6][0][0] == "技能等级" and "职业" in errors[6][0][1]
    assert batch.valid_rows == 0


def test_the_city_names_the_employer_of_each_row_by_name_or_credit_code(
    personas, django_capture_on_commit_callbacks, tmp_path, greening
):
    one, two = personas.organisation("employer"), personas.organisation("employer", outsider=True)
    a, b = numbers(2, seed=5)
    path = write_xlsx(tmp_path / "c.xlsx", HEADERS, [
        ["张三", a, "", one.name, "园林绿化工", "四级"],
        ["李四", b, "", two.credit_code or two.name, "园林绿化工", ""],
    ])  # fmt: skip
    actor = personas.actor("city")
    batch = upload(django_capture_on_commit_callbacks, actor, path)
    assert not row_errors(batch), row_errors(batch)
    batch = commit(django_capture_on_commit_callbacks, actor, batch)
    assert batch.state == "done", batch.message
    assert Employment.objects.get(person__full_name="张三").employer == one
    assert Employment.objects.get(person__full_name="李四").employer == two
