"""Certificate records and workers' reports over the API, scoped and masked like the pages: holders are
named by masked ID number; records are created by document number (``id_type`` + ``id_number``, write-only)
and changed only through their actions (confirm, revoke, replace, end)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from talentbase.catalog.models import Level, Occupation
from talentbase.core.api import (
    ScopedModelSerializer,
    ScopedReadViewSet,
    ScopedViewSet,
    StrictCharField,
    StrictPrimaryKeyRelatedField,
    WorkflowActionsMixin,
)
from talentbase.registry.identity import IdType

from . import actions
from .models import CertificateRecord, CertificateReport


class RecordSerializer(ScopedModelSerializer):
    holder_name = serializers.CharField(source="person.full_name", read_only=True)
    holder_id_number = serializers.CharField(source="person.id_number_masked", read_only=True)
    id_type = serializers.ChoiceField(choices=IdType.choices, write_only=True, default=IdType.RIC)
    id_number = StrictCharField(write_only=True, max_length=40)
    occupation = StrictPrimaryKeyRelatedField(queryset=Occupation.objects.all())
    level = StrictPrimaryKeyRelatedField(queryset=Level.objects.all())

    class Meta:
        model = CertificateRecord
        fields = [
            "id", "person", "holder_name", "holder_id_number", "id_type", "id_number", "kind", "number",
            "occupation", "occupation_as_written", "work_type", "level", "issued_on", "issuer_name", "evaluator_name",
            "employer", "confirmation", "status", "ended_on", "end_reason", "replaced_by", "source",
        ]  # fmt: skip
        read_only_fields = ["person", "employer", "confirmation", "status", "ended_on", "end_reason", "replaced_by",
                            "source", "occupation_as_written"]  # fmt: skip


class CertificateRecordViewSet(WorkflowActionsMixin, ScopedViewSet):
    model = CertificateRecord
    serializer_class = RecordSerializer
    ordering = ["-issued_on", "pk"]
    filterset_fields = ["person", "occupation", "level", "kind", "confirmation", "status"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("person")

    def perform_create_values(self, data):
        return actions.record_certificate(actor=self.actor, **data)

    def destroy(self, request, *args, **kwargs):
        actions.delete_record(actor=self.actor, record=self.get_object())
        return Response(status=204)

    def _press(self, request, pk, name):
        """The named endpoints below are the record's buttons under their own names: the same dispatcher as
        ``…/transition/``, answering with the record the button left (the new one for a reissue)."""
        outcome = self.press(request, pk, name, request.data)
        # The action's own copy, as it saved it (the new record for a reissue): no second read.
        result = outcome.result if isinstance(outcome.result, CertificateRecord) else outcome.obj
        return Response(RecordSerializer(result, context=self.get_serializer_context()).data)

    @extend_schema(responses=RecordSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._press(request, pk, "confirm")

    @extend_schema(responses=RecordSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._press(request, pk, "revoke")

    @extend_schema(responses=RecordSerializer)
    @action(detail=True, methods=["post"])
    def replace(self, request, pk=None):
        return self._press(request, pk, "replace")


class ReportSerializer(ScopedModelSerializer):
    state = serializers.CharField(read_only=True)

    class Meta:
        model = CertificateReport
        fields = ["id", "person", "kind", "record", "occupation", "level", "number", "issued_on", "issuer_name",
                  "description", "routed_to", "state", "outcome", "resulting_record", "created_at"]  # fmt: skip
        read_only_fields = fields


class CertificateReportViewSet(WorkflowActionsMixin, ScopedReadViewSet):
    """Reports are made on the worker's page (with a photo); here they are read and moved along their
    workflow (``resolve`` and ``reject`` need a comment: the outcome)."""

    model = CertificateReport
    serializer_class = ReportSerializer
    ordering = ["-created_at", "pk"]
    filterset_fields = ["state", "kind"]
    http_method_names = ["get", "post", "head", "options"]

    def http_method_not_allowed(self, request, *args, **kwargs):
        if request.method == "POST" and not self.detail:
            raise exceptions.MethodNotAllowed(request.method, detail=_("请在“我的证书与等级”页面报告"))
        return super().http_method_not_allowed(request, *args, **kwargs)
