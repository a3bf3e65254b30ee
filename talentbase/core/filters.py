import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from . import audit
from .forms import ScopedFilterSet
from .models import AuditEvent
from .roles import role_choices


class AddressFilter(django_filters.Filter):
    """An IPv4 or IPv6 address, checked by the form before it reaches the query (PostgreSQL's ``inet``
    column refuses anything else with an error, not an empty answer)."""

    field_class = forms.GenericIPAddressField


def object_type_choices() -> list[tuple[str, str]]:
    """The platform's models by their names (what an event's ``object_type`` records)."""
    from django.apps import apps

    models = (model for model in apps.get_models() if model.__module__.startswith("talentbase."))
    return sorted(
        ((m._meta.label_lower, str(m._meta.verbose_name)) for m in models), key=lambda c: (c[1], c[0])
    )


def date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditEventFilter(ScopedFilterSet):
    verb = django_filters.ChoiceFilter(label=_("事件"), choices=audit.verb_choices)
    actor_label = django_filters.CharFilter(label=_("操作人"), lookup_expr="icontains")
    role = django_filters.ChoiceFilter(label=_("角色"), choices=role_choices)
    object_type = django_filters.ChoiceFilter(label=_("对象类型"), choices=object_type_choices)
    object_id = django_filters.CharFilter(label=_("对象编号"))
    ip = AddressFilter(label=_("IP 地址"))
    since = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label=_("起始日期"), widget=date_widget()
    )
    until = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label=_("截止日期"), widget=date_widget()
    )

    class Meta:
        model = AuditEvent
        fields = []

    def filter_queryset(self, queryset):
        # A filter refused (an address that is none) shows its reason and no events, never the whole trail.
        if self.is_bound and self.form.is_valid():
            since, until = self.form.cleaned_data.get("since"), self.form.cleaned_data.get("until")
            if since and until and since > until:
                self.form.add_error("until", _("截止日期不能早于起始日期"))
        if self.is_bound and self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)
