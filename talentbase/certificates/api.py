from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from talentbase.core.api import ScopedModelSerializer, ScopedReadViewSet, WorkflowActionsMixin

from . import issuing
from .models import Certificate


class CertificateSerializer(ScopedModelSerializer):
    class Meta:
        model = Certificate
        fields = ["id", "kind", "number", "person", "occupation", "work_type", "level", "issued_on", "issuer",
                  "filing", "session", "application", "status", "revoked_on", "revocation_reason"]  # fmt: skip


class NumberInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)


class CertificateViewSet(WorkflowActionsMixin, ScopedReadViewSet):
    """Certificates are issued from their session (POST …/issued-certificates/sessions/{id}/issue/ on the
    pages); here they are read, revoked (``transition``) and, awaiting one, given the HR system's number."""

    model = Certificate
    serializer_class = CertificateSerializer
    ordering = ["pk"]
    filterset_fields = ["status", "person", "session", "issuer"]
    # POST for the two actions only (``transition``, ``number``): the list has no create.
    http_method_names = ["get", "post", "head", "options"]

    def scope_action(self) -> str:
        return "change" if self.action == "number" else super().scope_action()

    @extend_schema(request=NumberInputSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    def number(self, request, pk=None):
        certificate = self.get_object()
        data = NumberInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = issuing.assign_number(actor=self.actor, certificate=certificate, number=data.validated_data["number"])
        return Response(CertificateSerializer(saved, context=self.get_serializer_context()).data)
