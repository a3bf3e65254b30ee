"""Scoping: the one place that decides what an actor may see and change.

Each scoped model registers a :class:`ScopeRule` once (in its app's ``scopes.py``): which roles may ever
take each action, and a function giving the rows in the actor's scope as a ``Q``. Everything fetches
through it: ``visible_to`` for lists, exports, form choices and jobs; ``get_for`` for one object. The
base views, the base API viewset and the base forms apply it, so no endpoint can forget.

Outcomes (DESIGN.md §1): a role that may never take an action gets 403 (``PermissionDenied``); an object
outside scope, or missing, gets 404 (``Http404``), the same answer for both, so existence never leaks.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from .actor import Actor
from .errors import OUT_OF_SCOPE_MESSAGE, CoreError, DomainError
from .roles import SYSTEM

ACTIONS = ("view", "add", "change", "delete", "export")

EVERYTHING = Q()
NOTHING = Q(pk__in=[])

ScopeFunction = Callable[[Actor], Q]


@dataclass(frozen=True)
class ScopeRule:
    """Who may do what to a model.

    ``roles`` maps each action to the roles that may ever take it. ``rows`` gives the rows the actor
    may see; ``change_rows`` (default: ``rows``) the rows they may change or delete.
    """

    model: type[models.Model]
    roles: dict[str, frozenset[str]]
    rows: ScopeFunction
    change_rows: ScopeFunction | None = None

    def may(self, actor: Actor, action: str) -> bool:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if actor.role == SYSTEM:
            return True
        return actor.role in self.roles.get(action, frozenset())

    def q(self, actor: Actor, action: str) -> Q:
        if actor.role == SYSTEM:
            return EVERYTHING
        if action in ("view", "export") or self.change_rows is None:
            return self.rows(actor)
        return self.change_rows(actor)


_rules: dict[type[models.Model], ScopeRule] = {}


def register(
    model: type[models.Model],
    *,
    rows: ScopeFunction,
    change_rows: ScopeFunction | None = None,
    view: Collection[str] = (),
    add: Collection[str] = (),
    change: Collection[str] = (),
    delete: Collection[str] = (),
    export: Collection[str] | None = None,
) -> ScopeRule:
    """Declare a model's scope. ``export`` defaults to the roles that may view."""
    roles = {
        "view": frozenset(view),
        "add": frozenset(add),
        "change": frozenset(change),
        "delete": frozenset(delete),
        "export": frozenset(view if export is None else export),
    }
    rule = ScopeRule(model=model, roles=roles, rows=rows, change_rows=change_rows)
    _rules[model] = rule
    return rule


def rule_for(model: type[models.Model]) -> ScopeRule:
    try:
        return _rules[model]
    except KeyError:
        raise LookupError(
            f"{model._meta.label} has no scope rule; register one in its app's scopes.py"
        ) from None


def registered_models() -> list[type[models.Model]]:
    return list(_rules)


def may(actor: Actor, model: type[models.Model], action: str) -> bool:
    """Whether the actor's role may ever take this action on this model (403 if not)."""
    return rule_for(model).may(actor, action)


def ensure_may(actor: Actor, model: type[models.Model], action: str) -> None:
    if not may(actor, model, action):
        raise PermissionDenied


def visible_to(actor: Actor, model_or_queryset, action: str = "view") -> models.QuerySet:
    """The rows of a model the actor may take ``action`` on. Refuses (403) a role that may never."""
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, models.QuerySet)
        else model_or_queryset._default_manager.all()
    )
    rule = rule_for(queryset.model)
    if not rule.may(actor, action):
        raise PermissionDenied
    return queryset.filter(rule.q(actor, action))


def get_for(actor: Actor, model_or_queryset, pk, action: str = "view"):
    """One object for the actor: 403 when the role may never take the action, 404 when missing or out of scope."""
    queryset = visible_to(actor, model_or_queryset, action)
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def in_scope(actor: Actor, obj: models.Model, action: str = "change") -> bool:
    rule = rule_for(type(obj))
    return (
        rule.may(actor, action)
        and type(obj)._default_manager.filter(rule.q(actor, action), pk=obj.pk).exists()
    )


def ensure_in_scope(actor: Actor, obj: models.Model, action: str = "change") -> None:
    """Re-check a write against scope inside its transaction: an owner, district or organisation
    changed to one outside the actor's scope is refused, and the caller's transaction rolls back."""
    if not in_scope(actor, obj, action):
        raise DomainError(CoreError.OUT_OF_SCOPE, OUT_OF_SCOPE_MESSAGE)


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, actor: Actor, action: str = "view") -> models.QuerySet:
        return visible_to(actor, self, action)


# --- Building blocks for scope functions, so rules read as sentences.


def by_role(actor: Actor, mapping: dict[str, ScopeFunction | Q]) -> Q:
    """Pick the rows for the actor's role; a role missing from the mapping sees nothing."""
    chosen = mapping.get(actor.role)
    if chosen is None:
        return NOTHING
    return chosen(actor) if callable(chosen) else chosen


def own_organisation(field: str) -> ScopeFunction:
    def rows(actor: Actor) -> Q:
        return Q(**{field: actor.organisation_id}) if actor.organisation_id else NOTHING

    return rows


def own_district(field: str) -> ScopeFunction:
    def rows(actor: Actor) -> Q:
        return Q(**{field: actor.district_id}) if actor.district_id else NOTHING

    return rows


def own_sectors(field: str) -> ScopeFunction:
    def rows(actor: Actor) -> Q:
        return Q(**{f"{field}__in": sorted(actor.sector_ids)}) if actor.sector_ids else NOTHING

    return rows


def own_user(field: str) -> ScopeFunction:
    def rows(actor: Actor) -> Q:
        return Q(**{field: actor.user_id}) if actor.user_id else NOTHING

    return rows
