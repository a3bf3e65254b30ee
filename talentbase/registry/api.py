"""Registry API: persons and employments, scoped like the pages; ID numbers and phones masked."""

from rest_framework import serializers

from talentbase.core.api import ScopedModelSerializer, ScopedReadOnlyViewSet

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
    filterset_fields = ["status", "gender"]


class EmploymentViewSet(ScopedReadOnlyViewSet):
    model = Employment
    serializer_class = EmploymentSerializer
    ordering = ["pk"]
    filterset_fields = ["employer", "person"]
