"""Who sees and edits standards and evaluation norms (DESIGN.md §1, issue 15).

National standards and norms in force are public documents: every staff role reads them. A norm being
drafted or reviewed is seen by its institution, the city bureau (which reviews it), HR (which files it),
the sector unit of its occupation, and the auditor. The institution edits its own draft; the city bureau
keeps the national versions. Levels and paths are seen and edited with their version."""

from django.db.models import Q

from talentbase.core import scoping
from talentbase.core.roles import STAFF_ROLES, Role
from talentbase.registry.models import Person

from .models import (
    Application,
    Assignment,
    AvoidanceRule,
    DeclaredRelation,
    EligibilityPath,
    EvaluationPlan,
    EvaluationSession,
    ExaminerQualification,
    ExchangeLayout,
    Objection,
    PlanAcknowledgement,
    PlanLine,
    PublicityRule,
    Score,
    SessionState,
    StaffingRule,
    StandardKind,
    StandardVersion,
    Target,
    VersionLevel,
    VersionState,
)

INSTITUTIONS = [Role.EVALUATION, Role.ASSOCIATION]
READERS = [Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.ASSOCIATION, Role.EVALUATION, Role.TRAINING,
           Role.EMPLOYER, Role.AUDIT_ADMIN]  # fmt: skip


def _public() -> Q:
    """Versions in force or superseded: the text sessions were and are evaluated by."""
    return Q(state__in=[VersionState.FILED, VersionState.SUPERSEDED])


def version_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.HR: scoping.EVERYTHING,
            Role.AUDIT_ADMIN: scoping.EVERYTHING,
            Role.SECTOR: lambda a: Q(occupation__sector_id__in=sorted(a.sector_ids)) | _public(),
            Role.EVALUATION: lambda a: Q(institution_id=a.organisation_id) | _public(),
            Role.ASSOCIATION: lambda a: Q(institution_id=a.organisation_id) | _public(),
            Role.DISTRICT: lambda a: _public(),
            Role.TRAINING: lambda a: _public(),
            Role.EMPLOYER: lambda a: _public(),
        },
    )


def version_change_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: lambda a: Q(kind=StandardKind.NATIONAL),
            Role.EVALUATION: lambda a: Q(institution_id=a.organisation_id),
            Role.ASSOCIATION: lambda a: Q(institution_id=a.organisation_id),
        },
    )


scoping.register(
    StandardVersion,
    rows=version_rows,
    change_rows=version_change_rows,
    view=READERS,
    add=[Role.CITY, *INSTITUTIONS],
    change=[Role.CITY, *INSTITUTIONS],
    delete=[Role.CITY, *INSTITUTIONS],
)


for model in (VersionLevel, EligibilityPath):
    scoping.register(
        model,
        rows=scoping.through("version", StandardVersion, version_rows),
        change_rows=scoping.through("version", StandardVersion, version_change_rows),
        view=READERS,
        add=[Role.CITY, *INSTITUTIONS],
        change=[Role.CITY, *INSTITUTIONS],
        delete=[Role.CITY, *INSTITUTIONS],
    )


# --- Annual plans: the institution's own; HR (the appraisal centre) and the city bureau see every plan, a
# sector unit the plans with a line of its sectors' occupations.


def _plans_in_sectors(actor) -> Q:
    lines = PlanLine.objects.filter(occupation__sector_id__in=sorted(actor.sector_ids)).values("plan_id")
    return Q(pk__in=lines)


def plan_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.HR: scoping.EVERYTHING,
            Role.AUDIT_ADMIN: scoping.EVERYTHING,
            Role.SECTOR: _plans_in_sectors,
            Role.EVALUATION: lambda a: Q(institution_id=a.organisation_id),
            Role.ASSOCIATION: lambda a: Q(institution_id=a.organisation_id),
        },
    )


def plan_change_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.EVALUATION: lambda a: Q(institution_id=a.organisation_id),
            Role.ASSOCIATION: lambda a: Q(institution_id=a.organisation_id),
        },
    )


PLAN_READERS = [Role.CITY, Role.HR, Role.SECTOR, Role.AUDIT_ADMIN, *INSTITUTIONS]

scoping.register(EvaluationPlan, rows=plan_rows, change_rows=plan_change_rows, view=PLAN_READERS,
                 add=INSTITUTIONS, change=INSTITUTIONS, delete=INSTITUTIONS)  # fmt: skip


def _of_plans(rows):
    return scoping.through("plan", EvaluationPlan, rows)


scoping.register(PlanLine, rows=_of_plans(plan_rows), change_rows=_of_plans(plan_change_rows), view=PLAN_READERS,
                 add=INSTITUTIONS, change=INSTITUTIONS, delete=INSTITUTIONS)  # fmt: skip
