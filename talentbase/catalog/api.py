import copy

from talentbase.core.api import ScopedModelSerializer, ScopedViewSet

from .models import (
    CalendarDay,
    CalendarYear,
    CertificateNumberFormat,
    District,
    Level,
    Occupation,
    OccupationAlias,
    OrganisationKind,
    Sector,
    WorkType,
)


class ModelCleanMixin:
    """A serializer that checks the model's own ``clean`` on the record as it would be saved (a copy: the
    instance is not touched before the save), its errors answered on their fields."""

    def validate(self, attrs):
        from django.core.exceptions import ValidationError as DjangoValidationError
        from rest_framework.exceptions import ValidationError

        attrs = super().validate(attrs)
        candidate = copy.copy(self.instance) if self.instance is not None else self.Meta.model()
        for name, value in attrs.items():
            setattr(candidate, name, value)
        try:
            candidate.clean()
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return attrs


class DistrictSerializer(ScopedModelSerializer):
    class Meta:
        model = District
        fields = ["id", "code", "name", "name_en", "name_en_status", "order", "is_active"]


class SectorSerializer(ScopedModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "code", "name", "name_en", "name_en_status", "order"]


class LevelSerializer(ScopedModelSerializer):
    class Meta:
        model = Level
        fields = ["id", "code", "name", "name_en", "name_en_status", "short_name", "rank", "national_number"]
        read_only_fields = ["code", "rank", "national_number"]


class OccupationSerializer(ScopedModelSerializer):
    class Meta:
        model = Occupation
        fields = ["id", "code", "name", "name_en", "name_en_status", "sector", "is_green", "national_standard",
                  "standard_year", "levels",
                  "needs_review", "is_active"]  # fmt: skip


class OrganisationKindSerializer(ScopedModelSerializer):
    class Meta:
        model = OrganisationKind
        fields = ["id", "code", "name", "order"]


class DistrictViewSet(ScopedViewSet):
    model = District
    serializer_class = DistrictSerializer
    ordering = ["order"]
    http_method_names = ["get", "put", "patch", "head", "options"]


class SectorViewSet(ScopedViewSet):
    model = Sector
    serializer_class = SectorSerializer
    ordering = ["order"]


class LevelViewSet(ScopedViewSet):
    model = Level
    serializer_class = LevelSerializer
    ordering = ["rank"]
    http_method_names = ["get", "head", "options"]  # the ladder is fixed data: a migration changes it


class OccupationViewSet(ScopedViewSet):
    model = Occupation
    serializer_class = OccupationSerializer
    ordering = ["code"]
    filterset_fields = ["sector", "national_standard", "needs_review"]


class OrganisationKindViewSet(ScopedViewSet):
    model = OrganisationKind
    serializer_class = OrganisationKindSerializer
    ordering = ["order"]


class OccupationAliasSerializer(ScopedModelSerializer):
    class Meta:
        model = OccupationAlias
        fields = ["id", "edition", "code", "name", "occupation", "needs_review", "note"]


class OccupationAliasViewSet(ScopedViewSet):
    model = OccupationAlias
    serializer_class = OccupationAliasSerializer
    ordering = ["name", "pk"]


class CertificateNumberFormatSerializer(ModelCleanMixin, ScopedModelSerializer):
    """Checked by the model's own rules: the pattern compiles, names only known groups, matches its example."""

    class Meta:
        model = CertificateNumberFormat
        fields = ["id", "code", "name", "kind", "pattern", "length", "description", "example", "fixed_level", "order",
                  "is_active"]  # fmt: skip


class CertificateNumberFormatViewSet(ScopedViewSet):
    model = CertificateNumberFormat
    serializer_class = CertificateNumberFormatSerializer
    ordering = ["order", "pk"]


class WorkTypeSerializer(ScopedModelSerializer):
    class Meta:
        model = WorkType
        fields = ["id", "occupation", "name", "is_active"]


class WorkTypeViewSet(ScopedViewSet):
    model = WorkType
    serializer_class = WorkTypeSerializer
    ordering = ["occupation__code", "name"]
    filterset_fields = ["occupation"]


class CalendarYearSerializer(ScopedModelSerializer):
    class Meta:
        model = CalendarYear
        fields = ["id", "year", "source", "note"]


class CalendarYearViewSet(ScopedViewSet):
    model = CalendarYear
    serializer_class = CalendarYearSerializer
    ordering = ["-year"]


class CalendarDaySerializer(ModelCleanMixin, ScopedModelSerializer):
    """Checked by the model's own rule: a make-up workday is a weekend day."""

    class Meta:
        model = CalendarDay
        fields = ["id", "date", "kind", "name"]


class CalendarDayViewSet(ScopedViewSet):
    model = CalendarDay
    serializer_class = CalendarDaySerializer
    ordering = ["-date"]
    filterset_fields = ["kind"]
