"""Reference data: every staff role reads it; the city bureau edits it (DESIGN.md §2). Workers read the
occupations and levels too: they name them when they report a certificate missing from their record."""

from talentbase.core import scoping
from talentbase.core.roles import ALL_ROLES, STAFF_ROLES, Role

from .models import (
    CalendarDay,
    CalendarYear,
    CertificateNumberFormat,
    District,
    Level,
    Occupation,
    OccupationAlias,
    OrganisationKind,
    Sector,
    WorkType,
)

EDITORS = [Role.CITY]

EDITABLE_SETS = (Occupation, Sector, OrganisationKind, OccupationAlias, CertificateNumberFormat, WorkType,
                 CalendarYear, CalendarDay)  # fmt: skip
# The national ladder (its names, order and national numbers) is fixed data: a migration changes it, never a
# form or the API (DESIGN.md §2). Everything else stays editable by the city bureau, audited.
FIXED_SETS = (Level,)

for model in (
    District,
    Sector,
    Level,
    Occupation,
    OrganisationKind,
    OccupationAlias,
    CertificateNumberFormat,
    WorkType,
    CalendarYear,
    CalendarDay,
):
    scoping.register(
        model,
        rows=lambda actor: scoping.EVERYTHING,
        view=ALL_ROLES if model in (Level, Occupation, WorkType) else STAFF_ROLES,
        add=EDITORS if model in EDITABLE_SETS else [],
        change=[] if model in FIXED_SETS else EDITORS,
        delete=EDITORS if model in EDITABLE_SETS else [],
    )
