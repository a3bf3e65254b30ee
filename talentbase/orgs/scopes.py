"""Who sees and changes which organisations and filings (DESIGN.md §1)."""

from django.db.models import Q

from talentbase.core import scoping
from talentbase.core.roles import STAFF_ROLES, Role

from .models import EvaluationFiling, Organisation

EVERYONE_BY_OFFICE = [Role.CITY, Role.HR, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]
OWN_ONLY = [Role.ASSOCIATION, Role.EVALUATION, Role.TRAINING, Role.EMPLOYER]
# The kinds of organisation a district bureau registers and keeps up to date in its district.
DISTRICT_MANAGED_KINDS = ["employer", "training_institution"]


def _own(actor) -> Q:
    return Q(pk=actor.organisation_id)


def _in_sectors(actor) -> Q:
    return Q(pk__in=Organisation.objects.filter(sectors__in=sorted(actor.sector_ids)).values("pk")) | _own(
        actor
    )


def organisation_rows(actor) -> Q:
    mapping = {role: scoping.EVERYTHING for role in EVERYONE_BY_OFFICE}
    mapping.update({role: _own for role in OWN_ONLY})
    mapping[Role.SECTOR] = _in_sectors
    mapping[Role.DISTRICT] = lambda a: Q(district_id=a.district_id) | _own(a)
    return scoping.by_role(actor, mapping)


def organisation_change_rows(actor) -> Q:
    managed = Organisation.objects.filter(kinds__code__in=DISTRICT_MANAGED_KINDS).values("pk")
    mapping = {Role.CITY: scoping.EVERYTHING, Role.SYSTEM_ADMIN: scoping.EVERYTHING}
    mapping.update({role: _own for role in OWN_ONLY})
    mapping[Role.DISTRICT] = lambda a: Q(district_id=a.district_id, pk__in=managed)
    return scoping.by_role(actor, mapping)


scoping.register(
    Organisation,
    rows=organisation_rows,
    change_rows=organisation_change_rows,
    view=STAFF_ROLES - {Role.WORKER},
    add=[Role.CITY, Role.SYSTEM_ADMIN, Role.DISTRICT],
    change=[Role.CITY, Role.SYSTEM_ADMIN, Role.DISTRICT, *OWN_ONLY],
    delete=[Role.CITY, Role.SYSTEM_ADMIN],
)


def filing_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.HR: scoping.EVERYTHING,
            Role.AUDIT_ADMIN: scoping.EVERYTHING,
            Role.SECTOR: lambda a: Q(occupation__sector_id__in=sorted(a.sector_ids)),
            Role.EVALUATION: lambda a: Q(organisation_id=a.organisation_id),
            Role.ASSOCIATION: lambda a: Q(organisation_id=a.organisation_id),
        },
    )


def filing_change_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.HR: scoping.EVERYTHING,
            Role.EVALUATION: lambda a: Q(organisation_id=a.organisation_id),
            Role.ASSOCIATION: lambda a: Q(organisation_id=a.organisation_id),
        },
    )


scoping.register(
    EvaluationFiling,
    rows=filing_rows,
    change_rows=filing_change_rows,
    view=[Role.CITY, Role.HR, Role.SECTOR, Role.EVALUATION, Role.ASSOCIATION, Role.AUDIT_ADMIN],
    add=[Role.EVALUATION, Role.ASSOCIATION],
    change=[Role.HR, Role.EVALUATION, Role.ASSOCIATION],
    delete=[Role.EVALUATION, Role.ASSOCIATION],
)
