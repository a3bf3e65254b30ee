"""Scope rule of jobs: a job is its owner's alone (it ran with the owner's scope, and its result file holds
what the owner may see); every signed-in role may follow its own jobs, nobody another's."""

from django.db.models import Q

from talentbase.core import scoping
from talentbase.core.roles import ALL_ROLES

from .models import Job


def own_jobs(actor) -> Q:
    return Q(owner_id=actor.user_id) if actor.user_id else scoping.NOTHING


scoping.register(Job, rows=own_jobs, view=sorted(ALL_ROLES))
