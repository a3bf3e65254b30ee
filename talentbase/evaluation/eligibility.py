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


def career_of(person: Person | int, occupation, on: datetime.date) -> Career:
    """The career of a person on ``on`` in an occupation and those related to it, from the registry (five
    small indexed queries). Only confirmed levels count (a declared roster level does not)."""
    person_id = getattr(person, "pk", person)
    occupation_id = getattr(occupation, "pk", occupation)
    from talentbase.catalog.models import Occupation

    # unscoped: the facts of a person the caller fetched in scope, checked and never listed
    related = set(Occupation.objects.filter(pk=occupation_id).values_list("related__pk", flat=True)) - {None}
    trades = {occupation_id} | related
    birth_date = Person.objects.filter(pk=person_id).values_list("birth_date", flat=True).first()
    levels = tuple(
        LevelEntry.objects.filter(person_id=person_id, occupation_id__in=trades, confirmed=True,
                                  valid_from__lte=on).values_list("rank", "valid_from", "valid_to")
    )  # fmt: skip
    day = datetime.timedelta(days=1)
    work = tuple(
        (start, min(end + day, on) if end else on)
        for start, end in Employment.objects.filter(
            person_id=person_id, occupation_id__in=trades, start_date__lt=on
        ).values_list("start_date", "end_date")
    )
    schools = tuple(
        (kind, trade_id in trades, done)
        for kind, trade_id, done in EducationRecord.objects.filter(person_id=person_id).values_list(
            "school_type", "trade_id", "completed_on"
        )
    )
    titles = tuple(ProfessionalTitle.objects.filter(person_id=person_id).values_list("grade", "issued_on"))
    return Career(on=on, birth_date=birth_date, levels=levels, work=work, schools=schools, titles=titles)


def paths_for(version, level) -> list[EligibilityPath]:
    # unscoped: the rules of a version, read to check an application
    return list(
        EligibilityPath.objects.filter(version=version, level=level).select_related("required_level").order_by("order", "pk")
    )


def check_person(person, version, level, on: datetime.date, *, waived: Iterable[str] = ()) -> Eligibility:
    """The eligibility of a person for a level of a version on a date."""
    return eligibility(paths_for(version, level), career_of(person, version.occupation_id, on), waived=waived)
