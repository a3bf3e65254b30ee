"""The person list answers the questions asked of it: who works where, in which district, trade and level,
whether still in service, and how many; with the columns each user chooses, in the list and its export."""

import io

import pytest
from django.urls import reverse

from talentbase.catalog.models import District, Level, Occupation
from talentbase.core.models import ListColumns
from talentbase.registry import levels
from talentbase.registry.models import LevelSource
from talentbase.registry.tests.test_search import SUBQUERY_FORMS, People, listed, use_subquery_form

pytestmark = pytest.mark.django_db

LIST = "registry:person-list"


@pytest.fixture(autouse=True, params=list(SUBQUERY_FORMS))
def subquery_form(request, monkeypatch):
    use_subquery_form(monkeypatch, request.param)
    return request.param


@pytest.fixture
def people(personas):
    return People(personas)


def certify(people, person, occupation, *, confirmed=True, source_id=1):
    return levels.record_level(
        person=person, occupation=occupation, level=Level.objects.get(code="level3"),
        valid_from=people.today, confirmed=confirmed, source_kind=LevelSource.LEGACY_CERTIFICATE,
        source_id=source_id,
    )  # fmt: skip


def shown(response) -> dict[str, dict[str, str]]:
    """Each row of the page as {column label: value}, keyed by the person's name."""
    columns = response.context["columns"]
    return {obj.full_name: {str(column.label): column.value(obj) for column in columns}
            for obj, _cells in response.context["rows"]}  # fmt: skip


def test_the_default_columns_show_employer_district_occupation_level_and_in_service(people, personas):
    certify(people, people.zhang_san, people.occupation)
    response = personas.client("city").get(reverse(LIST), {"employer": "检索测试林业"})
    rows = shown(response)
    assert list(rows["张三"]) == ["姓名", "证件号码", "用人单位", "区", "职业", "最高技能等级", "在职状态"]
    assert rows["张三"]["用人单位"] == people.employer.name
    assert rows["张三"]["区"] == "徐汇区"
    assert rows["张三"]["职业"] == people.occupation.name
    assert "高级工" in rows["张三"]["最高技能等级"]
    assert str(rows["张三"]["在职状态"]) == "在职"
    assert "*" in rows["张三"]["证件号码"]


def test_a_former_employee_reads_left_and_the_in_service_filter_separates_them(people, personas):
    employer = personas.client("city")
    in_service = listed(employer, employer="检索测试林业", in_service="yes")
    assert people.zhang_san.pk in in_service and people.former.pk not in in_service
    every = listed(employer, in_service="no")
    assert people.former.pk in every and people.zhang_san.pk not in every


def test_an_employer_sees_its_former_employee_as_left_and_not_where_they_work_now(people, personas):
    from talentbase.registry import actions

    own = personas.organisation("employer")
    city = personas.actor("city")
    actions.add_employment(actor=city, person=people.former, employer=own, start_date=people.today)
    actions.end_employment(actor=city, employment=people.former.employments.get(employer=own, end_date=None),
                           end_date=people.today)  # fmt: skip
    actions.add_employment(
        actor=city, person=people.former, employer=people.employer, start_date=people.today
    )
    client = personas.client("employer")
    rows = shown(client.get(reverse(LIST), {"q": "王五"}))
    assert str(rows["王五"]["在职状态"]) == "离职"
    assert rows["王五"]["用人单位"] is None
    assert people.former.pk in listed(client, in_service="no")
    assert people.former.pk not in listed(client, in_service="yes")


def test_the_occupation_filter_finds_those_who_work_in_it_or_hold_its_certificate(people, personas):
    other = Occupation.objects.exclude(pk=people.occupation.pk).order_by("code").first()
    certify(people, people.lv, other)
    certify(people, people.zhang_shan, other, confirmed=False, source_id=2)
    found = listed(personas.client("city"), occupation=other.pk)
    assert people.lv.pk in found  # no employment records the occupation; the certificate does
    assert people.zhang_shan.pk not in found  # only declared, not confirmed
    working = listed(personas.client("city"), occupation=people.occupation.pk)
    assert {people.zhang_san.pk, people.zeng.pk} <= set(working)
    assert people.former.pk not in working  # no longer works in it


