"""The organisations' read paths that other apps use."""

from talentbase.core.actor import Actor

from .models import Organisation


def organisation_of(actor: Actor) -> Organisation:
    """The organisation the actor acts for (its membership is the permission: everyone may read their own)."""
    return Organisation.objects.get(pk=actor.organisation_id)  # unscoped: the actor's own organisation
