"""Reference data: every staff role reads it; the city bureau edits it (DESIGN.md §2)."""

from talentbase.core import scoping
from talentbase.core.roles import STAFF_ROLES, Role

from .models import District, Level, Occupation, OrganisationKind, Sector

EDITORS = [Role.CITY]

for model in (District, Sector, Level, Occupation, OrganisationKind):
    scoping.register(
        model,
        rows=lambda actor: scoping.EVERYTHING,
        view=STAFF_ROLES,
        add=EDITORS if model in (Occupation, Sector, OrganisationKind) else [],
        change=EDITORS,
        delete=EDITORS if model in (Occupation, Sector, OrganisationKind) else [],
    )
