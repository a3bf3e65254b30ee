"""Column declarations for list pages and their Excel exports."""

from __future__ import annotations

import html
from dataclasses import dataclass

from django.db import models
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext


@dataclass(frozen=True)
class Column:
    """One column: ``accessor`` is an attribute path ("district.name") or a method name on the object;
    ``order_by`` the field sorted on when the header is clicked (None: not sortable)."""

    accessor: str
    label: str
    order_by: str | None = None
    link: bool = False
    # A method of the object that gives the cell's HTML on the page (the export keeps ``accessor``'s text).
    html: str | None = None

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


def row_cells(obj, columns: list[Column], labels: list[str], *, words: tuple[str, str] | None = None,
              url_of=None) -> SafeString:  # fmt: skip
    """One row's cells as HTML, built in Python: 50 rows × 7 columns through template tags, or through
    ``format_html`` per cell, cost a list page more than its queries (bench/http_load.py). ``labels``: the
    columns' labels, translated and escaped once a page (``escaped_labels``); ``words``: 是 and 否 translated
    once a page; ``url_of``: the row's link (default ``get_absolute_url``; a page's ``DetailLink``)."""
    yes, no = words or (gettext("是"), gettext("否"))
    cells = []
    for column, label in zip(columns, labels, strict=True):
        if column.html is not None:
            text = str(conditional_escape(getattr(obj, column.html)()))
        else:
            value = column.value(obj)
            if value is None:
                text = ""
            elif value is True:
                text = yes
            elif value is False:
                text = no
            elif hasattr(value, "__html__"):
                text = value.__html__()
            else:
                text = html.escape(str(value))
        if column.link:
            url = url_of(obj) if url_of is not None else obj.get_absolute_url()
            text = f'<a href="{html.escape(url)}">{text}</a>'
        cells.append(f'<td data-label="{label}">{text}</td>')
    return mark_safe("".join(cells))  # noqa: S308 — every value escaped above, the labels by escaped_labels


class DetailLink:
    """The detail URLs of a page's rows from one ``reverse``: 50 reverses were a tenth of the person list's
    time. Only for a model whose ``get_absolute_url`` is ``reverse(url_name, args=[pk])`` (a test holds it)."""

    SENTINEL = 9_876_543_210

    def __init__(self, url_name: str):
        from django.urls import reverse

        self.before, self.after = reverse(url_name, args=[self.SENTINEL]).split(str(self.SENTINEL))

    def __call__(self, obj) -> str:
        return f"{self.before}{obj.pk}{self.after}"


def escaped_labels(columns: list[Column]) -> list[str]:
    return [html.escape(str(column.label)) for column in columns]


def column_chooser_rows(choices: list[tuple[Column, int | None]]) -> SafeString:
    """The column chooser's rows (a checkbox and an order box per column, ``choices`` as ``column_choices``
    gives them), built in Python as the cells are: a template loop over a dozen columns cost the person
    list a millisecond a page."""
    rows = []
    for number, (column, place) in enumerate(choices, start=1):
        accessor = html.escape(column.accessor)
        label = html.escape(str(column.label))
        order_label = html.escape(gettext("%(name)s的顺序") % {"name": str(column.label)})
        checked = " checked" if place else ""
        rows.append(
            '<div class="d-flex align-items-center gap-2 mb-1">'
            f'<input class="form-check-input" type="checkbox" name="column" value="{accessor}" '
            f'id="col-{accessor}"{checked}>'
            f'<label class="form-check-label flex-grow-1" for="col-{accessor}">{label}</label>'
            f'<label class="visually-hidden" for="order-{accessor}">{order_label}</label>'
            '<input class="form-control form-control-sm tb-order" type="number" min="1" '
            f'name="order_{accessor}" id="order-{accessor}" value="{place if place is not None else number}">'
            "</div>"
        )
    return mark_safe("".join(rows))  # noqa: S308 — accessors and labels escaped above
