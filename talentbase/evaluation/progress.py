"""The year against its targets (notice 二), and the sessions whose steps are overdue: what the city bureau's
home shows, and what HR and the sector units watch."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _

from talentbase.core import scoping
from talentbase.registry.identity import today_in_china

from .models import EvaluationSession, Indicator, SessionState, Target

# Days after which a step still not taken is overdue (a session still examining a month after its practical
# exam, still issuing a month after publicity).
GRACE_DAYS = 30


def targets_of(year: int) -> dict[str, int]:
    # unscoped: reference data
    return dict(Target.objects.filter(year=year).values_list("indicator", "value"))


def year_progress(actor, year: int | None = None) -> dict:
    """This year's certificates (issued on the platform, awaiting numbers excluded) against the targets, by
    month, sector, district of the candidate's employer, and institution — for the certificates the actor
    sees."""
    from talentbase.certificates.models import Certificate, CertificateStatus

    year = year or today_in_china().year
    issued = scoping.visible_to(actor, Certificate).filter(issued_on__year=year).exclude(
        status=CertificateStatus.AWAITING_NUMBER)
    high = Q(level__rank__gte=3)
    total = issued.count()
    high_total = issued.filter(high).count()
    by_month = {row["month"]: row["n"] for row in
                issued.annotate(month=ExtractMonth("issued_on")).values("month").annotate(n=Count("pk"))}  # fmt: skip
    months = [by_month.get(month, 0) for month in range(1, 13)]
    cumulative, running = [], 0
    for count in months:
        running += count
        cumulative.append(running)

    def breakdown(label: str) -> list[tuple[str, int]]:
        rows = issued.values(label).annotate(n=Count("pk")).order_by("-n")
        return [(row[label] or _("未知"), row["n"]) for row in rows]

    targets = targets_of(year)
    return {
        "year": year, "targets": targets, "has_targets": bool(targets), "total": total, "high_total": high_total,
        "target_total": targets.get(Indicator.CERTIFICATES), "target_high": targets.get(Indicator.HIGH_SKILL),
        "months": months, "cumulative": cumulative,
        "by_sector": breakdown("occupation__sector__name"),
        "by_district": breakdown("application__employer__district__name"),
        "by_institution": breakdown("issuer__name"),
    }  # fmt: skip


def overdue_sessions(actor, today: datetime.date | None = None) -> list[tuple[EvaluationSession, str]]:
    """The sessions in the actor's scope with a step overdue, and which."""
    today = today or today_in_china()
    grace = datetime.timedelta(days=GRACE_DAYS)
    sessions = scoping.visible_to(actor, EvaluationSession).select_related("institution", "occupation", "level")
    found = []
    for session in sessions.filter(
        Q(state=SessionState.REGISTRATION, registration_closes__lt=today)
        | Q(state=SessionState.DRAFT, theory_on__lt=today)
        | Q(state=SessionState.EXAMINING, practical_on__lt=today - grace)
        | Q(state=SessionState.PUBLICITY, publicity_until__lt=today)
        | Q(state=SessionState.ISSUING, publicity_until__lt=today - grace)
    ).order_by("theory_on")[:200]:
        step = {
            SessionState.REGISTRATION: _("报名截止日期已过，尚未截止报名"),
            SessionState.DRAFT: _("考试日期已过，批次仍为草稿"),
            SessionState.EXAMINING: _("操作技能考核后 {n} 天仍未确定成绩").format(n=GRACE_DAYS),
            SessionState.PUBLICITY: _("公示期已满，尚未转入发证"),
            SessionState.ISSUING: _("公示期满 {n} 天仍未办结发证").format(n=GRACE_DAYS),
        }[session.state]
        found.append((session, step))
    return found