# Acknowledgements are written by the plan's workflow only.
scoping.register(PlanAcknowledgement, rows=_of_plans(plan_rows), view=PLAN_READERS)


# --- Sessions: the institution's own; the bureaus above it; while registration is open, the employers and
# workers who may apply (anyone for a social organisation's session, its own staff for an employer's
# institution).


def _open_to(employer_ids) -> Q:
    return Q(state=SessionState.REGISTRATION) & (Q(filing__institution_type="S") | Q(institution_id__in=employer_ids))


def _worker_employers(actor):
    from talentbase.registry.models import Employment

    return Employment.objects.filter(person__user_id=actor.user_id, end_date__isnull=True).values("employer_id")


def session_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.HR: scoping.EVERYTHING,
            Role.AUDIT_ADMIN: scoping.EVERYTHING,
            Role.SECTOR: lambda a: Q(occupation__sector_id__in=sorted(a.sector_ids)),
            Role.EVALUATION: lambda a: Q(institution_id=a.organisation_id),
            Role.ASSOCIATION: lambda a: Q(institution_id=a.organisation_id),
            Role.EMPLOYER: lambda a: _open_to([a.organisation_id]),
            Role.WORKER: lambda a: _open_to(_worker_employers(a)),
        },
    )


SESSION_READERS = [Role.CITY, Role.HR, Role.SECTOR, Role.AUDIT_ADMIN, Role.EMPLOYER, Role.WORKER, *INSTITUTIONS]

scoping.register(EvaluationSession, rows=session_rows, change_rows=plan_change_rows, view=SESSION_READERS,
                 add=INSTITUTIONS, change=INSTITUTIONS, delete=INSTITUTIONS,
                 export=[Role.CITY, Role.HR, Role.SECTOR, Role.AUDIT_ADMIN, *INSTITUTIONS])  # fmt: skip


# --- Applications: the applicant, the employer that applied (or employs the applicant now), the session's
# institution, and the bureaus above it. And what this app adds to the registry: an institution sees the
# persons who applied to its sessions.


def _employer_applications(actor) -> Q:
    from talentbase.registry.models import Employment

    staff = Employment.objects.filter(employer_id=actor.organisation_id, end_date__isnull=True).values("person_id")
    return Q(employer_id=actor.organisation_id) | Q(person_id__in=staff)


def application_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.HR: scoping.EVERYTHING,
            Role.AUDIT_ADMIN: scoping.EVERYTHING,
            Role.SECTOR: lambda a: Q(session__occupation__sector_id__in=sorted(a.sector_ids)),
            Role.EVALUATION: lambda a: Q(session__institution_id=a.organisation_id),
            Role.ASSOCIATION: lambda a: Q(session__institution_id=a.organisation_id),
            Role.EMPLOYER: _employer_applications,
            Role.WORKER: lambda a: Q(person__user_id=a.user_id),
        },
    )


scoping.register(
    Application,
    rows=application_rows,
    view=[Role.CITY, Role.HR, Role.SECTOR, Role.AUDIT_ADMIN, Role.EMPLOYER, Role.WORKER, *INSTITUTIONS],
    add=[Role.EMPLOYER, Role.WORKER],
    export=[Role.CITY, Role.HR, Role.SECTOR, Role.AUDIT_ADMIN, Role.EMPLOYER, *INSTITUTIONS],
)


def _applicants(actor) -> Q:
    return Q(pk__in=Application.objects.filter(session__institution_id=actor.organisation_id).values("person_id"))


scoping.contribute(Person, source="evaluation", rows=_applicants, view=INSTITUTIONS)



# --- Examiners and supervisors. The register is kept by HR and read by those who staff and oversee sessions;
# the rules by the city bureau. An assignment is seen by its session's institution, the bureaus above it, and
# the person assigned; and it shows that person's account the session and its applications (the
# per-assignment right), whatever role the account has.

REGISTER_READERS = [Role.CITY, Role.HR, Role.SECTOR, Role.AUDIT_ADMIN, *INSTITUTIONS]
# The accounts an examiner or an expert supervisor may hold: a worker's own, or a staff member's.
ASSIGNABLE = [Role.WORKER, Role.EMPLOYER, Role.TRAINING, *INSTITUTIONS]

scoping.register(ExaminerQualification, rows=lambda actor: scoping.EVERYTHING, view=REGISTER_READERS,
                 add=[Role.HR], change=[Role.HR], delete=[Role.HR])  # fmt: skip
for rule_model in (AvoidanceRule, StaffingRule):
    scoping.register(rule_model, rows=lambda actor: scoping.EVERYTHING, view=STAFF_ROLES, change=[Role.CITY])


def _assigned(actor) -> Q:
    return Q(user_id=actor.user_id, active=True) if actor.user_id else scoping.NOTHING


