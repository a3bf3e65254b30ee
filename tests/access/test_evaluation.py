"""Standards and evaluation norms: drafts seen by their institution and the bureaus that review them,
versions in force by every staff role; levels and paths go with their version."""

from talentbase.catalog.models import Level, Occupation
from talentbase.core.roles import Role
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
    # Training staff see only the sessions they are assigned to (an examiner's right, tests/…/test_assignments.py).
    access = {**PLAN_MATRIX, "employer": {"view": ""}, "worker": {"view": ""}, "training": {"view": ""}}

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
        "training": {"view": ""},
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


REGISTER = {role: {"view": "ab"} for role in ("city", "sector", "auditadmin", "evaluation", "association")}
STAFF_READ = {str(role): {"view": "ab"} for role in Role if role != Role.WORKER}


class ExaminerQualificationAccess(ScopedAccessTests):
    """The examiner register: kept by HR, read by those who staff and oversee sessions."""

    from talentbase.evaluation.models import ExaminerQualification as model  # noqa: N813

    list_url = "evaluation:examiner-list"
    detail_url = "evaluation:examiner-detail"
    create_url = "evaluation:examiner-create"
    edit_url = "evaluation:examiner-edit"
    delete_url = "evaluation:examiner-delete"
    api_basename = "examinerqualification"
    api_writable = True
    access = {**REGISTER, "hr": {"view": "ab", "change": "ab", "delete": "ab"}}

    def make_objects(self, personas):
        import datetime

        from talentbase.evaluation.models import ExaminerQualification
        from talentbase.registry.models import Person

        level = Level.objects.get(code="level3")
        occupation = Occupation.objects.get(code="4-09-10-01")
        return {
            key: ExaminerQualification.objects.create(
                person=Person.objects.get(user=personas.user("worker", outsider)), occupation=occupation,
                highest_level=level, card_number=f"KP-{key}", valid_from=datetime.date(2025, 1, 1),
                valid_to=datetime.date(2028, 1, 1),
            )  # fmt: skip
            for key, outsider in (("a", False), ("b", True))
        }


class AvoidanceRuleAccess(ScopedAccessTests):
    from talentbase.evaluation.models import AvoidanceRule as model  # noqa: N813

    list_url = "evaluation:avoidance-list"
    detail_url = "evaluation:avoidance-detail"
    edit_url = "evaluation:avoidance-edit"
    api_basename = "avoidancerule"
    api_writable = True
    access = {**STAFF_READ, "city": {"view": "ab", "change": "ab"}}

    def make_objects(self, personas):
        from talentbase.evaluation.models import AvoidanceRule

        return {"a": AvoidanceRule.objects.get(institution_type="S"), "b": AvoidanceRule.objects.get(institution_type="Y")}


class StaffingRuleAccess(ScopedAccessTests):
    from talentbase.evaluation.models import StaffingRule as model  # noqa: N813

    list_url = "evaluation:staffing-list"
    detail_url = "evaluation:staffing-detail"
    edit_url = "evaluation:staffing-edit"
    api_basename = "staffingrule"
    api_writable = True
    access = {**STAFF_READ, "city": {"view": "ab", "change": "ab"}}

    def make_objects(self, personas):
        from talentbase.evaluation.models import StaffingRule

        return {"a": StaffingRule.objects.get(), "b": StaffingRule.objects.create(name="园林绿化工（手工）")}


class AssignmentAccess(ScopedAccessTests):
    """Seen by the session's institution, the bureaus above it and the person assigned; changed (removed) by
    the institution and by HR or the sector unit."""

    from talentbase.evaluation.models import Assignment as model  # noqa: N813

    list_url = "evaluation:assignment-list"
    detail_url = "evaluation:assignment-detail"
    api_basename = "assignment"
    access = {
        "city": {"view": "ab"},
        "hr": {"view": "ab", "change": "ab"},
        "auditadmin": {"view": "ab"},
        "sector": {"view": "a", "change": "a"},
        "evaluation": {"view": "a", "change": "a"},
        "association": {"view": "", "change": ""},
        "worker": {"view": "a"},
        "employer": {"view": ""},
        "training": {"view": ""},
    }

    def make_objects(self, personas):
        from talentbase.evaluation.models import Assignment
        from talentbase.evaluation.tests.helpers import session_for
        from talentbase.registry.models import Person

        sectors = personas.actor("sector").sector_ids
        outside = Occupation.objects.exclude(sector_id__in=sectors).order_by("code").first()
        objects = {}
        for key, outsider, code in (("a", False, "4-09-10-01"), ("b", True, outside.code)):
            session = session_for(personas.organisation("evaluation", outsider), code)
            person = Person.objects.get(user=personas.user("worker", outsider))
            objects[key] = Assignment.objects.create(session=session, person=person, user=person.user, duty="practical")
        return objects


