"""Standards and evaluation norms: drafts seen by their institution and the bureaus that review them,
versions in force by every staff role; levels and paths go with their version."""

from talentbase.catalog.models import Level, Occupation
from talentbase.evaluation.models import EligibilityPath, StandardVersion, VersionLevel

from .base import ScopedAccessTests

DRAFT_MATRIX = {
    "city": {"view": "ab", "change": "", "delete": ""},
    "hr": {"view": "ab"},
    "auditadmin": {"view": "ab"},
    "sector": {"view": "a"},
    "evaluation": {"view": "a", "change": "a", "delete": "a"},
    "association": {"view": "", "change": "", "delete": ""},
    "district": {"view": ""},
    "training": {"view": ""},
    "employer": {"view": ""},
}


def draft_norms(personas) -> dict:
    """A draft norm of the persona institution in the sector persona's sector, and one of the outsider
    institution in another sector; both for occupations without a national standard."""
    sectors = personas.actor("sector").sector_ids
    without = Occupation.objects.exclude(national_standard="yes")
    inside = without.filter(sector_id__in=sectors).order_by("code").first()
    outside = without.exclude(sector_id__in=sectors).order_by("code").first()

    def norm(role_outsider, occupation):
        return StandardVersion.objects.create(
            occupation=occupation, kind="norm", institution=personas.organisation("evaluation", role_outsider),
            title=f"{occupation.name}评价规范", generation="2023",
        )  # fmt: skip

    return {"a": norm(False, inside), "b": norm(True, outside)}


class StandardVersionAccess(ScopedAccessTests):
    model = StandardVersion
    list_url = "evaluation:version-list"
    detail_url = "evaluation:version-detail"
    create_url = "evaluation:version-create"
    edit_url = "evaluation:version-edit"
    delete_url = "evaluation:version-delete"
    api_basename = "standardversion"
    api_writable = True
    access = DRAFT_MATRIX

    def make_objects(self, personas):
        return draft_norms(personas)


class VersionLevelAccess(ScopedAccessTests):
    model = VersionLevel
    edit_url = "evaluation:level-edit"
    delete_url = "evaluation:level-delete"
    api_basename = "versionlevel"
    api_writable = True
    access = DRAFT_MATRIX

    def make_objects(self, personas):
        level = Level.objects.get(code="level4")
        return {key: VersionLevel.objects.create(version=version, level=level)
                for key, version in draft_norms(personas).items()}  # fmt: skip


class EligibilityPathAccess(ScopedAccessTests):
    model = EligibilityPath
    edit_url = "evaluation:path-edit"
    delete_url = "evaluation:path-delete"
    api_basename = "eligibilitypath"
    api_writable = True
    access = DRAFT_MATRIX

    def make_objects(self, personas):
        level = Level.objects.get(code="level4")
        objects = {}
        for key, version in draft_norms(personas).items():
            VersionLevel.objects.create(version=version, level=level)
            objects[key] = EligibilityPath.objects.create(version=version, level=level, years=5,
                                                          years_since_level=False, description="累计5年")  # fmt: skip
        return objects


PLAN_MATRIX = {
    "city": {"view": "ab"},
    "hr": {"view": "ab"},
    "auditadmin": {"view": "ab"},
    "sector": {"view": "a"},
    "evaluation": {"view": "a", "change": "a", "delete": "a"},
    "association": {"view": "", "change": "", "delete": ""},
}


def plans_with_a_line(personas) -> dict:
    """A draft plan of the persona institution with a line in the sector persona's sector, and one of the
    outsider institution with a line in another sector."""
    from talentbase.evaluation.models import EvaluationPlan, PlanLine

    sectors = personas.actor("sector").sector_ids
    level = Level.objects.get(code="level4")
    result = {}
    for key, outsider, occupations in (
        ("a", False, Occupation.objects.filter(sector_id__in=sectors)),
        ("b", True, Occupation.objects.exclude(sector_id__in=sectors)),
    ):
        plan = EvaluationPlan.objects.create(institution=personas.organisation("evaluation", outsider), year=2027)
        PlanLine.objects.create(plan=plan, occupation=occupations.order_by("code").first(), level=level, month=5,
                                planned_candidates=30)  # fmt: skip
        result[key] = plan
    return result


