from talentbase.core.api import ScopedModelSerializer, ScopedViewSet

from .models import District, Level, Occupation, OrganisationKind, Sector


class DistrictSerializer(ScopedModelSerializer):
    class Meta:
        model = District
        fields = ["id", "code", "name", "order", "is_active"]


class SectorSerializer(ScopedModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "code", "name", "order"]


class LevelSerializer(ScopedModelSerializer):
    class Meta:
        model = Level
        fields = ["id", "code", "name", "short_name", "rank", "national_number"]
        read_only_fields = ["code", "rank", "national_number"]


class OccupationSerializer(ScopedModelSerializer):
    class Meta:
        model = Occupation
        fields = ["id", "code", "name", "sector", "is_green", "national_standard", "standard_year", "levels",
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
    http_method_names = ["get", "put", "patch", "head", "options"]


class OccupationViewSet(ScopedViewSet):
    model = Occupation
    serializer_class = OccupationSerializer
    ordering = ["code"]
    filterset_fields = ["sector", "national_standard", "needs_review"]


class OrganisationKindViewSet(ScopedViewSet):
    model = OrganisationKind
    serializer_class = OrganisationKindSerializer
    ordering = ["order"]
