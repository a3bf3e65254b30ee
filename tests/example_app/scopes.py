"""An institution sees the applications made to it, and, through a contribution to the registry's scope,
the persons who applied: the registry imports nothing of this app."""

from django.db.models import Q

from talentbase.core import scoping
from talentbase.core.roles import Role
from talentbase.registry.models import Person

from .models import Application


def _own(actor) -> Q:
    return Q(institution_id=actor.organisation_id) if actor.organisation_id else scoping.NOTHING


scoping.register(
    Application,
    rows=lambda actor: scoping.by_role(actor, {Role.CITY: scoping.EVERYTHING, Role.TRAINING: _own}),
    view=[Role.CITY, Role.TRAINING],
    add=[Role.TRAINING],
    change=[Role.TRAINING],
)


def applicants(actor) -> Q:
    if not actor.organisation_id:
        return scoping.NOTHING
    return Q(pk__in=Application.objects.filter(institution_id=actor.organisation_id).values("person_id"))


scoping.contribute(Person, source="example", rows=applicants, view=[Role.TRAINING])
