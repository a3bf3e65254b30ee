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
from dataclasses import dataclass, field

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
class ScopePart:
    """One source of rows: the model's own rule, or a later app's contribution.

    ``roles`` maps each action to the roles this part grants it to; ``rows`` gives the rows it shows the
    actor, ``change_rows`` (default: ``rows``) the rows it lets them change or delete.
    """

    roles: dict[str, frozenset[str]]
    rows: ScopeFunction
    change_rows: ScopeFunction | None = None
    source: str = ""

    def grants(self, actor: Actor, action: str) -> bool:
        return actor.role in self.roles.get(action, frozenset())

    def q(self, actor: Actor, action: str) -> Q:
        if action in ("view", "export") or self.change_rows is None:
            return self.rows(actor)
        return self.change_rows(actor)


@dataclass
class ScopeRule:
    """Who may do what to a model: the model's own part, registered once by the app that owns the model,
    and the parts later apps contribute ("an evaluation institution sees the persons who applied to its
    sessions"). A role may take an action when any part grants it, and sees the union of those parts' rows,
    so the owning app never has to know the apps that come after it."""

    model: type[models.Model]
    own: ScopePart
    contributions: list[ScopePart] = field(default_factory=list)

    @property
    def parts(self) -> list[ScopePart]:
        return [self.own, *self.contributions]

    @property
    def roles(self) -> dict[str, frozenset[str]]:
        """The roles that may ever take each action, from every part."""
        return {action: frozenset().union(*(part.roles[action] for part in self.parts)) for action in ACTIONS}

    def may(self, actor: Actor, action: str) -> bool:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if actor.role == SYSTEM:
            return True
        return any(part.grants(actor, action) for part in self.parts)

    def q(self, actor: Actor, action: str) -> Q:
        if actor.role == SYSTEM:
            return EVERYTHING
        return union(part.q(actor, action) for part in self.parts if part.grants(actor, action))


def union(conditions) -> Q:
    """OR the conditions, without the terms that cannot change the answer (SQL stays as short as before
    for a model nobody contributes to)."""
    result = None
    for condition in conditions:
        if condition == EVERYTHING:
            return EVERYTHING
        if condition == NOTHING:
            continue
        result = condition if result is None else result | condition
    return NOTHING if result is None else result


_rules: dict[type[models.Model], ScopeRule] = {}
# Contributions that arrive before the model's own rule (app order decides the import order of scopes.py).
_early: dict[type[models.Model], list[ScopePart]] = {}


def _roles(view, add, change, delete, export) -> dict[str, frozenset[str]]:
    return {
        "view": frozenset(view),
        "add": frozenset(add),
        "change": frozenset(change),
        "delete": frozenset(delete),
        "export": frozenset(view if export is None else export),
    }


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
    """Declare a model's own scope, once, in the app that owns the model. ``export`` defaults to the roles
    that may view. A later app adds to it with :func:`contribute`, never by registering again."""
    if model in _rules:
        raise ValueError(
            f"{model._meta.label} already has a scope rule; a later app adds rows with contribute()"
        )
    own = ScopePart(roles=_roles(view, add, change, delete, export), rows=rows, change_rows=change_rows,
                    source=model._meta.app_label)  # fmt: skip
    rule = ScopeRule(model=model, own=own, contributions=_early.pop(model, []))
    _rules[model] = rule
    return rule


def contribute(
    model: type[models.Model],
    *,
    source: str,
    rows: ScopeFunction,
    change_rows: ScopeFunction | None = None,
    view: Collection[str] = (),
    add: Collection[str] = (),
    change: Collection[str] = (),
    delete: Collection[str] = (),
    export: Collection[str] | None = None,
) -> ScopePart:
    """Add rows (and the roles that reach them) to another app's model, from the contributing app's
    ``scopes.py``: the model's scope becomes the union of its own rule and every contribution. ``source``
    names the contributing app, so that a reader of ``rule_for(model).parts`` sees where each came from."""
    part = ScopePart(roles=_roles(view, add, change, delete, export), rows=rows, change_rows=change_rows,
                     source=source)  # fmt: skip
    if model in _rules:
        _rules[model].contributions.append(part)
    else:
        _early.setdefault(model, []).append(part)
    return part


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
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):  # past 64 bits: no such row
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


def through(field: str, model: type[models.Model], rows: ScopeFunction) -> ScopeFunction:
    """The rows of a model whose ``field`` points at a ``model`` row in ``rows``: a record seen and changed
    with what it belongs to (a person's titles, a version's levels, a plan's lines)."""

    def scope(actor: Actor) -> Q:
        condition = rows(actor)
        if condition in (EVERYTHING, NOTHING):
            return condition
        return Q(**{f"{field}__in": model._default_manager.filter(condition).values("pk")})

    return scope


def by_role(actor: Actor, mapping: dict[str, ScopeFunction | Q]) -> Q:
    """Pick the rows for the actor's role; a role missing from the mapping sees nothing."""
    chosen = mapping.get(actor.role)
    if chosen is None:
        return NOTHING
    return chosen(actor) if callable(chosen) else chosen
