"""Who may apply for a level: the paths of the session's standard version checked against the registry.

``career_of`` reads what the registry says about a person on a date, for one occupation, in a few queries
(levels held, with the date each was reached; employment in the trade; schools; titles; age). ``check``
is a plain function of a path and that career: it says what is missing, in words a refusal can name
(DOMAIN.md §7). A level is eligible when any one of its paths holds. Direct recognition (直接认定) waives the
limits the employer recorded — education, seniority, age — and the rest of the path must still hold."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connections, router
from django.utils.translation import gettext as _

from talentbase.registry.levels import merged_days
from talentbase.registry.models import (
    EducationRecord,
    Employment,
    LevelEntry,
    Person,
    ProfessionalTitle,
    SchoolType,
)

from .models import EligibilityPath

DAYS_PER_YEAR = 365.25
# Titles count upwards: a 中级 title satisfies a path asking for 初级.
TITLE_ORDER = {"junior": 1, "intermediate": 2, "deputy_senior": 3, "senior": 4}
# Schools count upwards where the standards say "or above": a 技师学院 satisfies a 技工学校 path.
SCHOOL_SATISFIES = {
    SchoolType.TECHNICAL: {SchoolType.TECHNICAL, SchoolType.SENIOR_TECHNICAL, SchoolType.PRE_TECHNICIAN,
                           SchoolType.COLLEGE},
    SchoolType.SENIOR_TECHNICAL: {SchoolType.SENIOR_TECHNICAL, SchoolType.PRE_TECHNICIAN},
    SchoolType.COLLEGE: {SchoolType.COLLEGE},
    SchoolType.PRE_TECHNICIAN: {SchoolType.PRE_TECHNICIAN},
}  # fmt: skip

WAIVABLE = ("education", "years", "age")


@dataclass(frozen=True)
class Career:
    """What the registry says about one person on one date, for one occupation (and those related to it)."""

    on: datetime.date
    birth_date: datetime.date | None = None
    # (rank, valid_from, valid_to or None) of the confirmed level entries in the occupation or a related one
    # (the standards' "本职业或相关职业…证书").
    levels: tuple[tuple[int, datetime.date, datetime.date | None], ...] = ()
    # [start, end) of the employments in the occupation or a related one.
    work: tuple[tuple[datetime.date, datetime.date], ...] = ()
    # (school type, in the trade, completed on).
    schools: tuple[tuple[str, bool, datetime.date], ...] = ()
    # (title grade, issued on).
    titles: tuple[tuple[str, datetime.date], ...] = ()

    def age(self) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return self.on.year - born.year - ((self.on.month, self.on.day) < (born.month, born.day))

    def years_since(self, since: datetime.date | None = None) -> float:
        """Years worked in the trade from ``since`` (all years when None) up to ``on``, overlaps once."""
        start_at = since or datetime.date.min
        periods = [(max(start, start_at), min(end, self.on)) for start, end in self.work]
        return merged_days(periods) / DAYS_PER_YEAR

    def level_reached(self, rank: int) -> datetime.date | None:
        """Since when the person has held ``rank`` or above without a break, as of ``on``; None if not now."""
        spans = sorted((start, end or datetime.date.max) for r, start, end in self.levels if r >= rank)
        current_start = current_end = None
        for start, end in spans:
            if start > self.on:
                break
            if current_end is None or start > current_end:
                current_start, current_end = start, end
            else:
                current_end = max(current_end, end)
        if current_start is not None and current_start <= self.on < current_end:
            return current_start
        return None

    def school_done(self, school: str, in_trade: bool) -> datetime.date | None:
        """The earliest completion of a school that satisfies ``school`` (in the trade when asked), by ``on``."""
        accepted = SCHOOL_SATISFIES.get(school, {school})
        dates = [done for kind, trade, done in self.schools
                 if kind in accepted and (trade or not in_trade) and done <= self.on]  # fmt: skip
        return min(dates) if dates else None

    def apprenticeship_done(self) -> datetime.date | None:
        dates = [done for kind, _trade, done in self.schools if kind == SchoolType.APPRENTICESHIP and done <= self.on]
        return min(dates) if dates else None

    def title_held(self, grade: str) -> datetime.date | None:
        wanted = TITLE_ORDER.get(grade, 99)
        dates = [issued for g, issued in self.titles if TITLE_ORDER.get(g, 0) >= wanted and issued <= self.on]
        return min(dates) if dates else None


@dataclass
class PathCheck:
    path: EligibilityPath
    missing: list[str] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return not self.missing


@dataclass
class Eligibility:
    """The answer for one level: eligible or not, the path that holds, and for a refusal every path with
    what it lacks."""

    eligible: bool
    met: EligibilityPath | None
    checks: list[PathCheck]
    waived: frozenset[str] = frozenset()

    def refusal(self) -> str:
        """The refusal in words: each rule with what is missing (empty when eligible)."""
        if self.eligible:
            return ""
        if not self.checks:
            return _("该版本未设置此等级的申报条件")
        return "；".join(f"{check.path.description}（{'、'.join(check.missing)}）" for check in self.checks)


def check(path: EligibilityPath, career: Career, *, level_names: dict[int, str] | None = None,
          waived: Iterable[str] = ()) -> PathCheck:  # fmt: skip
    """What this career lacks for this path: an empty list when the path holds."""
    waived = set(waived)
    result = PathCheck(path)
    since: datetime.date | None = None
    if path.required_level_id is not None:
        rank = path.required_level.rank
        reached = career.level_reached(rank)
        if reached is None:
            name = (level_names or {}).get(rank) or str(path.required_level)
            result.missing.append(_("未持有{level}或以上等级证书").format(level=name))
        since = reached
    if path.title_grade:
        held = career.title_held(path.title_grade)
        if held is None:
            result.missing.append(_("未取得相应专业技术职称"))
        since = since or held
    if path.school and "education" not in waived:
        done = career.school_done(path.school, path.major_in_trade)
        if done is None:
            label = str(SchoolType(path.school).label)
            result.missing.append(
                _("无{school}（本专业或相关专业）毕业记录").format(school=label) if path.major_in_trade
                else _("无{school}毕业记录").format(school=label)
            )  # fmt: skip
        since = since or done
    if path.apprenticeship and "education" not in waived and career.apprenticeship_done() is None:
        result.missing.append(_("无学徒期满记录"))
    if path.years is not None and "years" not in waived:
        counted = career.years_since(since if path.years_since_level else None)
        if counted + 1e-9 < float(path.years):
            result.missing.append(
                _("从业年限{counted:.1f}年，须满{years}年").format(counted=counted, years=_years(path.years))
            )
    if path.min_age is not None and "age" not in waived:
        age = career.age()
        if age is None or age < path.min_age:
            result.missing.append(_("年龄须满{age}周岁").format(age=path.min_age))
    return result


def _years(value) -> str:
    number = float(value)
    return str(int(number)) if number == int(number) else f"{number:.1f}"


def eligibility(paths: Iterable[EligibilityPath], career: Career, *, waived: Iterable[str] = ()) -> Eligibility:
    """Eligible when any path holds. ``waived``: the limits direct recognition lifts (``WAIVABLE``)."""
    waived = frozenset(waived)
    unknown = waived - set(WAIVABLE)
    if unknown:
        raise ValueError(f"unknown waivers: {sorted(unknown)}")
    checks = [check(path, career, waived=waived) for path in paths]
    met = next((c.path for c in checks if c.holds), None)
    return Eligibility(eligible=met is not None, met=met, checks=[] if met else checks, waived=waived)


def trades_of(occupation) -> set[int]:
    """The occupation and those related to it: years and levels in any of them count (DOMAIN.md §7)."""
    from talentbase.catalog.models import Occupation

    occupation_id = getattr(occupation, "pk", occupation)
    # unscoped: reference data
    related = set(Occupation.objects.filter(pk=occupation_id).values_list("related__pk", flat=True)) - {None}
    return {occupation_id} | related


def _date(text) -> datetime.date | None:
    if text is None or isinstance(text, datetime.date):
        return text
    return datetime.date.fromisoformat(str(text)[:10])


def career_of(person: Person | int, occupation, on: datetime.date, *, trades: set[int] | None = None) -> Career:
    """The career of a person on ``on`` in an occupation and those related to it, from the registry, in ONE
    query (a UNION of five indexed lookups, every value as text): eligibility is asked for 10^4 applicants at
    a time, and five ORM queries cost each of them more than the lookups (bench/eligibility.py). Only
    confirmed levels count (a declared roster level does not)."""
    person_id = getattr(person, "pk", person)
    trades = trades if trades is not None else trades_of(occupation)
    connection = connections[router.db_for_read(Person)]
    quote = connection.ops.quote_name
    tables = {name: quote(model._meta.db_table) for name, model in (
        ("person", Person), ("level", LevelEntry), ("job", Employment), ("school", EducationRecord),
        ("title", ProfessionalTitle))}  # fmt: skip
    marks = ", ".join(["%s"] * len(trades))
    sql = (
        f"SELECT 'b', CAST(birth_date AS TEXT), NULL, NULL FROM {tables['person']} WHERE id = %s "  # noqa: S608
        f"UNION ALL SELECT 'l', CAST(rank AS TEXT), CAST(valid_from AS TEXT), CAST(valid_to AS TEXT) "
        f"FROM {tables['level']} WHERE person_id = %s AND occupation_id IN ({marks}) AND confirmed = %s "
        f"AND valid_from <= %s "
        f"UNION ALL SELECT 'e', CAST(start_date AS TEXT), CAST(end_date AS TEXT), NULL FROM {tables['job']} "
        f"WHERE person_id = %s AND occupation_id IN ({marks}) AND start_date < %s "
        f"UNION ALL SELECT 's', school_type, CAST(trade_id AS TEXT), CAST(completed_on AS TEXT) "
        f"FROM {tables['school']} WHERE person_id = %s "
        f"UNION ALL SELECT 't', grade, CAST(issued_on AS TEXT), NULL FROM {tables['title']} WHERE person_id = %s"
    )
    trade_list = sorted(trades)
    params = [person_id, person_id, *trade_list, True, on, person_id, *trade_list, on, person_id, person_id]
    birth_date, levels, work, schools, titles = None, [], [], [], []
    day = datetime.timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for tag, first, second, third in cursor.fetchall():
            if tag == "b":
                birth_date = _date(first)
            elif tag == "l":
                levels.append((int(first), _date(second), _date(third)))
            elif tag == "e":
                end = _date(second)
                work.append((_date(first), min(end + day, on) if end else on))
            elif tag == "s":
                schools.append((first, second is not None and int(second) in trades, _date(third)))
            else:
                titles.append((first, _date(second)))
    return Career(on=on, birth_date=birth_date, levels=tuple(levels), work=tuple(work), schools=tuple(schools),
                  titles=tuple(titles))  # fmt: skip


class Checker:
    """The paths of one level of one version, and the trades they count, read once for many applicants (a
    batch application, a benchmark)."""

    def __init__(self, version, level):
        self.paths = paths_for(version, level)
        self.trades = trades_of(version.occupation_id)
        self.occupation_id = version.occupation_id

    def check(self, person, on: datetime.date, *, waived: Iterable[str] = ()) -> Eligibility:
        career = career_of(person, self.occupation_id, on, trades=self.trades)
        return eligibility(self.paths, career, waived=waived)


def paths_for(version, level) -> list[EligibilityPath]:
    # unscoped: the rules of a version, read to check an application
    return list(
        EligibilityPath.objects.filter(version=version, level=level).select_related("required_level").order_by("order", "pk")
    )


def check_person(person, version, level, on: datetime.date, *, waived: Iterable[str] = ()) -> Eligibility:
    """The eligibility of a person for a level of a version on a date."""
    return Checker(version, level).check(person, on, waived=waived)
