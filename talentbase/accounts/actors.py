"""Building the :class:`~talentbase.core.actor.Actor` for a signed-in user."""

from talentbase.core.actor import Actor, public_actor
from talentbase.core.http import client_ip

SESSION_MEMBERSHIP_KEY = "talentbase_membership_id"


def current_membership(user, session=None):
    """The membership the user acts in: the one chosen in this session, else their first active one."""
    memberships = user.active_membership_list()
    if not memberships:
        return None
    chosen = session.get(SESSION_MEMBERSHIP_KEY) if session is not None else None
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    return memberships[0]


def actor_for_membership(membership, *, ip=None) -> Actor:
    organisation = membership.organisation
    return Actor(
        role=membership.role,
        user=membership.user,
        organisation_id=organisation.pk,
        district_id=organisation.district_id,
        sector_ids=frozenset(organisation.sectors.values_list("pk", flat=True)),
        ip=ip,
    )


def actor_for_request(request) -> Actor:
    ip = client_ip(request)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return public_actor(ip)
    membership = current_membership(user, getattr(request, "session", None))
    if membership is None:
        from talentbase.core.roles import Role

        from .workers import person_of_account

        # A worker's account is the person's own: it acts as the worker without a membership (leaving a
        # job ends none of it). Anyone else without an active membership may do nothing but sign out.
        if person_of_account(user) is not None:
            return Actor(role=Role.WORKER, user=user, ip=ip)
        return Actor(role="none", user=user, ip=ip)
    actor = actor_for_membership(membership, ip=ip)
    verified = getattr(user, "is_verified", None)
    if callable(verified) and verified():
        from dataclasses import replace

        actor = replace(actor, second_factor=True)
    return actor
