from rest_framework import serializers
from rest_framework.response import Response

from talentbase.core.api import ScopedModelSerializer, ScopedViewSet, WorkflowActionsMixin

from . import actions
from .models import EvaluationFiling, Organisation, Standing


class OrganisationSerializer(ScopedModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "credit_code", "kinds", "district", "sectors", "address",
                  "contact_name", "contact_phone", "is_active"]  # fmt: skip


class OrganisationViewSet(ScopedViewSet):
    model = Organisation
    serializer_class = OrganisationSerializer
    ordering = ["name"]
    filterset_fields = ["district", "is_active"]

    def perform_create_values(self, data):
        values, m2m = self.split_values(data)
        return actions.save_organisation(actor=self.actor, organisation=None, values=values, m2m=m2m)

    def perform_update_values(self, obj, data):
        values, m2m = self.split_values(data)
        return actions.save_organisation(actor=self.actor, organisation=obj, values=values, m2m=m2m)


class FilingSerializer(ScopedModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)
    state = serializers.CharField(read_only=True)
    standing = serializers.ChoiceField(choices=Standing.choices, read_only=True,
                                       help_text="有效、未到有效期、已过期、已撤销或未备案（今日）")  # fmt: skip

    class Meta:
        model = EvaluationFiling
        fields = [
            "id",
            "organisation",
            "occupation",
            "levels",
            "filing_number",
            "valid_from",
            "valid_to",
            "institution_type",
            "ministry_code",
            "province_code",
            "site_serial",
            "numbering",
            "state",
            "standing",
        ]


class FilingViewSet(WorkflowActionsMixin, ScopedViewSet):
    model = EvaluationFiling
    serializer_class = FilingSerializer
    ordering = ["-created_at", "pk"]
    filterset_fields = ["state", "occupation", "organisation"]

    def perform_create_values(self, data):
        values, m2m = self.split_values(data)
        return actions.create_filing(actor=self.actor, values=values, m2m=m2m)

    def perform_update_values(self, obj, data):
        values, m2m = self.split_values(data)
        return actions.update_filing(actor=self.actor, filing=obj, values=values, m2m=m2m)

    def destroy(self, request, *args, **kwargs):
        actions.delete_filing(actor=self.actor, filing=self.get_object())
        return Response(status=204)
