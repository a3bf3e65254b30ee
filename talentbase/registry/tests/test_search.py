"""The person list's search, filters and sort orders: each filter returns exactly the persons it names, on
the list page as the users see it (all pages walked), and each reads an index."""

import datetime
import io
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from talentbase.catalog.models import District, Occupation, OrganisationKind, Sector
from talentbase.core.models import AuditEvent
from talentbase.core.pagination import Ordering
from talentbase.demo.world import synthetic_credit_code
from talentbase.orgs.models import Organisation
from talentbase.registry import actions, search
from talentbase.registry.identity import synthetic_ric
from talentbase.registry.models import Employment, Person, PersonNameKey
from talentbase.registry.pinyin import name_keys, query_key
from talentbase.registry.search import AgeBand, person_name_keys, years_before

pytestmark = pytest.mark.django_db

LIST = "registry:person-list"


def listed(client, **query) -> list[int]:
    """The persons on every page of the list, in order, following the next-page cursors."""
    url = reverse(LIST)
    found, response = [], client.get(url, query)
    while True:
        assert response.status_code == 200, response.status_code
        page = response.context["page_obj"]
        found += [person.pk for person in page.rows]
        if not page.has_next:
            return found
        response = client.get(url, {**query, "after": page.next_cursor})


def age_on(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class People:
    """Persons with known names, ages and employment at a new employer in Xuhui (forestry), next to the
    demo world's persons."""

    def __init__(self, personas):
        self.city = personas.actor("city")
        self.today = timezone.localdate()
        self.rng = random.Random(42)
        self.district = District.objects.get(name="徐汇区")
        self.sector = Sector.objects.get(code="forestry")
        self.occupation = Occupation.objects.order_by("code").first()
        self.employer = Organisation.objects.create(
            name="上海检索测试林业发展有限公司",
            district=self.district,
            credit_code=synthetic_credit_code(self.rng, "310104"),
        )
        self.employer.kinds.set(OrganisationKind.objects.filter(code="employer"))
        self.employer.sectors.set([self.sector])
        self.zhang_san = self.register("张三", years_before(self.today, 35), "M")
        self.zhang_shan = self.register(
            "张山", years_before(self.today, 30), "M"
        )  # 30 today: the last day ≤ 30
        self.zeng = self.register("曾小明", years_before(self.today, 31), "F")  # 31 today
        self.lv = self.register("吕丽", years_before(self.today, 61), "F")
        self.smith = actions.register_person(actor=self.city, full_name="John Smith", id_type="passport",
                                             id_number="E12345678", gender="M", employer=self.employer)  # fmt: skip
        self.former = self.register("王五", years_before(self.today, 45), "M")
        actions.end_employment(actor=self.city, employment=Employment.objects.get(person=self.former),
                               end_date=self.today)  # fmt: skip
        self.retired = self.register("赵六", years_before(self.today, 62) - datetime.timedelta(days=1), "F")
        actions.update_person(actor=self.city, person=self.retired, full_name="赵六", status="retired")
        Employment.objects.filter(person__in=[self.zhang_san, self.zeng, self.former]).update(
            occupation=self.occupation
        )

    def register(self, name: str, birth: datetime.date, gender: str) -> Person:
        number = synthetic_ric(self.rng, region="310104", birth_date=birth, gender=gender)
        return actions.register_person(actor=self.city, full_name=name, id_type="ric", id_number=number,
                                       employer=self.employer, start_date=self.today - datetime.timedelta(days=400))  # fmt: skip


# (search.LISTED, search.FEW) that make persons_having take each of its forms on a small world.
SUBQUERY_FORMS = {"listed": (10**9, 10**9), "few": (0, 10**9), "many": (0, 0)}


def use_subquery_form(monkeypatch, form: str) -> None:
    listed, few = SUBQUERY_FORMS[form]
    monkeypatch.setattr(search, "LISTED", listed)
    monkeypatch.setattr(search, "FEW", few)


@pytest.fixture(autouse=True, params=list(SUBQUERY_FORMS))
def subquery_form(request, monkeypatch):
    """Every test three times: with filters as a list of person ids, read whole (``pk IN`` a subquery),
    and probed person by person, the form that a district or a common surname takes on a big registry
    (search.persons_having)."""
    use_subquery_form(monkeypatch, request.param)
    return request.param


@pytest.fixture
def people(personas):
    return People(personas)


@pytest.fixture
def city(personas):
    return personas.client("city")


def name_matches(query: str) -> set[int]:
    """The persons a name search must find, worked out without the key table."""
    key = query_key(query)
    return {
        person.pk
        for person in Person.objects.all()
        if any(k.startswith(key) for k in name_keys(person.full_name) | {query_key(person.full_name)})
    }


# --- Name and pinyin


def test_initials_find_the_person_and_nothing_else(people, city):
    found = set(listed(city, q="zs"))
    assert people.zhang_san.pk in found and people.zhang_shan.pk in found
    assert found == name_matches("zs")


@pytest.mark.parametrize("query", ["zhangs", "zhangsan", "ZhangSan", "zhang san", "张", "张三"])
def test_full_pinyin_and_the_start_of_the_name_find_the_person(people, city, query):
    found = set(listed(city, q=query))
    assert people.zhang_san.pk in found
    assert found == name_matches(query)


def test_the_name_itself_is_a_prefix_search(people, city):
    assert people.zhang_shan.pk not in listed(city, q="张三")
    assert people.zhang_shan.pk in listed(city, q="张")


@pytest.mark.parametrize("query", ["san", "三", "xiaoming", "小明", "li"])
def test_the_given_name_alone_finds_no_one_as_it_starts_no_key(people, city, query):
    found = set(listed(city, q=query))
    assert not found & {people.zhang_san.pk, people.zeng.pk, people.lv.pk}
    assert found == name_matches(query)


def test_a_surname_is_read_as_a_surname(people, city):
    assert people.zeng.pk in listed(city, q="zeng")
    assert people.zeng.pk in listed(city, q="zxm")
    # pypinyin's common reading of 曾 is "ceng"; as a surname it is never read so.
    assert people.zeng.pk not in listed(city, q="ceng")


@pytest.mark.parametrize("query", ["lv", "lu", "lvli", "luli", "lü", "ll"])
def test_lv_is_found_as_lv_and_as_lu(people, city, query):
    assert people.lv.pk in listed(city, q=query)


def test_latin_names_are_found_by_their_words_and_initials_in_any_case(people, city):
    for query in ("john", "JOHN S", "js"):
        assert people.smith.pk in listed(city, q=query), query


def test_a_blank_search_is_no_filter(people, city):
    assert listed(city, q=" · ") == listed(city)


def test_the_keys_follow_a_change_of_name(people, city):
    actions.update_person(actor=people.city, person=people.zhang_san, full_name="李四")
    keys = set(PersonNameKey.objects.filter(person=people.zhang_san).values_list("key", flat=True))
    assert keys == set(person_name_keys("李四")) == {"lisi", "ls", "李四"}
    assert people.zhang_san.pk not in listed(city, q="zs")
    assert people.zhang_san.pk not in listed(city, q="张三")
    assert people.zhang_san.pk in listed(city, q="ls")


def test_searches_and_filters_keep_to_the_scope_of_the_user(people, personas):
    """The test employer is in Xuhui: Pudong's official and another employer find none of its persons."""
    employer = personas.client("employer")
    assert not set(listed(employer, q="z")) & {people.zhang_san.pk, people.zeng.pk}
    assert listed(employer, employer="检索测试林业") == []
    district = personas.client("district")
    assert people.zhang_san.pk not in listed(district, q="zs")
    assert listed(district, district=people.district.pk) == []


@pytest.mark.parametrize("role", ["district", "sector", "employer"])
def test_a_name_search_within_a_scope_finds_exactly_the_persons_in_both(people, personas, role):
    """The scope's subquery and the name's are combined (on PostgreSQL the name then leads: search.py)."""
    from talentbase.core import scoping

    in_scope = set(scoping.visible_to(personas.actor(role), Person).values_list("pk", flat=True))
    sample = Person.objects.filter(pk__in=in_scope).order_by("pk").first()
    initials = min(name_keys(sample.full_name), key=len)
    for query in (initials[:2], initials[:1]):
        found = set(listed(personas.client(role), q=query))
        assert sample.pk in found and found == in_scope & name_matches(query), query


@pytest.mark.parametrize("query", ["zs", "z"])
def test_the_prefix_search_reads_the_key_index(people, subquery_form, query):
    """Few keys: a range of the (key, person) index; many (one letter, counted): each person's keys in the
    (person, key) index. Two letters or more are always taken as few; one letter found few is a list."""
    from talentbase.registry.search import name_prefix_condition

    queryset = Person.objects.filter(name_prefix_condition(query)).order_by("pk")[:51]
    with connection.cursor() as cursor:
        sql, params = queryset.query.sql_with_params()
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(explain + sql, params)
        plan = " ".join(str(part) for row in cursor.fetchall() for part in row)
    if len(query) > 1:  # taken as few: a range of the key index, inside the query
        assert "registry_pe_key_ae8eb1_idx" in plan, plan
    elif subquery_form == "many":  # probed per person
        assert "registry_pe_person__de14b2_idx" in plan, plan
    elif subquery_form == "listed":  # their person ids were read from the key index: a list in the query
        assert "personnamekey" not in plan.lower(), plan
    else:  # counted few: a range of the key index, inside the query
        assert "registry_pe_key_ae8eb1_idx" in plan, plan


# --- ID number


def test_an_exact_id_number_finds_one_person_however_typed(people, city):
    number = Person.objects.get(pk=people.zeng.pk)
    from talentbase.registry.protection import reveal_id_number

    clear = reveal_id_number(number)
    spaced = f" {clear[:6]} {clear[6:14]} {clear[14:].lower()} "
    assert listed(city, id_number=spaced) == [people.zeng.pk]
    assert listed(city, id_number=clear[:-1]) == []


# --- Employment, age, gender, status


def current(predicate) -> set[int]:
    return {
        e.person_id
        for e in Employment.objects.select_related("employer")
        if e.end_date is None and predicate(e)
    }


@pytest.mark.parametrize("text", ["检索测试林业", "CODE"])
def test_the_employer_filter_lists_its_current_employees_by_name_or_credit_code(people, city, text):
    text = people.employer.credit_code.lower() if text == "CODE" else text
    found = set(listed(city, employer=text))
    assert found == {people.zhang_san.pk, people.zhang_shan.pk, people.zeng.pk, people.lv.pk, people.smith.pk,
                     people.retired.pk}  # fmt: skip
    assert people.former.pk not in found


def test_the_district_filter_lists_persons_employed_there_now(people, city):
    found = set(listed(city, district=people.district.pk))
    assert found == current(lambda e: e.employer.district_id == people.district.pk)
    assert people.zhang_san.pk in found and people.former.pk not in found


def test_the_sector_filter_lists_persons_employed_in_it_now(people, city):
    found = set(listed(city, sector=people.sector.pk))
    assert found == current(lambda e: people.sector in e.employer.sectors.all())
    assert people.zeng.pk in found and people.former.pk not in found


def test_the_occupation_filter_reads_the_current_employment(people, city):
    assert set(listed(city, occupation=people.occupation.pk)) == {people.zhang_san.pk, people.zeng.pk}


@pytest.mark.parametrize("sort", ["pk", "-birth_date"])  # tested row by row, or read from the index
@pytest.mark.parametrize("band", [code for code, _label in AgeBand.choices])
def test_each_age_band_holds_exactly_the_persons_of_those_ages(people, city, band, sort):
    lowest, highest = AgeBand.bounds[band]
    today = timezone.localdate()
    expected = {
        person.pk
        for person in Person.objects.exclude(birth_date=None)
        if (lowest is None or age_on(person.birth_date, today) >= lowest)
        and (highest is None or age_on(person.birth_date, today) <= highest)
    }
    assert set(listed(city, age=band, sort=sort)) == expected


def test_age_bands_turn_on_the_birthday(people, city):
    assert people.zhang_shan.pk in listed(city, age="to30")  # 30 today
    assert people.zeng.pk in listed(city, age="31-40")  # 31 today
    assert people.zeng.pk not in listed(city, age="to30")
    assert people.lv.pk in listed(city, age="over60")
    assert people.smith.pk not in listed(city, age="to30") + listed(city, age="over60")  # no birth date


def test_gender_and_status_filters(people, city):
    assert set(listed(city, gender="F")) == set(
        Person.objects.filter(gender="F").values_list("pk", flat=True)
    )
    assert listed(city, status="retired") == [people.retired.pk]


def test_filters_combine(people, city):
    assert listed(city, employer="检索测试林业", gender="M", age="31-40") == [people.zhang_san.pk]
    assert listed(city, q="z", district=people.district.pk, status="active") == sorted(
        {people.zhang_san.pk, people.zhang_shan.pk, people.zeng.pk} | (name_matches("z") & current(
            lambda e: e.employer.district_id == people.district.pk and e.person.status == "active"))
    )  # fmt: skip


# --- Sort orders and pages


@pytest.mark.parametrize(
    "sort", ["full_name", "-full_name", "birth_date", "-birth_date", "created_at", "-created_at", "status"]
)
def test_every_sort_order_walks_all_persons_once_in_order(people, city, sort):
    expected = list(Person.objects.order_by(*Ordering.parse(sort).order_by()).values_list("pk", flat=True))
    assert Person.objects.count() > 50  # more than one page
    assert listed(city, sort=sort) == expected


def test_persons_without_a_birth_date_come_last_in_both_directions(people, city):
    assert listed(city, sort="birth_date")[-1] == people.smith.pk
    assert listed(city, sort="-birth_date")[-1] == people.smith.pk
    births = [Person.objects.get(pk=pk).birth_date for pk in listed(city, sort="-birth_date")[:-1]]
    assert births == sorted(births, reverse=True)


def test_the_list_page_costs_the_same_queries_whatever_its_length_or_depth(
    people, city, django_assert_max_num_queries
):
    url = reverse(LIST)
    with CaptureQueriesContext(connection) as one_row:
        city.get(url, {"q": "张三"})
    with django_assert_max_num_queries(len(one_row)):
        first = city.get(url)
    assert len(first.context["page_obj"].rows) == 50
    with django_assert_max_num_queries(len(one_row)):
        city.get(url, {"after": first.context["page_obj"].next_cursor})
    # A sort order over a field that may be empty reads the rows without a value in a second query.
    with django_assert_max_num_queries(len(one_row) + 1):
        city.get(url, {"sort": "-birth_date"})


# --- Export


def test_the_export_holds_the_filtered_rows_masked_and_formula_free_and_the_audit_no_search(people, personas):
    from python_calamine import CalamineWorkbook

    actions.update_person(actor=people.city, person=people.zhang_shan, full_name="=HYPERLINK(1)")
    client = personas.client("city")
    response = client.get(reverse(LIST), {"employer": "检索测试林业", "q": "=hyper", "export": "xlsx"})
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 2
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert "*" in rows[1][rows[0].index("证件号码")]
    event = AuditEvent.objects.filter(verb="export", object_type="registry.person").latest("seq")
    assert "HYPERLINK" not in event.reason and "hyper" not in event.reason.lower()
    assert "employer=" in event.reason and "q=%2A" in event.reason


@pytest.mark.parametrize("role", ["city", "hr", "sector", "district", "employer", "worker"])
def test_both_subquery_forms_give_the_same_scope(personas, monkeypatch, role):
    from talentbase.core import scoping

    actor = personas.actor(role)
    seen = {}
    for form in SUBQUERY_FORMS:
        use_subquery_form(monkeypatch, form)
        seen[form] = {action: set(scoping.visible_to(actor, Person, action).values_list("pk", flat=True))
                      for action in ("view", "change") if scoping.may(actor, Person, action)}  # fmt: skip
    assert seen["listed"] == seen["few"] == seen["many"]
    assert any(seen["many"].values())


def test_the_keys_of_every_person_can_be_rebuilt(people):
    from django.core.management import call_command

    PersonNameKey.objects.filter(person=people.zeng).delete()
    PersonNameKey.objects.create(person=people.lv, key="stale")
    call_command("index_person_names", stdout=io.StringIO())
    assert set(PersonNameKey.objects.filter(person=people.zeng).values_list("key", flat=True)) == set(
        person_name_keys("曾小明")
    )
    assert not PersonNameKey.objects.filter(key="stale").exists()
    assert PersonNameKey.objects.count() == sum(
        len(person_name_keys(p.full_name)) for p in Person.objects.all()
    )
