"""Registry API: persons and employments, scoped like the pages; ID numbers and phones masked."""

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from talentbase.core import scoping
from talentbase.core.api import ScopedModelSerializer, ScopedReadOnlyViewSet
from talentbase.core.errors import DomainError
from talentbase.core.pagination import Ordering, keyset_page

from .forms import PersonFilter
from .models import Employment, Person


class PersonSerializer(ScopedModelSerializer):
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "full_name",
            "id_type",
            "id_number",
            "birth_date",
            "gender",
            "phone",
            "education",
            "status",
        ]


class EmploymentSerializer(ScopedModelSerializer):
    class Meta:
        model = Employment
        fields = ["id", "person", "employer", "occupation", "position", "start_date", "end_date", "site"]


class PersonViewSet(ScopedReadOnlyViewSet):
    """Registration and corrections go through the registry's actions on the pages (and, with the import
    machinery, through bulk imports); this endpoint reads."""

    model = Person
    serializer_class = PersonSerializer
    ordering = ["pk"]
    filterset_class = PersonFilter

    def list(self, request, *args, **kwargs):
        if request.query_params.get("id_number") or request.query_params.get("idq"):
            raise DomainError(
                "id_number_in_url",
                _("证件号码不能出现在网址中：请用 POST /api/v1/persons/search/ 查询"),
                field="id_number",
            )
        return super().list(request, *args, **kwargs)


class PersonSearchView(GenericAPIView):
    """``POST /api/v1/persons/search/`` with the list's filters in the body (``id_number`` included, which
    never stands in a URL) and ``after`` for the next page; answers ``{"results": [...], "next": cursor}``."""

    serializer_class = PersonSerializer
    queryset = Person.objects.none()  # the schema's model; rows come through scoping below

    def post(self, request):
        actor = request._request.actor
        data = request.data.copy() if hasattr(request.data, "copy") else dict(request.data)
        after = data.pop("after", None)
        if isinstance(after, list):
            after = after[0] if after else None
        filterset = PersonFilter(data, queryset=scoping.visible_to(actor, Person), actor=actor)
        if not filterset.is_valid():
            return Response({"code": "invalid", "detail": filterset.errors}, status=400)
        page = keyset_page(filterset.qs, Ordering("pk"), after, 50)
        return Response({"results": PersonSerializer(page.rows, many=True).data, "next": page.next_cursor})


class EmploymentViewSet(ScopedReadOnlyViewSet):
    model = Employment
    serializer_class = EmploymentSerializer
    ordering = ["pk"]
    filterset_fields = ["employer", "person"]
