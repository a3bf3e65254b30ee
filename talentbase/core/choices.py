"""The options of reference-data dropdowns (districts, sectors, occupations, levels), kept per process.

Every list page builds its filter dropdowns: reading ~150 reference rows, making model instances and their
labels, was a tenth of the person list's time (bench/http_load.py). The options of one queryset (its SQL,
the language, the empty label) are kept for ``KEEP_SECONDS``; a change saved in this process clears them
at once (and again when its transaction commits), one saved in another worker shows there within that
time. A submitted value is still checked against the database (``ModelChoiceField.to_python``): a stale
option may be shown, never accepted."""

from __future__ import annotations

import time

from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.forms.models import ModelChoiceIterator
from django.utils.translation import get_language

KEEP_SECONDS = 60.0

_models: set[type] = set()
_kept: dict[tuple, tuple[float, list[tuple[str, str]]]] = {}


def clear() -> None:
    _kept.clear()


def _changed(**kwargs) -> None:
    clear()
    transaction.on_commit(clear)


def keep_options_of(*models) -> None:
    """Declare reference tables whose dropdown options may be kept (an app's ready())."""
    for model in models:
        if model not in _models:
            _models.add(model)
            post_save.connect(_changed, sender=model, dispatch_uid=f"choices-{model._meta.label}-save")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"choices-{model._meta.label}-delete")


def options(choices):
    """The (value, label) pairs of a select's choices: kept ones for a reference table, else as given."""
    if not isinstance(choices, ModelChoiceIterator) or choices.queryset.model not in _models:
        return choices
    try:
        sql, params = choices.queryset.query.sql_with_params()
    except EmptyResultSet:  # .none() (a role that may choose nothing): no SQL, nothing to keep
        return choices
    key = (sql, tuple(params), get_language(), str(choices.field.empty_label))
    now = time.monotonic()
    kept = _kept.get(key)
    if kept is not None and now - kept[0] < KEEP_SECONDS:
        return kept[1]
    pairs = [("" if value is None else str(value), str(label)) for value, label in choices]
    _kept[key] = (now, pairs)
    return pairs