class DeclaredRelationAccess(ScopedAccessTests):
    from talentbase.evaluation.models import DeclaredRelation as model  # noqa: N813

    access = {
        "city": {"view": "ab"},
        "hr": {"view": "ab"},
        "auditadmin": {"view": "ab"},
        "evaluation": {"view": "a"},
        "association": {"view": ""},
        "worker": {"view": "a"},
        "employer": {"view": ""},
        "training": {"view": ""},
    }

    def make_objects(self, personas):
        from talentbase.evaluation.models import DeclaredRelation
        from talentbase.registry.models import Person

        worker, other = (Person.objects.get(user=personas.user("worker", o)) for o in (False, True))
        return {
            "a": DeclaredRelation.objects.create(examiner=worker, candidate=other, kind="kin",
                                                 declared_by=personas.user("evaluation")),
            "b": DeclaredRelation.objects.create(examiner=other, candidate=worker, kind="kin",
                                                 declared_by=personas.user("evaluation", True)),
        }  # fmt: skip


class ScoreAccess(ScopedAccessTests):
    """Scores are seen with their application; written only through evaluation.scoring."""

    from talentbase.evaluation.models import Score as model  # noqa: N813

    access = ApplicationAccess.access

    def make_objects(self, personas):
        from talentbase.evaluation.models import Score

        return {key: Score.objects.create(application=application, part="theory", value=75)
                for key, application in ApplicationAccess().make_objects(personas).items()}  # fmt: skip


class PublicityRuleAccess(ScopedAccessTests):
    from talentbase.evaluation.models import PublicityRule as model  # noqa: N813

    list_url = "evaluation:publicity-rule-list"
    detail_url = "evaluation:publicity-rule-detail"
    edit_url = "evaluation:publicity-rule-edit"
    access = {**STAFF_READ, "city": {"view": "ab", "change": "ab"}}

    def make_objects(self, personas):
        from talentbase.evaluation.models import PublicityRule

        return {"a": PublicityRule.objects.get(), "b": PublicityRule.objects.create(name="急需紧缺", working_days=7)}


class ObjectionAccess(ScopedAccessTests):
    """Seen by the session's institution and the bureaus above it; written by the public page only."""

    from talentbase.evaluation.models import Objection as model  # noqa: N813

    list_url = "evaluation:objection-list"
    detail_url = "evaluation:objection-detail"
    access = {
        "city": {"view": "ab"},
        "hr": {"view": "ab"},
        "auditadmin": {"view": "ab"},
        "sector": {"view": "a"},
        "evaluation": {"view": "a"},
        "association": {"view": ""},
    }

    def make_objects(self, personas):
        from talentbase.evaluation.models import Objection

        return {key: Objection.objects.create(application=application, objector_name="王某", objector_contact="x",
                                              grounds="材料不实")
                for key, application in ApplicationAccess().make_objects(personas).items()}  # fmt: skip


class TargetAccess(ScopedAccessTests):
    from talentbase.evaluation.models import Target as model  # noqa: N813

    list_url = "evaluation:target-list"
    detail_url = "evaluation:target-detail"
    create_url = "evaluation:target-create"
    edit_url = "evaluation:target-edit"
    delete_url = "evaluation:target-delete"
    access = {
        "city": {"view": "ab", "change": "ab", "delete": "ab"},
        "hr": {"view": "ab"},
        "sector": {"view": "ab"},
        "auditadmin": {"view": "ab"},
    }

    def make_objects(self, personas):
        from talentbase.evaluation.models import Target

        return {"a": Target.objects.get(year=2024, indicator="certificates"),
                "b": Target.objects.get(year=2025, indicator="high_skill")}  # fmt: skip


class ExchangeLayoutAccess(ScopedAccessTests):
    from talentbase.evaluation.models import ExchangeLayout as model  # noqa: N813

    list_url = "evaluation:layout-list"
    detail_url = "evaluation:layout-detail"
    edit_url = "evaluation:layout-edit"
    access = {**STAFF_READ, "city": {"view": "ab", "change": "ab"}}

    def make_objects(self, personas):
        from talentbase.evaluation.models import ExchangeLayout

        return {"a": ExchangeLayout.objects.get(kind="candidates"), "b": ExchangeLayout.objects.get(kind="results")}
