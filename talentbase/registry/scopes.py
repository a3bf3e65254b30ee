"""Who sees and changes which persons (DESIGN.md §1): a district its district's workers, a sector unit its
sectors', an employer its own (current and former) employees, a worker their own record."""

from django.db.models import Q

from talentbase.core import scoping
from talentbase.core.roles import Role
from talentbase.orgs.models import Organisation

from .models import EducationRecord, Employment, LevelEntry, Person, PersonNameKey, ProfessionalTitle
from .search import persons_having


def _current_employments():
    return Employment.objects.filter(end_date__isnull=True)


def _persons_employed(employments) -> Q:
    # A subquery on employments; its form (IN or a probe per person) depends on how many there are, so
    # that a district's or a sector's list stays fast on 10^6 persons (registry/search.py).
    return persons_having(employments)


def _sector_employers(actor):
    return Organisation.objects.filter(sectors__in=sorted(actor.sector_ids)).values("pk")


def person_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.HR: scoping.EVERYTHING,
            Role.SECTOR: lambda a: _persons_employed(
                _current_employments().filter(employer__in=_sector_employers(a))
            ),
            Role.DISTRICT: lambda a: _persons_employed(
                _current_employments().filter(employer__district_id=a.district_id)
            ),
            Role.EMPLOYER: lambda a: _persons_employed(
                Employment.objects.filter(employer_id=a.organisation_id)
            ),
            Role.WORKER: lambda a: Q(user_id=a.user_id),
        },
    )


def person_change_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.EMPLOYER: lambda a: _persons_employed(
                _current_employments().filter(employer_id=a.organisation_id)
            ),
        },
    )


scoping.register(
    Person,
    rows=person_rows,
    change_rows=person_change_rows,
    view=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EMPLOYER, Role.WORKER],
    add=[Role.CITY, Role.EMPLOYER],
    change=[Role.CITY, Role.EMPLOYER],
    export=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EMPLOYER],
)


def employment_rows(actor) -> Q:
    return scoping.by_role(
        actor,
        {
            Role.CITY: scoping.EVERYTHING,
            Role.HR: scoping.EVERYTHING,
            Role.SECTOR: lambda a: Q(employer__in=_sector_employers(a)),
            Role.DISTRICT: lambda a: Q(employer__district_id=a.district_id),
            Role.EMPLOYER: lambda a: Q(employer_id=a.organisation_id),
            Role.WORKER: lambda a: Q(person__user_id=a.user_id),
        },
    )


scoping.register(
    Employment,
    rows=employment_rows,
    change_rows=lambda actor: scoping.by_role(
        actor, {Role.CITY: scoping.EVERYTHING, Role.EMPLOYER: lambda a: Q(employer_id=a.organisation_id)}
    ),
    view=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EMPLOYER, Role.WORKER],
    add=[Role.CITY, Role.EMPLOYER],
    change=[Role.CITY, Role.EMPLOYER],
    delete=[Role.CITY, Role.EMPLOYER],
    export=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EMPLOYER],
)


# The name-key index is read only inside the person list's filter, whose rows are persons scoped as above;
# no role reads or writes the keys themselves (they spell out names).
scoping.register(PersonNameKey, rows=lambda actor: scoping.NOTHING)


def of_persons(rows) -> object:
    """A person's records are seen and changed by whoever sees and changes the person."""
    return scoping.through("person", Person, rows)


scoping.register(
    ProfessionalTitle,
    rows=of_persons(person_rows),
    change_rows=of_persons(person_change_rows),
    view=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EMPLOYER, Role.WORKER],
    add=[Role.CITY, Role.EMPLOYER],
    change=[Role.CITY, Role.EMPLOYER],
    delete=[Role.CITY, Role.EMPLOYER],
    export=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EMPLOYER],
)


# Education: recorded by the employer (or the city bureau) as titles are; counted by the eligibility of an
# application, whose institution reviews the diploma.
scoping.register(
    EducationRecord,
    rows=of_persons(person_rows),
    change_rows=of_persons(person_change_rows),
    view=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EMPLOYER, Role.WORKER],
    add=[Role.CITY, Role.EMPLOYER],
    change=[Role.CITY, Role.EMPLOYER],
    delete=[Role.CITY, Role.EMPLOYER],
    export=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EMPLOYER],
)


# The level history is derived from certificate records and appointments (registry/levels.py): it is read by
# whoever reads the person, and written by no role directly.
scoping.register(
    LevelEntry,
    rows=of_persons(person_rows),
    view=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EMPLOYER, Role.WORKER],
    export=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EMPLOYER],
)
