import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import ScopedFilterSet
from .models import AuditEvent


class AddressFilter(django_filters.Filter):
    """An IPv4 or IPv6 address, checked by the form before it reaches the query (PostgreSQL's ``inet``
    column refuses anything else with an error, not an empty answer)."""

    field_class = forms.GenericIPAddressField


class AuditEventFilter(ScopedFilterSet):
    verb = django_filters.CharFilter(label=_("事件"))
    actor_label = django_filters.CharFilter(label=_("操作人"), lookup_expr="icontains")
    object_type = django_filters.CharFilter(label=_("对象类型"))
    object_id = django_filters.CharFilter(label=_("对象编号"))
    ip = AddressFilter(label=_("IP 地址"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("起始日期"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("截止日期"))

    class Meta:
        model = AuditEvent
        fields = []

    def filter_queryset(self, queryset):
        # A filter refused (an address that is none) shows its reason and no events, never the whole trail.
        if self.is_bound and self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)
