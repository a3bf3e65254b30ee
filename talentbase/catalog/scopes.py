"""Reference data: every staff role reads it; the city bureau edits it (DESIGN.md §2)."""

from talentbase.core import scoping
from talentbase.core.roles import STAFF_ROLES, Role

from .models import (
    CertificateNumberFormat,
    District,
    Level,
    Occupation,
    OccupationAlias,
    OrganisationKind,
    Sector,
)

EDITORS = [Role.CITY]

EDITABLE_SETS = (Occupation, Sector, OrganisationKind, OccupationAlias, CertificateNumberFormat)

for model in (
    District,
    Sector,
    Level,
    Occupation,
    OrganisationKind,
    OccupationAlias,
    CertificateNumberFormat,
):
    scoping.register(
        model,
        rows=lambda actor: scoping.EVERYTHING,
        view=STAFF_ROLES,
        add=EDITORS if model in EDITABLE_SETS else [],
        change=EDITORS,
        delete=EDITORS if model in EDITABLE_SETS else [],
    )
