"""Working days on the platform's calendar: holidays, make-up Saturdays, and a year the table does not know
(counted on weekends alone, and said so)."""

import datetime

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from talentbase.catalog.calendar import WorkingCalendar, end_of_period, is_working_day
from talentbase.catalog.models import CalendarDay, CalendarYear, DayKind

pytestmark = pytest.mark.django_db

D = datetime.date


def test_the_seed_knows_the_years_of_chinese_calendar_with_their_holidays_and_make_up_days():
    assert set(CalendarYear.objects.values_list("year", flat=True)) == set(range(2004, 2027))
    assert CalendarDay.objects.get(date=D(2025, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.get(date=D(2025, 10, 11)).kind == DayKind.WORKDAY
    assert CalendarDay.objects.get(date=D(2015, 9, 3)).name.startswith("中国人民抗日战争")


def test_a_holiday_on_a_weekday_is_not_worked_and_a_make_up_saturday_is():
    assert not is_working_day(D(2025, 10, 8))  # Wednesday, 国庆节
    assert is_working_day(D(2025, 10, 11))  # Saturday, 调休上班
    assert is_working_day(D(2025, 9, 28))  # Sunday, 调休上班
    assert not is_working_day(D(2025, 10, 12))  # an ordinary Sunday
    assert is_working_day(D(2025, 10, 9))


def test_publicity_across_national_day_ends_on_the_make_up_saturday():
    # Mon 29, Tue 30 September; 1–8 October off; Thu 9, Fri 10, and Saturday 11 worked.
    deadline = end_of_period(D(2025, 9, 29), 5)
    assert deadline.date == D(2025, 10, 11)
    assert not deadline.provisional and deadline.note() == ""


def test_a_period_starting_on_a_holiday_starts_counting_on_the_next_working_day():
    assert end_of_period(D(2025, 10, 1), 1).date == D(2025, 10, 9)


def test_a_year_missing_from_the_table_is_counted_on_weekends_alone_and_says_so():
    deadline = end_of_period(D(2026, 12, 28), 5)  # Mon 28 … Thu 31, then Friday 1 January 2027
    assert deadline.date == D(2027, 1, 1)
    assert deadline.missing_years == (2027,)
    assert "2027年的节假日尚未录入" in deadline.note()
    # The city bureau enters 2027: New Year's Day off, and the same period ends on Monday.
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕X号")
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    entered = end_of_period(D(2026, 12, 28), 5)
    assert (entered.date, entered.provisional) == (D(2027, 1, 4), False)


def test_days_of_a_year_not_yet_entered_are_ignored_until_the_year_is():
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    assert is_working_day(D(2027, 1, 1))  # a draft of the year's days does not count yet


@settings(max_examples=80, deadline=None)
@given(start=st.dates(min_value=D(2023, 1, 1), max_value=D(2027, 6, 30)), days=st.integers(1, 30))
def test_a_period_ends_on_a_working_day_and_holds_exactly_its_working_days(start, days):
    calendar = WorkingCalendar()
    deadline = calendar.end_of_period(start, days)
    assert calendar.is_working_day(deadline.date)
    counted, missing = calendar.working_days_between(start, deadline.date)
    assert counted == days
    assert missing == deadline.missing_years
    assert (2027 in missing) == (deadline.date.year == 2027)


def test_the_city_bureau_enters_a_make_up_day_and_a_weekday_is_refused_as_one(personas):
    city = personas.client("city")
    url = reverse("catalog:calendar-day-create")
    refused = city.post(url, {"date": "2027-02-03", "kind": "workday", "name": "春节"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["date"] == ["调休上班日应为周六或周日"]
    assert not CalendarDay.objects.filter(date=D(2027, 2, 3)).exists()
    done = city.post(url, {"date": "2027-02-06", "kind": "workday", "name": "春节"})
    assert done.status_code == 302
    assert CalendarDay.objects.get(date=D(2027, 2, 6)).kind == DayKind.WORKDAY
    api = city.post(reverse("calendarday-list"), {"date": "2027-02-10", "kind": "workday"},
                    content_type="application/json")  # fmt: skip
    assert api.status_code == 400 and "date" in api.json()
    listed = city.get(reverse("catalog:calendar-day-list"), {"year": "2025", "kind": "workday"})
    assert listed.status_code == 200
    assert "2025-10-11" in listed.content.decode() and "2025-10-01" not in listed.content.decode()
