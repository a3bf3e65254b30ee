"""Base forms and filter sets: every choice of a scoped model lists only what the actor may see, so a
dropdown never offers another employer's workers."""

import html

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import choices, scoping


def scope_choice_fields(fields, actor) -> None:
    for field in fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        try:
            rule = scoping.rule_for(queryset.model)
        except LookupError:
            continue
        field.queryset = (
            queryset.filter(rule.q(actor, "view")) if rule.may(actor, "view") else queryset.none()
        )


class QuickSelect(forms.Select):
    """A single select rendered in Python, not through a template (or a context dict) per option: a list
    page's filter dropdowns (districts, occupations, levels) took a sixth of its time in Django's widget
    machinery (bench/http_load.py). The same markup as ``forms.Select``: name, attributes, option groups,
    the first option whose value is the field's value selected (core/tests/test_quick_select.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        wanted = {str(item) for item in self.format_value(value)}
        parts = [f'<select name="{html.escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>']
        selected = False

        def option(option_value, label):
            nonlocal selected
            text = "" if option_value is None else str(option_value)
            mark = ""
            if not selected and text in wanted:
                mark, selected = " selected", True
            return f'<option value="{html.escape(text)}"{mark}>{conditional_escape(label)}</option>'

        for option_value, label in choices.options(self.choices):
            if isinstance(label, list | tuple):
                parts.append(f'<optgroup label="{conditional_escape(option_value)}">')
                parts.extend(option(inner_value, inner_label) for inner_value, inner_label in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(option_value, label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 — every value and label escaped above


def style_widgets(fields) -> None:
    """Bootstrap classes, so that templates render fields with one include."""
    for field in fields.values():
        widget = field.widget
        if isinstance(
            widget, forms.CheckboxInput | forms.RadioSelect
        ):  # CheckboxSelectMultiple is a RadioSelect
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
            if type(widget) is forms.Select:
                widget.__class__ = QuickSelect
        else:
            widget.attrs.setdefault("class", "form-control")


class ScopedModelForm(forms.ModelForm):
    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        scope_choice_fields(self.fields, actor)
        style_widgets(self.fields)

    def model_values(self) -> tuple[dict, dict]:
        """The cleaned data split into plain fields and many-to-many fields, for core.actions."""
        values, m2m = {}, {}
        many = {f.name for f in self._meta.model._meta.many_to_many}
        for name, value in self.cleaned_data.items():
            (m2m if name in many else values)[name] = value
        return values, m2m


class ScopedForm(forms.Form):
    """A form for an actor; ``subject`` is the object a transition's form is about (core.workflow)."""

    def __init__(self, *args, actor, subject=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.subject = subject
        scope_choice_fields(self.fields, actor)
        style_widgets(self.fields)


class ScopedFilterSet(django_filters.FilterSet):
    # A filter set whose fields may carry personal data (an ID number) is submitted by POST, and the page
    # redirects to a URL built by ``url_safe_query``: such values never stand in a URL or an access log.
    posts_query = False

    @classmethod
    def url_safe_query(cls, query):
        return query

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        scope_choice_fields(self.form.fields, actor)
        for field in self.form.fields.values():
            # An unset filter reads "all", not "---------" or "unknown".
            if isinstance(field, forms.NullBooleanField):
                field.widget = forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))])
            elif hasattr(field, "empty_label"):
                field.empty_label = _("全部")
            elif isinstance(field, forms.ChoiceField) and field.choices and field.choices[0][0] == "":
                field.choices = [("", _("全部")), *list(field.choices)[1:]]
        style_widgets(self.form.fields)