def test_the_list_says_how_many_persons_the_filters_keep(people, personas):
    response = personas.client("city").get(reverse(LIST), {"employer": "检索测试林业", "in_service": "yes"})
    total = response.context["total"]
    assert total.exact and total.number == len(listed(personas.client("city"), employer="检索测试林业",
                                                         in_service="yes"))  # fmt: skip
    assert f"共 {total.number} 条" in response.content.decode()


def test_past_the_exact_limit_the_total_says_more_than_or_about(people, personas, monkeypatch):
    from talentbase.core import pagination
    from talentbase.registry.views import PersonListView

    monkeypatch.setitem(pagination.total_of.__kwdefaults__, "exact_up_to", 2)
    monkeypatch.setattr(PersonListView, "paginate_by", 1)  # a first page that is the whole list is its total
    response = personas.client("city").get(reverse(LIST), {"employer": "检索测试林业"})
    total = response.context["total"]
    assert not total.exact
    text = response.content.decode()
    assert ("约 " in text) if total.estimated else ("超过 2 条" in text)


@pytest.mark.parametrize("role", ["district", "sector"])
def test_a_district_or_sector_official_sees_only_persons_in_service_so_is_not_offered_left(personas, role):
    fields = personas.client(role).get(reverse(LIST)).context["filter"].form.fields
    assert "in_service" not in fields and "occupation" in fields


def test_a_district_official_is_offered_only_its_district(personas):
    response = personas.client("district").get(reverse(LIST))
    offered = list(response.context["filter"].form.fields["district"].queryset)
    assert offered == [District.objects.get(pk=personas.actor("district").district_id)]


def test_the_filters_past_the_first_three_are_folded_and_open_when_one_is_set(people, personas):
    client = personas.client("city")
    text = client.get(reverse(LIST)).content.decode()
    assert 'class="col-12 tb-more-filters" data-testid="more-filters">' in text  # folded
    opened = client.get(reverse(LIST), {"gender": "F"}).content.decode()
    assert 'class="col-12 tb-more-filters" open data-testid="more-filters">' in opened
    assert "已选 1 项" in opened


def test_a_user_chooses_and_orders_columns_which_the_export_follows_and_can_reset(people, personas):
    from python_calamine import CalamineWorkbook

    client = personas.client("city")
    response = client.post(reverse("core:list-columns"), {
        "table": LIST, "column": ["birth_date", "full_name", "in_service", "no_such"],
        "order_birth_date": "2", "order_full_name": "1", "order_in_service": "3",
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get(reverse(LIST), {"employer": "检索测试林业"})
    assert [str(c.label) for c in page.context["columns"]] == ["姓名", "出生日期", "在职状态"]
    other = personas.client("employer")
    assert len(other.get(reverse(LIST)).context["columns"]) == 7  # another user keeps the default
    export = client.get(reverse(LIST), {"employer": "检索测试林业", "export": "xlsx"})
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    assert workbook.sheet_names == ["人员"]
    assert workbook.get_sheet_by_index(0).to_python()[0] == ["姓名", "出生日期", "在职状态"]
    client.post(reverse("core:list-columns"), {"table": LIST, "reset": "1"})
    assert len(client.get(reverse(LIST)).context["columns"]) == 7
    assert not ListColumns.objects.filter(table=LIST).exists()


def test_the_column_control_refuses_a_page_that_is_no_list(personas):
    response = personas.client("city").post(
        reverse("core:list-columns"), {"table": "core:home", "column": ["x"]}
    )
    assert response.status_code == 404


def test_the_api_list_takes_the_same_in_service_and_occupation_filters(people, personas):
    client = personas.client("city")
    other = Occupation.objects.exclude(pk=people.occupation.pk).order_by("code").first()
    certify(people, people.lv, other)

    def ids(**query):
        return {row["id"] for row in client.get(reverse("person-list"), query).json()["results"]}

    assert people.former.pk in ids(in_service="no") and people.zhang_san.pk not in ids(in_service="no")
    assert people.lv.pk in ids(occupation=other.pk)
