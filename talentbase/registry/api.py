"""Registry API: persons and employments, scoped like the pages; ID numbers and phones masked."""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.fields import empty
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from talentbase.catalog.models import Occupation, WorkType
from talentbase.core import scoping
from talentbase.core.api import (
    ScopedModelSerializer,
    ScopedReadOnlyViewSet,
    ScopedReadViewSet,
    StrictCharField,
)
from talentbase.core.api_filters import ID_MAX, ScopedFilterBackend, is_id
from talentbase.core.errors import DomainError
from talentbase.core.pagination import Ordering, keyset_page

from . import actions, levels
from .errors import RegistryError
from .forms import PersonFilter
from .models import Employment, EndReason, Gender, LevelEntry, Person, PersonStatus
from .search import AgeBand


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
        fields = ["id", "person", "employer", "occupation", "work_type", "position", "department", "start_date",
                  "end_date", "site", "end_reason", "end_note"]  # fmt: skip


class PersonViewSet(ScopedReadOnlyViewSet):
    """Registration and corrections go through the registry's actions on the pages (and, with the import
    machinery, through bulk imports); this endpoint reads."""

    model = Person
    serializer_class = PersonSerializer
    ordering = ["pk"]
    filterset_class = PersonFilter

    # The page's ID-number filters are refused here (never in a URL): not parameters of this list.
    @extend_schema(
        parameters=[OpenApiParameter("id_number", exclude=True), OpenApiParameter("idq", exclude=True)]
    )
    def list(self, request, *args, **kwargs):
        if request.query_params.get("id_number") or request.query_params.get("idq"):
            raise DomainError(
                RegistryError.ID_NUMBER_IN_URL,
                _("证件号码不能出现在网址中：请用 POST /api/v1/persons/search/ 查询"),
                field="id_number",
            )
        return super().list(request, *args, **kwargs)


class PersonSearchRequestSerializer(serializers.Serializer):
    """The body of ``POST /api/v1/persons/search/``: a JSON object with at least one of the list's filters
    (``after`` alone does not count: for every person in scope, page through ``GET /api/v1/persons/``).
    Only validates: anything else (a list, a string, a number, null, an unknown field) is refused."""

    body_required = True  # the schema's requestBody (core/api_schema.py)

    q = StrictCharField(
        required=False, allow_blank=True, max_length=50, help_text=gettext_lazy("姓名开头、拼音或首字母")
    )
    id_number = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text=gettext_lazy("证件号码：只放在请求体中，从不出现在网址中"),
    )
    employer = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=gettext_lazy("单位名称中的字词，或统一社会信用代码"),
    )
    district = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    sector = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    occupation = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    level = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=ID_MAX,
        help_text=gettext_lazy("今天持有该等级或更高等级（已核实）；给了职业时指该职业"),
    )
    age = serializers.ChoiceField(required=False, choices=AgeBand.choices)
    gender = serializers.ChoiceField(required=False, choices=Gender.choices)
    status = serializers.ChoiceField(required=False, choices=PersonStatus.choices)
    after = StrictCharField(required=False, max_length=200, help_text=gettext_lazy("上一页回答中的 next"))

    def run_validation(self, data=empty):
        if not isinstance(data, Mapping):
            raise DomainError(RegistryError.INVALID, _("请求体应为 JSON 对象，含至少一个查询条件"))
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise DomainError(
                RegistryError.INVALID, _("不支持的查询条件：{names}").format(names="、".join(unknown))
            )
        return super().run_validation(data)

    def validate(self, attrs):
        if not any(value not in ("", None) for name, value in attrs.items() if name != "after"):
            raise DomainError(
                RegistryError.INVALID, _("请至少提供一个查询条件；全部人员请用 GET /api/v1/persons/")
            )
        return {name: value for name, value in attrs.items() if value != ""}


class PersonSearchResponseSerializer(serializers.Serializer):
    results = PersonSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="下一页的 after；没有下一页时为 null")


class PersonSearchView(GenericAPIView):
    """``POST /api/v1/persons/search/`` with the list's filters in the body (``id_number`` included, which
    never stands in a URL) and ``after`` for the next page; answers ``{"results": [...], "next": cursor}``."""

    serializer_class = PersonSearchRequestSerializer
    queryset = (
        Person.objects.none()
    )  # unscoped: no rows, only the schema's model; rows come through scoping below

    @extend_schema(request=PersonSearchRequestSerializer, responses=PersonSearchResponseSerializer)
    def post(self, request):
        actor = request._request.actor
        query = PersonSearchRequestSerializer(data=request.data)
        if not query.is_valid():
            raise DomainError(
                RegistryError.INVALID, _("查询条件有误：{errors}").format(errors=_errors_text(query.errors))
            )
        values = dict(query.validated_data)
        after = values.pop("after", None)
        filterset = PersonFilter(values, queryset=scoping.visible_to(actor, Person), actor=actor)
        if not filterset.is_valid() and ScopedFilterBackend.names_no_visible_record(filterset):
            # An id that names no record in scope: a question with no rows, as for the list.
            return Response({"results": [], "next": None})
        if not filterset.is_valid():
            raise DomainError(
                RegistryError.INVALID,
                _("查询条件有误：{errors}").format(errors=_errors_text(filterset.errors)),
            )
        page = keyset_page(filterset.qs, Ordering("pk"), after, 50)
        return Response({"results": PersonSerializer(page.rows, many=True).data, "next": page.next_cursor})


