"""The API's filter backend (its own module: DRF imports the filter backends while it loads its settings,
so this must not import the viewsets)."""

import re

from django import forms
from django.utils.translation import gettext as _
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers

from .forms import ScopedFilterSet

# The ids a filter takes: what the schema says (core/api_schema.py) and what the database can compare.
ID_MIN, ID_MAX = -(2**63), 2**63 - 1
INTEGER = re.compile(r"-?\d{1,19}")


def is_id(value) -> bool:
    """A whole number of 64 bits: a query's text (``"12"``) or a JSON body's number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return ID_MIN <= value <= ID_MAX
    return isinstance(value, str) and INTEGER.fullmatch(value) is not None and ID_MIN <= int(value) <= ID_MAX


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter for the API with the page's filter sets, which take the actor (scoped choices).

    A filter by a related record's id (``?employer=0``, ``?occupation=999``) that names no record the caller
    may see is a question with no rows, not a wrong question: the answer is an empty list (200), as it is for
    an out-of-scope id. An id that is not a whole number, or past 64 bits, is refused (400)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if issubclass(self.get_filterset_class(view, queryset) or object, ScopedFilterSet):
            kwargs.pop("request", None)
            kwargs["actor"] = view.actor
        return kwargs

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        refused = {name: [message] for name, message in self.malformed(filterset)}
        if refused:
            raise serializers.ValidationError(refused)
        if not filterset.is_valid():
            if self.names_no_visible_record(filterset):
                return queryset.none()
            raise utils.translate_validation(filterset.errors)
        return filterset.qs

    @staticmethod
    def malformed(filterset):
        """The values the API refuses before the filter set reads them, as the schema describes them: an id
        that is not a whole number of 64 bits (it never reaches the database: SQLite cannot compare it), a
        yes/no that is not ``true`` or ``false``, an empty choice (the pages send one for "all"; over the API,
        leave the filter out)."""
        for name, field in filterset.form.fields.items():
            value = filterset.data.get(name)
            if value is None or isinstance(field, forms.CharField | forms.DateField):
                continue
            if isinstance(field, forms.NullBooleanField):
                if value not in ("true", "false"):
                    yield name, _("应为 true 或 false")
            elif isinstance(field, forms.ModelChoiceField) and not isinstance(
                field, forms.ModelMultipleChoiceField
            ):
                if not is_id(value):
                    yield name, _("应为整数编号")
            elif isinstance(field, forms.ChoiceField) and value == "":
                yield name, _("不能为空：不按此项筛选时请省略")

    @staticmethod
    def names_no_visible_record(filterset) -> bool:
        """Whether every refused filter is a related record's well-formed id that is missing or out of scope."""
        for name, errors in filterset.form.errors.as_data().items():
            field = filterset.form.fields.get(name)
            if not isinstance(field, forms.ModelChoiceField) or isinstance(
                field, forms.ModelMultipleChoiceField
            ):
                return False
            if not is_id(filterset.data.get(name)) or any(e.code != "invalid_choice" for e in errors):
                return False
        return True
