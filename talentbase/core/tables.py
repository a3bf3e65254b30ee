"""Column declarations for list pages and their Excel exports."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Column:
    """One column: ``accessor`` is an attribute path ("district.name") or a method name on the object;
    ``order_by`` the field sorted on when the header is clicked (None: not sortable)."""

    accessor: str
    label: str
    order_by: str | None = None
    link: bool = False

    def value(self, obj):
        value = obj
        for part in self.accessor.split("."):
            if value is None:
                return None
            display = getattr(value, f"get_{part}_display", None)
            value = display() if callable(display) else getattr(value, part, None)
            if callable(value) and not isinstance(value, models.Manager):
                value = value()
            if isinstance(value, models.Manager):
                value = "、".join(str(item) for item in value.all())
        return value