class EvaluationPlanAccess(ScopedAccessTests):
    from talentbase.evaluation.models import EvaluationPlan as model  # noqa: N813

    list_url = "evaluation:plan-list"
    detail_url = "evaluation:plan-detail"
    create_url = "evaluation:plan-create"
    edit_url = "evaluation:plan-edit"
    delete_url = "evaluation:plan-delete"
    api_basename = "evaluationplan"
    api_writable = True
    access = PLAN_MATRIX

    def make_objects(self, personas):
        return plans_with_a_line(personas)


class PlanLineAccess(ScopedAccessTests):
    from talentbase.evaluation.models import PlanLine as model  # noqa: N813

    edit_url = "evaluation:plan-line-edit"
    delete_url = "evaluation:plan-line-delete"
    api_basename = "planline"
    api_writable = True
    access = PLAN_MATRIX

    def make_objects(self, personas):
        return {key: plan.lines.get() for key, plan in plans_with_a_line(personas).items()}


class PlanAcknowledgementAccess(ScopedAccessTests):
    """Written by the plan's workflow only; read with the plan."""

    from talentbase.evaluation.models import PlanAcknowledgement as model  # noqa: N813

    access = {role: {"view": keys} for role, keys in
              (("city", "ab"), ("hr", "ab"), ("auditadmin", "ab"), ("sector", "a"), ("evaluation", "a"),
               ("association", ""))}  # fmt: skip

    def make_objects(self, personas):
        from talentbase.evaluation.models import PlanAcknowledgement

        return {key: PlanAcknowledgement.objects.create(plan=plan, organisation=personas.organisation("hr"), role="hr")
                for key, plan in plans_with_a_line(personas).items()}  # fmt: skip


class EvaluationSessionAccess(ScopedAccessTests):
    """Drafts are seen by the institution and the bureaus above it; open sessions by those who may apply
    (talentbase/evaluation/tests/test_sessions.py)."""

    from talentbase.evaluation.models import EvaluationSession as model  # noqa: N813

    list_url = "evaluation:session-list"
    detail_url = "evaluation:session-detail"
    create_url = "evaluation:session-create"
    edit_url = "evaluation:session-edit"
    delete_url = "evaluation:session-delete"
    api_basename = "evaluationsession"
    api_writable = True
    access = {**PLAN_MATRIX, "employer": {"view": ""}, "worker": {"view": ""}}

    def make_objects(self, personas):
        from talentbase.evaluation.tests.helpers import session_for

        sectors = personas.actor("sector").sector_ids
        outside = Occupation.objects.exclude(sector_id__in=sectors).order_by("code").first()
        return {
            "a": session_for(personas.organisation("evaluation")),
            "b": session_for(personas.organisation("evaluation", True), outside.code),
        }


class ApplicationAccess(ScopedAccessTests):
    """The applicant, the employer that applied, the session's institution and the bureaus above it."""

    from talentbase.evaluation.models import Application as model  # noqa: N813

    list_url = "evaluation:application-list"
    detail_url = "evaluation:application-detail"
    api_basename = "evaluationapplication"
    access = {
        "city": {"view": "ab"},
        "hr": {"view": "ab"},
        "auditadmin": {"view": "ab"},
        "sector": {"view": "a"},
        "evaluation": {"view": "a"},
        "association": {"view": ""},
        "employer": {"view": "a"},
        "worker": {"view": "a"},
    }

    def make_objects(self, personas):
        import datetime

        from talentbase.evaluation.models import Application
        from talentbase.evaluation.tests.helpers import session_for
        from talentbase.registry.models import Person

        sectors = personas.actor("sector").sector_ids
        outside = Occupation.objects.exclude(sector_id__in=sectors).order_by("code").first()
        objects = {}
        for key, outsider, code in (("a", False, "4-09-10-01"), ("b", True, outside.code)):
            session = session_for(personas.organisation("evaluation", outsider), code, state="registration")
            objects[key] = Application.objects.create(
                session=session, person=Person.objects.get(user=personas.user("worker", outsider)),
                employer=personas.organisation("employer", outsider), channel="employer",
                applied_on=datetime.date(2026, 12, 1), ticket=f"2027{session.pk:06d}0001",
            )  # fmt: skip
        return objects