def assignment_rows(actor) -> Q:
    own = _assigned(actor)
    by_office = scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.HR: scoping.EVERYTHING,
            Role.AUDIT_ADMIN: scoping.EVERYTHING,
            Role.SECTOR: lambda a: Q(session__occupation__sector_id__in=sorted(a.sector_ids)),
            Role.EVALUATION: lambda a: Q(session__institution_id=a.organisation_id),
            Role.ASSOCIATION: lambda a: Q(session__institution_id=a.organisation_id),
        },
    )
    return scoping.union([by_office, own])


def assignment_change_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.HR: scoping.EVERYTHING,
            Role.SECTOR: lambda a: Q(session__occupation__sector_id__in=sorted(a.sector_ids)),
            Role.EVALUATION: lambda a: Q(session__institution_id=a.organisation_id),
            Role.ASSOCIATION: lambda a: Q(session__institution_id=a.organisation_id),
        },
    )


scoping.register(Assignment, rows=assignment_rows, change_rows=assignment_change_rows,
                 view=[Role.CITY, Role.HR, Role.SECTOR, Role.AUDIT_ADMIN, *ASSIGNABLE],
                 add=[Role.HR, Role.SECTOR, *INSTITUTIONS], change=[Role.HR, Role.SECTOR, *INSTITUTIONS],
                 export=[Role.CITY, Role.HR, Role.SECTOR, Role.AUDIT_ADMIN, *INSTITUTIONS])  # fmt: skip


def _assigned_sessions(actor):
    return Assignment.objects.filter(_assigned(actor)).values("session_id")


scoping.contribute(EvaluationSession, source="evaluation.assignments", view=ASSIGNABLE,
                   rows=lambda actor: Q(pk__in=_assigned_sessions(actor)) if actor.user_id else scoping.NOTHING)  # fmt: skip
scoping.contribute(Application, source="evaluation.assignments", view=ASSIGNABLE,
                   rows=lambda actor: Q(session_id__in=_assigned_sessions(actor)) if actor.user_id else scoping.NOTHING)  # fmt: skip


def _declared_by_staff(actor) -> Q:
    return Q(pk__in=DeclaredRelation.objects.filter(declared_by__memberships__organisation_id=actor.organisation_id)
             .values("pk"))  # fmt: skip


def relation_rows(actor) -> Q:
    mine = Q(examiner__user_id=actor.user_id) if actor.user_id else scoping.NOTHING
    by_office = scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.HR: scoping.EVERYTHING,
            Role.AUDIT_ADMIN: scoping.EVERYTHING,
            Role.EVALUATION: _declared_by_staff,
            Role.ASSOCIATION: _declared_by_staff,
        },
    )
    return scoping.union([by_office, mine])


scoping.register(DeclaredRelation, rows=relation_rows, view=[Role.CITY, Role.HR, Role.AUDIT_ADMIN, *ASSIGNABLE],
                 add=ASSIGNABLE)  # fmt: skip


# --- Scores: seen by whoever sees the application (examiners included, by their assignment); written only
# through evaluation.scoring, which checks who may enter each part.


def score_rows(actor) -> Q:
    if not scoping.may(actor, Application, "view"):
        return scoping.NOTHING
    return Q(application_id__in=scoping.visible_to(actor, Application).values("pk"))


scoping.register(Score, rows=score_rows, view=[Role.CITY, Role.HR, Role.SECTOR, Role.AUDIT_ADMIN, Role.EMPLOYER,
                                               Role.WORKER, *ASSIGNABLE])  # fmt: skip


# --- Publicity: the rule is the city bureau's; objections are seen and resolved by the session's institution
# and HR, and seen by the bureaus above (they arrive from the public page, written by no role).

scoping.register(PublicityRule, rows=lambda actor: scoping.EVERYTHING, view=STAFF_ROLES, change=[Role.CITY])


def objection_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.HR: scoping.EVERYTHING,
            Role.AUDIT_ADMIN: scoping.EVERYTHING,
            Role.SECTOR: lambda a: Q(application__session__occupation__sector_id__in=sorted(a.sector_ids)),
            Role.EVALUATION: lambda a: Q(application__session__institution_id=a.organisation_id),
            Role.ASSOCIATION: lambda a: Q(application__session__institution_id=a.organisation_id),
        },
    )


scoping.register(Objection, rows=objection_rows, view=[Role.CITY, Role.HR, Role.SECTOR, Role.AUDIT_ADMIN, *INSTITUTIONS])

scoping.register(Target, rows=lambda actor: scoping.EVERYTHING, view=[Role.CITY, Role.HR, Role.SECTOR, Role.AUDIT_ADMIN],
                 add=[Role.CITY], change=[Role.CITY], delete=[Role.CITY])  # fmt: skip
scoping.register(ExchangeLayout, rows=lambda actor: scoping.EVERYTHING, view=STAFF_ROLES, change=[Role.CITY])
