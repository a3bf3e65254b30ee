import django_filters
from django.utils.translation import gettext_lazy as _

from .forms import ScopedFilterSet
from .models import AuditEvent


class AuditEventFilter(ScopedFilterSet):
    verb = django_filters.CharFilter(label=_("事件"))
    actor_label = django_filters.CharFilter(label=_("操作人"), lookup_expr="icontains")
    object_type = django_filters.CharFilter(label=_("对象类型"))
    object_id = django_filters.CharFilter(label=_("对象编号"))
    ip = django_filters.CharFilter(label=_("IP 地址"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("起始日期"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("截止日期"))

    class Meta:
        model = AuditEvent
        fields = []
