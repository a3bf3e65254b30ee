"""Who sees the certificates the platform issued: the holder, the issuer, the holder's employer and district
(as they see the person), the sector unit of the occupation, HR and the city bureau."""

from django.db.models import Q

from talentbase.core import scoping
from talentbase.core.roles import Role
from talentbase.registry.scopes import of_persons, person_rows

from .models import Certificate, NumberCounter

_persons = of_persons(person_rows)


def certificate_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.HR: scoping.EVERYTHING,
            Role.AUDIT_ADMIN: scoping.EVERYTHING,
            Role.SECTOR: lambda a: Q(occupation__sector_id__in=sorted(a.sector_ids)),
            Role.DISTRICT: _persons,
            Role.EVALUATION: lambda a: Q(issuer_id=a.organisation_id),
            Role.ASSOCIATION: lambda a: Q(issuer_id=a.organisation_id),
            Role.EMPLOYER: _persons,
            Role.WORKER: lambda a: Q(person__user_id=a.user_id),
        },
    )


def certificate_change_rows(actor) -> Q:
    """Recording a number the HR system assigned: HR and the issuer."""
    return scoping.by_role(
        actor,
        {
            Role.HR: scoping.EVERYTHING,
            Role.EVALUATION: lambda a: Q(issuer_id=a.organisation_id),
            Role.ASSOCIATION: lambda a: Q(issuer_id=a.organisation_id),
        },
    )


scoping.register(
    Certificate,
    rows=certificate_rows,
    change_rows=certificate_change_rows,
    view=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EVALUATION, Role.ASSOCIATION, Role.EMPLOYER,
          Role.WORKER, Role.AUDIT_ADMIN],
    change=[Role.HR, Role.EVALUATION, Role.ASSOCIATION],
    export=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EVALUATION, Role.ASSOCIATION, Role.EMPLOYER,
            Role.AUDIT_ADMIN],
)  # fmt: skip
# The counters are the numbering's own state: read by no one directly.
scoping.register(NumberCounter, rows=lambda actor: scoping.NOTHING)
