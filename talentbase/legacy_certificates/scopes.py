"""Who sees which certificate records and reports (DESIGN.md §1):

- the city bureau and HR see every record; HR and the issuing institution confirm and revoke;
- a sector unit sees the records of its sectors' occupations; a district those of the persons it sees;
- an evaluation institution (or an association that evaluates) sees what it issued or evaluated;
- an employer sees the records of the persons it sees (its employees, current and former) and changes only
  what it declared or appointed itself, while not confirmed;
- a worker sees their own.
Reports go to one organisation (the employer or the issuing institution), which sees and handles them.

And what this app adds to the registry's scope of persons: an institution sees the holders of the records it
issued or evaluated (it names a new holder by ID number, never by browsing the registry), and the reporters
of the reports routed to it."""

from django.db.models import Q

from talentbase.core import scoping
from talentbase.core.roles import Role
from talentbase.registry.models import Person
from talentbase.registry.scopes import of_persons, person_rows

from .models import CertificateRecord, CertificateReport, Confirmation

ISSUERS = [Role.EVALUATION, Role.ASSOCIATION]


_persons = of_persons(person_rows)


def _issued_by(actor) -> Q:
    return Q(issuer_id=actor.organisation_id) | Q(evaluator_id=actor.organisation_id)


def record_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.HR: scoping.EVERYTHING,
            Role.SECTOR: lambda a: Q(occupation__sector_id__in=sorted(a.sector_ids)),
            Role.DISTRICT: _persons,
            Role.EVALUATION: _issued_by,
            Role.ASSOCIATION: _issued_by,
            Role.EMPLOYER: lambda a: _persons(a) | Q(employer_id=a.organisation_id),
            Role.WORKER: lambda a: Q(person__user_id=a.user_id),
        },
    )


def record_change_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.HR: scoping.EVERYTHING,
            Role.EVALUATION: _issued_by,
            Role.ASSOCIATION: _issued_by,
            # An employer corrects what it declared until it is confirmed, and ends the appointments it made.
            Role.EMPLOYER: lambda a: Q(employer_id=a.organisation_id)
            & (Q(confirmation=Confirmation.DECLARED) | Q(kind="appointment")),
        },
    )


scoping.register(
    CertificateRecord,
    rows=record_rows,
    change_rows=record_change_rows,
    view=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, *ISSUERS, Role.EMPLOYER, Role.WORKER],
    add=[Role.CITY, Role.HR, *ISSUERS, Role.EMPLOYER],
    change=[Role.CITY, Role.HR, *ISSUERS, Role.EMPLOYER],
    # Only a record declared by mistake goes (confirmed ones are revoked, never deleted): see actions.delete_record.
    delete=[Role.CITY, Role.EMPLOYER],
    export=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, *ISSUERS, Role.EMPLOYER],
)


def report_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.HR: scoping.EVERYTHING,
            Role.EVALUATION: lambda a: Q(routed_to_id=a.organisation_id),
            Role.ASSOCIATION: lambda a: Q(routed_to_id=a.organisation_id),
            Role.EMPLOYER: lambda a: Q(routed_to_id=a.organisation_id),
            Role.WORKER: lambda a: Q(person__user_id=a.user_id),
        },
    )


def report_change_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.EVALUATION: lambda a: Q(routed_to_id=a.organisation_id),
            Role.ASSOCIATION: lambda a: Q(routed_to_id=a.organisation_id),
            Role.EMPLOYER: lambda a: Q(routed_to_id=a.organisation_id),
            Role.WORKER: lambda a: Q(person__user_id=a.user_id),
        },
    )


scoping.register(
    CertificateReport,
    rows=report_rows,
    change_rows=report_change_rows,
    view=[Role.CITY, Role.HR, *ISSUERS, Role.EMPLOYER, Role.WORKER],
    add=[Role.WORKER],
    change=[Role.CITY, *ISSUERS, Role.EMPLOYER, Role.WORKER],
    export=[Role.CITY, Role.HR, *ISSUERS, Role.EMPLOYER],
)


def _holders_and_reporters(actor) -> Q:
    if not actor.organisation_id:
        return scoping.NOTHING
    holders = CertificateRecord.objects.filter(_issued_by(actor)).values("person_id")
    reporters = CertificateReport.objects.filter(routed_to_id=actor.organisation_id).values("person_id")
    return Q(pk__in=holders) | Q(pk__in=reporters)


scoping.contribute(Person, source="credentials", rows=_holders_and_reporters, view=ISSUERS)