def _errors_text(errors) -> str:
    return "；".join(
        f"{name}: {' '.join(str(message) for message in messages)}" for name, messages in errors.items()
    )


class DepartureInputSerializer(serializers.Serializer):
    end_date = serializers.DateField(label=gettext_lazy("离职日期"))
    reason = serializers.ChoiceField(label=gettext_lazy("离职原因"), choices=EndReason.choices)
    note = serializers.CharField(label=gettext_lazy("说明"), max_length=200, required=False, allow_blank=True)


class CorrectionInputSerializer(serializers.Serializer):
    start_date = serializers.DateField(label=gettext_lazy("起始日期"))
    end_date = serializers.DateField(label=gettext_lazy("截止日期"), required=False, allow_null=True)
    occupation = serializers.PrimaryKeyRelatedField(
        queryset=Occupation.objects.filter(is_active=True), required=False, allow_null=True
    )
    work_type = serializers.PrimaryKeyRelatedField(
        queryset=WorkType.objects.filter(is_active=True), required=False, allow_null=True
    )
    position = serializers.CharField(max_length=50, required=False, allow_blank=True)
    department = serializers.CharField(max_length=50, required=False, allow_blank=True)


class EmploymentViewSet(ScopedReadViewSet):
    """Employments: read, and two writes on one, as the person page has them: ``…/depart/`` (the worker
    left: date, reason, note) and ``…/correct/`` (dates, occupation, work type, position)."""

    model = Employment
    serializer_class = EmploymentSerializer
    ordering = ["pk"]
    filterset_fields = ["employer", "person"]
    # POST for the two actions only: the list has no create, so it answers 405 and its Allow says so.
    http_method_names = ["get", "post", "head", "options"]

    def scope_action(self) -> str:
        return "change" if self.action in ("depart", "correct") else super().scope_action()

    @extend_schema(request=DepartureInputSerializer, responses=EmploymentSerializer)
    @action(detail=True, methods=["post"])
    def depart(self, request, pk=None):
        employment = self.get_object()
        data = DepartureInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = actions.record_departure(actor=self.actor, employment=employment, **data.validated_data)
        return Response(EmploymentSerializer(saved, context=self.get_serializer_context()).data)

    @extend_schema(request=CorrectionInputSerializer, responses=EmploymentSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        employment = self.get_object()
        data = CorrectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = actions.correct_employment(actor=self.actor, employment=employment, **data.validated_data)
        return Response(EmploymentSerializer(saved, context=self.get_serializer_context()).data)


class LevelEntrySerializer(ScopedModelSerializer):
    class Meta:
        model = LevelEntry
        fields = ["id", "person", "occupation", "level", "valid_from", "valid_to", "confirmed", "source_kind",
                  "source_id", "end_reason"]  # fmt: skip


class LevelOnSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    occupation = serializers.IntegerField()
    date = serializers.DateField()
    level = serializers.IntegerField(allow_null=True)
    level_name = serializers.CharField(allow_null=True)


class LevelEntryViewSet(ScopedReadOnlyViewSet):
    """The level history: one row per span of a level, derived from certificate records and appointments
    (never written here). ``GET …/on/?person=&occupation=&date=`` answers the level held on a date."""

    model = LevelEntry
    serializer_class = LevelEntrySerializer
    ordering = ["person_id", "occupation_id", "valid_from", "pk"]
    filterset_fields = ["person", "occupation", "confirmed"]

    @extend_schema(
        parameters=[OpenApiParameter("person", int, required=True), OpenApiParameter("occupation", int, required=True),
                    OpenApiParameter("date", OpenApiTypes.DATE, required=True),
                    OpenApiParameter("include_declared", bool)],
        responses={200: LevelOnSerializer, 404: OpenApiResponse(description=gettext_lazy("人员或职业不存在或不在范围内"))},
        filters=False,
    )  # fmt: skip
    @action(detail=False, methods=["get"])
    def on(self, request):
        from talentbase.catalog.models import Occupation
        from talentbase.core.imports.values import CellValueError, parse_date

        params = request.query_params
        try:
            day = parse_date(params.get("date", ""))
        except (ValueError, CellValueError):
            day = None
        if day is None or not (is_id(params.get("person")) and is_id(params.get("occupation"))):
            raise DomainError(
                RegistryError.INVALID, _("请提供 person、occupation 和 date（如 2020-01-31）"), field="date"
            )
        person = scoping.get_for(self.actor, Person, int(params["person"]), "view")
        occupation = scoping.get_for(self.actor, Occupation, int(params["occupation"]), "view")
        include_declared = params.get("include_declared") in ("1", "true", "True")
        level = levels.level_on(person, occupation, day, include_declared=include_declared)
        return Response({"person": person.pk, "occupation": occupation.pk, "date": day,
                         "level": level.pk if level else None, "level_name": level.name if level else None})  # fmt: skip
