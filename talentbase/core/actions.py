"""Audited, scoped writes for plain records (reference data, organisations) that have no workflow.

Pages and the API call these with the cleaned values of a form or serializer, so both paths share one
write. Domain apps wrap them with their own rules in their ``actions.py``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError

from . import audit, scoping
from .actor import Actor
from .errors import PROTECTED_MESSAGE, CoreError, DomainError
from .models import ListColumns


def _full_clean(obj: models.Model) -> None:
    try:
        obj.full_clean(validate_unique=True)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(
            CoreError.INVALID, messages[0], field=None if field == "__all__" else field
        ) from None


def _apply(obj: models.Model, values: dict, m2m: dict | None) -> None:
    for name, value in values.items():
        setattr(obj, name, value)
    _full_clean(obj)
    obj.save()
    for name, value in (m2m or {}).items():
        getattr(obj, name).set(value)


@transaction.atomic
def create_object(*, actor: Actor, model: type[models.Model], values: dict, m2m: dict | None = None):
    """Create a record; refused when the role may never add, or when the result is outside its scope."""
    scoping.ensure_may(actor, model, "add")
    obj = model()
    _apply(obj, values, m2m)
    scoping.ensure_in_scope(actor, obj, "view")
    audit.audit_change(actor=actor, obj=obj, before=None, verb=audit.CREATE)
    return obj


@transaction.atomic
def update_object(*, actor: Actor, obj: models.Model, values: dict, m2m: dict | None = None):
    """Change a record in scope, re-checking scope after the write (a district cannot move an employer
    out of its district)."""
    model = type(obj)
    locked = scoping.get_for(actor, model._default_manager.select_for_update(), obj.pk, "change")
    before = audit.snapshot(locked)
    _apply(locked, values, m2m)
    scoping.ensure_in_scope(actor, locked, "change")
    audit.audit_change(actor=actor, obj=locked, before=before)
    return locked


@transaction.atomic
def delete_object(*, actor: Actor, obj: models.Model, reason: str = "") -> None:
    model = type(obj)
    locked = scoping.get_for(actor, model._default_manager.select_for_update(), obj.pk, "delete")
    before = audit.snapshot(locked)
    try:
        with transaction.atomic():
            locked.delete()
    except ProtectedError:
        raise DomainError(CoreError.PROTECTED, PROTECTED_MESSAGE) from None
    locked.pk = obj.pk
    audit.audit_delete(actor=actor, obj=locked, before=before, reason=reason)


@transaction.atomic
def choose_list_columns(*, actor: Actor, table: str, columns: list[str]) -> None:
    """Keep the columns (in order) that this user shows on one list; an empty choice returns to the default.
    The caller has checked the names against the list's columns."""
    mine = scoping.visible_to(actor, ListColumns, "change").filter(table=table)
    if columns:
        scoping.ensure_may(actor, ListColumns, "add")
        updated = mine.update(columns=columns)
        if not updated:
            ListColumns.objects.create(user_id=actor.user_id, table=table, columns=columns)
    else:
        mine.delete()
    audit.record_audit(actor=actor, verb="change", object_type="core.listcolumns",
                       reason=f"{table}: {','.join(columns) or 'default'}"[:500])  # fmt: skip
