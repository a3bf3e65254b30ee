"""Rows the evaluation tests need, written directly: a filing, an acknowledged plan with a line, a session."""

import datetime

from talentbase.catalog.models import Level, Occupation
from talentbase.evaluation.models import (
    EvaluationPlan,
    EvaluationSession,
    PlanLine,
    PlanState,
    StandardVersion,
    VersionLevel,
    VersionState,
)
from talentbase.orgs.models import EvaluationFiling, FilingState

YEAR = 2027
_serials = iter(range(100, 10**6))


def filing_for(institution, occupation, levels=("level5", "level4", "level3"), *, institution_type="S",
               valid_from=datetime.date(2026, 1, 1), valid_to=datetime.date(2028, 12, 31)):  # fmt: skip
    filing = EvaluationFiling.objects.create(
        organisation=institution, occupation=occupation, state=FilingState.FILED,
        filing_number=f"沪绿评备 T-{next(_serials)}", valid_from=valid_from, valid_to=valid_to,
        institution_type=institution_type, site_serial=f"{institution.pk:06d}",
    )  # fmt: skip
    filing.levels.set(Level.objects.filter(code__in=levels))
    return filing


def version_for(occupation, institution=None) -> StandardVersion:
    """The occupation's national version in force, or a filed norm of the institution with its levels."""
    national = StandardVersion.objects.filter(occupation=occupation, kind="national", state=VersionState.FILED).first()
    if national is not None:
        return national
    norm = StandardVersion.objects.create(occupation=occupation, kind="norm", institution=institution,
                                          title=f"{occupation.name}评价规范", generation="2023", state=VersionState.FILED)  # fmt: skip
    for level in occupation.levels.exclude(national_number=None):
        VersionLevel.objects.create(version=norm, level=level, has_review=level.code in ("level2", "level1"))
    return norm


def acknowledged_line(institution, occupation, level="level4", month=5) -> PlanLine:
    plan, _created = EvaluationPlan.objects.get_or_create(institution=institution, year=YEAR,
                                                          defaults={"state": PlanState.ACKNOWLEDGED})  # fmt: skip
    line, _created = PlanLine.objects.get_or_create(plan=plan, occupation=occupation, level=Level.objects.get(code=level),
                                                    month=month, defaults={"planned_candidates": 30})  # fmt: skip
    return line


def session_for(institution, occupation_code="4-09-10-01", *, level="level4", state="draft", institution_type="S",
                filing=None) -> EvaluationSession:  # fmt: skip
    occupation = Occupation.objects.get(code=occupation_code)
    filing = filing or filing_for(institution, occupation, institution_type=institution_type)
    line = acknowledged_line(institution, occupation, level)
    return EvaluationSession.objects.create(
        institution=institution, plan_line=line, occupation=occupation, level=line.level,
        version=version_for(occupation, institution), filing=filing, name=f"{occupation.name}{line.level}第1批",
        registration_closes=datetime.date(YEAR, 4, 20), theory_on=datetime.date(YEAR, 5, 10),
        practical_on=datetime.date(YEAR, 5, 11), venue="上海市徐汇区龙吴路", capacity=30, state=state,
    )  # fmt: skip
