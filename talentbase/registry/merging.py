"""What points at a person, for a merge of two records of one person: the registry's own records, and
those of the apps built on it, which register their models here (the registry imports none of them)."""

from __future__ import annotations

from django.db import models

_references: list[tuple[type[models.Model], str]] = []
# Rows derived from the person's own fields (its name keys): deleted with the duplicate, never moved.
_derived: list[tuple[type[models.Model], str]] = []


def register_person_reference(model: type[models.Model], field: str = "person") -> None:
    """A model whose ``field`` points at a person: a merge moves its rows to the record kept."""
    if (model, field) not in _references:
        _references.append((model, field))


def register_derived_person_data(model: type[models.Model], field: str = "person") -> None:
    """Rows computed from the person's own fields: they go with the duplicate, the kept record has its own."""
    if (model, field) not in _derived:
        _derived.append((model, field))


def references() -> list[tuple[type[models.Model], str]]:
    return list(_references)


def derived() -> list[tuple[type[models.Model], str]]:
    return list(_derived)


def move_references(*, from_person, to_person) -> dict[str, int]:
    """Point every registered reference of ``from_person`` at ``to_person``; the counts per model (the
    registry's own employments, titles and level entries included)."""
    moved = {}
    for model, field in _references:
        count = model._default_manager.filter(**{field: from_person}).update(**{field: to_person})
        if count:
            moved[model._meta.label_lower] = count
    return moved
