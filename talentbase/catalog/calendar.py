"""Working days: the platform's calendar of holidays and make-up workdays (DOMAIN.md §7).

Publicity runs for N working days, and other deadlines count working days too. A day is a working day when
it is a weekday that is not a holiday, or a weekend day entered as a make-up workday (调休上班). The table
is seeded from chinese-calendar (2004–2026) and the city bureau enters each new year from the State
Council's notice. A year the table does not know is counted on weekends alone: every answer that crossed
such a year names it (``Deadline.missing_years``), so the page can say the date is provisional."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import CalendarDay, CalendarYear, DayKind

SATURDAY = 5
# A period longer than this many calendar days is a mistake in the caller, not a deadline.
LONGEST_SPAN_DAYS = 3 * 366


@dataclass(frozen=True)
class Deadline:
    """A date computed on the calendar, and the years it crossed that the calendar does not know."""

    date: datetime.date
    missing_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.missing_years)

    def note(self) -> str:
        """What a page shows beside a provisional date ("" when the calendar knew every year)."""
        if not self.missing_years:
            return ""
        years = "、".join(str(year) for year in self.missing_years)
        return _("{years}年的节假日尚未录入，按周末计算，日期可能变化").format(years=years)


class WorkingCalendar:
    """The calendar as read from the database, a year at a time (two small queries per year)."""

    def __init__(self):
        self._years: dict[int, tuple[bool, dict[datetime.date, str]]] = {}

    def _year(self, year: int) -> tuple[bool, dict[datetime.date, str]]:
        if year not in self._years:
            # unscoped: reference data every deadline reads
            known = CalendarYear.objects.filter(year=year).exists()
            days = dict(
                CalendarDay.objects.filter(date__year=year).values_list("date", "kind")
            )  # unscoped: reference data
            self._years[year] = (known, days)
        return self._years[year]

    def knows(self, year: int) -> bool:
        return self._year(year)[0]

    def is_working_day(self, day: datetime.date) -> bool:
        known, days = self._year(day.year)
        kind = days.get(day) if known else None
        if kind == DayKind.HOLIDAY:
            return False
        if kind == DayKind.WORKDAY:
            return True
        return day.weekday() < SATURDAY

    def end_of_period(self, start: datetime.date, working_days: int) -> Deadline:
        """The last day of a period of ``working_days`` working days that begins on ``start`` (``start``
        counts when it is a working day): publicity from Monday 1 for 5 days ends on Friday 5, unless a
        holiday intervenes."""
        if working_days < 1:
            raise ValueError("a period has at least one working day")
        day, counted, missing = start, 0, set()
        while True:
            if not self.knows(day.year):
                missing.add(day.year)
            if self.is_working_day(day):
                counted += 1
                if counted == working_days:
                    return Deadline(day, tuple(sorted(missing)))
            day += datetime.timedelta(days=1)
            if (day - start).days > LONGEST_SPAN_DAYS:
                raise ValueError("a period of working days longer than three years")

    def working_days_between(self, first: datetime.date, last: datetime.date) -> tuple[int, tuple[int, ...]]:
        """How many working days from ``first`` to ``last``, both included, and the unknown years crossed."""
        count, missing, day = 0, set(), first
        while day <= last:
            if not self.knows(day.year):
                missing.add(day.year)
            count += self.is_working_day(day)
            day += datetime.timedelta(days=1)
        return count, tuple(sorted(missing))


def is_working_day(day: datetime.date) -> bool:
    return WorkingCalendar().is_working_day(day)


def end_of_period(start: datetime.date, working_days: int) -> Deadline:
    return WorkingCalendar().end_of_period(start, working_days)


# --- The seed: chinese-calendar's tables (the package knows 2004 to the year of its release).

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def seed_rows() -> tuple[list[int], list[tuple[datetime.date, str, str]]]:
    """The years chinese-calendar knows and its special days: (years, [(date, kind, name)])."""
    import chinese_calendar

    rows = []
    for table, kind in ((chinese_calendar.holidays, DayKind.HOLIDAY), (chinese_calendar.workdays, DayKind.WORKDAY)):
        for day, name in table.items():
            rows.append((day, str(kind), HOLIDAY_NAMES.get(name, name)))
    years = sorted({day.year for day, _kind, _name in rows})
    return years, sorted(rows)


def load_calendar(apps) -> int:
    """Seed the years chinese-calendar knows, unless entered already (migration, and the test world again
    after a flush)."""
    import chinese_calendar

    CalendarYear = apps.get_model("catalog", "CalendarYear")
    CalendarDay = apps.get_model("catalog", "CalendarDay")
    if CalendarYear.objects.exists():
        return 0
    years, rows = seed_rows()
    source = f"chinese-calendar {chinese_calendar.__version__}（国务院办公厅部分节假日安排通知）"
    CalendarYear.objects.bulk_create([CalendarYear(year=year, source=source) for year in years])
    CalendarDay.objects.bulk_create([CalendarDay(date=day, kind=kind, name=name) for day, kind, name in rows])
    return len(years)
