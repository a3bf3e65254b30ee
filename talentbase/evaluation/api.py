import django_filters
from django import forms
from rest_framework import serializers
from rest_framework.response import Response

from talentbase.core.api import ScopedModelSerializer, ScopedViewSet, WorkflowActionsMixin
from talentbase.core.api_filters import ID_MAX, ID_MIN

from . import actions, applications, plans, sessions
from .models import (
    Application,
    Assignment,
    AvoidanceRule,
    EligibilityPath,
    EvaluationPlan,
    EvaluationSession,
    ExaminerQualification,
    PlanLine,
    StaffingRule,
    StandardVersion,
    VersionLevel,
)


class VersionSerializer(ScopedModelSerializer):
    kind = serializers.CharField(read_only=True)
    institution = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    version = serializers.IntegerField(read_only=True)
    state = serializers.CharField(read_only=True)
    effective_from = serializers.DateField(read_only=True, allow_null=True)
    hr_filing_number = serializers.CharField(read_only=True)

    class Meta:
        model = StandardVersion
        fields = ["id", "occupation", "kind", "institution", "title", "code", "version", "generation",
                  "published_on", "effective_from", "exam_structure", "state", "hr_filing_number"]  # fmt: skip


class VersionViewSet(WorkflowActionsMixin, ScopedViewSet):
    model = StandardVersion
    serializer_class = VersionSerializer
    ordering = ["pk"]
    filterset_fields = ["occupation", "kind", "state"]

    def perform_create_values(self, data):
        values, _m2m = self.split_values(data)
        return actions.create_version(actor=self.actor, values=values)

    def perform_update_values(self, obj, data):
        values, _m2m = self.split_values(data)
        return actions.update_version(actor=self.actor, version=obj, values=values)

    def destroy(self, request, *args, **kwargs):
        actions.delete_version(actor=self.actor, version=self.get_object())
        return Response(status=204)


class VersionLevelSerializer(ScopedModelSerializer):
    class Meta:
        model = VersionLevel
        fields = ["id", "version", "level", "knowledge", "skills", "theory_weight", "skill_weight", "has_review",
                  "theory_before_practical", "pass_mark", "kept_years"]  # fmt: skip


class VersionLevelViewSet(ScopedViewSet):
    model = VersionLevel
    serializer_class = VersionLevelSerializer
    ordering = ["pk"]
    filterset_fields = ["version"]

    def perform_create_values(self, data):
        values, _m2m = self.split_values(data)
        version = values.pop("version")
        return actions.save_version_level(actor=self.actor, version=version, values=values)

    def perform_update_values(self, obj, data):
        values, _m2m = self.split_values(data)
        values.pop("version", None)
        return actions.save_version_level(actor=self.actor, version=obj.version, values=values, level_row=obj)

    def destroy(self, request, *args, **kwargs):
        actions.delete_version_level(actor=self.actor, level_row=self.get_object())
        return Response(status=204)


class EligibilityPathSerializer(ScopedModelSerializer):
    class Meta:
        model = EligibilityPath
        fields = ["id", "version", "level", "order", "description", "required_level", "years", "years_since_level",
                  "school", "major_in_trade", "apprenticeship", "title_grade", "min_age", "needs_review"]  # fmt: skip


class EligibilityPathViewSet(ScopedViewSet):
    model = EligibilityPath
    serializer_class = EligibilityPathSerializer
    ordering = ["pk"]
    filterset_fields = ["version", "level"]

    def perform_create_values(self, data):
        values, _m2m = self.split_values(data)
        version = values.pop("version")
        return actions.save_path(actor=self.actor, version=version, values=values)

    def perform_update_values(self, obj, data):
        values, _m2m = self.split_values(data)
        values.pop("version", None)
        return actions.save_path(actor=self.actor, version=obj.version, values=values, path=obj)

    def destroy(self, request, *args, **kwargs):
        actions.delete_path(actor=self.actor, path=self.get_object())
        return Response(status=204)


class YearFilter(django_filters.NumberFilter):
    """A whole number of 64 bits, as the schema says of integer filters (core/api_schema.py): a year no plan
    has answers an empty list, a number past 64 bits 400 (it never reaches the database)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=ID_MIN, max_value=ID_MAX, **kwargs)


class PlanFilter(django_filters.FilterSet):
    year = YearFilter()

    class Meta:
        model = EvaluationPlan
        fields = ["state", "institution"]


class PlanSerializer(ScopedModelSerializer):
    institution = serializers.PrimaryKeyRelatedField(read_only=True)
    state = serializers.CharField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = EvaluationPlan
        fields = ["id", "institution", "year", "note", "state", "submitted_at"]


class PlanViewSet(WorkflowActionsMixin, ScopedViewSet):
    model = EvaluationPlan
    serializer_class = PlanSerializer
    ordering = ["pk"]
    filterset_class = PlanFilter

    def perform_create_values(self, data):
        return plans.create_plan(actor=self.actor, year=data["year"], note=data.get("note", ""))

    def perform_update_values(self, obj, data):
        return plans.update_plan(actor=self.actor, plan=obj, values=data)

    def destroy(self, request, *args, **kwargs):
        plans.delete_plan(actor=self.actor, plan=self.get_object())
        return Response(status=204)


class PlanLineSerializer(ScopedModelSerializer):
    actual = serializers.SerializerMethodField(help_text="已安排批次、已受理考生、已发证")

    class Meta:
        model = PlanLine
        fields = ["id", "plan", "occupation", "level", "month", "planned_candidates", "note", "actual"]

    def get_actual(self, line) -> dict[str, int]:
        # One count per plan for the page of lines, not one per line.
        by_plan = self.context.setdefault("actual_by_plan", {})
        if line.plan_id not in by_plan:
            by_plan[line.plan_id] = plans.actual_by_line(line.plan_id)
        row = by_plan[line.plan_id].get(line.pk, {})
        return {key: row.get(key, 0) for key in ("sessions", "candidates", "certificates")}


class PlanLineViewSet(ScopedViewSet):
    model = PlanLine
    serializer_class = PlanLineSerializer
    ordering = ["pk"]
    filterset_fields = ["plan"]

    def perform_create_values(self, data):
        values = dict(data)
        plan = values.pop("plan")
        return plans.save_line(actor=self.actor, plan=plan, values=values)

    def perform_update_values(self, obj, data):
        values = {k: v for k, v in data.items() if k != "plan"}
        return plans.save_line(actor=self.actor, plan=obj.plan, values=values, line=obj)

    def destroy(self, request, *args, **kwargs):
        plans.delete_line(actor=self.actor, line=self.get_object())
        return Response(status=204)


class SessionSerializer(ScopedModelSerializer):
    institution = serializers.PrimaryKeyRelatedField(read_only=True)
    occupation = serializers.PrimaryKeyRelatedField(read_only=True)
    level = serializers.PrimaryKeyRelatedField(read_only=True)
    filing = serializers.PrimaryKeyRelatedField(read_only=True)
    state = serializers.CharField(read_only=True)

    class Meta:
        model = EvaluationSession
        fields = ["id", "institution", "plan_line", "occupation", "level", "version", "filing", "name",
                  "registration_closes", "theory_on", "practical_on", "review_on", "venue", "capacity", "state"]  # fmt: skip


class SessionViewSet(WorkflowActionsMixin, ScopedViewSet):
    model = EvaluationSession
    serializer_class = SessionSerializer
    ordering = ["pk"]
    filterset_fields = ["state", "occupation", "institution"]

    def perform_create_values(self, data):
        return sessions.create_session(actor=self.actor, values=dict(data))

    def perform_update_values(self, obj, data):
        return sessions.update_session(actor=self.actor, session=obj, values=dict(data))

    def destroy(self, request, *args, **kwargs):
        sessions.delete_session(actor=self.actor, session=self.get_object())
        return Response(status=204)


class EvaluationApplicationSerializer(ScopedModelSerializer):
    ticket = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    applied_on = serializers.DateField(read_only=True)
    employer = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    channel = serializers.CharField(read_only=True)
    eligibility_note = serializers.CharField(read_only=True)
    refusal_reason = serializers.CharField(read_only=True)
    waived = serializers.ListField(child=serializers.ChoiceField(choices=["education", "years", "age"]), required=False)

    class Meta:
        model = Application
        fields = ["id", "session", "person", "employer", "kind", "channel", "applied_on", "ticket", "state",
                  "eligibility_note", "waived", "performance_evidence", "refusal_reason"]  # fmt: skip


class ApplicationViewSet(WorkflowActionsMixin, ScopedViewSet):
    model = Application
    serializer_class = EvaluationApplicationSerializer
    ordering = ["pk"]
    filterset_fields = ["session", "state", "kind"]
    http_method_names = ["get", "post", "head", "options"]

    def perform_create_values(self, data):
        return applications.apply(actor=self.actor, session=data["session"], person=data.get("person"),
                                  kind=data.get("kind", "regular"), waived=data.get("waived") or (),
                                  performance_evidence=data.get("performance_evidence", ""))  # fmt: skip


class ExaminerSerializer(ScopedModelSerializer):
    class Meta:
        model = ExaminerQualification
        fields = ["id", "person", "occupation", "highest_level", "card_number", "valid_from", "valid_to"]


class ExaminerViewSet(ScopedViewSet):
    model = ExaminerQualification
    serializer_class = ExaminerSerializer
    ordering = ["pk"]
    filterset_fields = ["occupation", "person"]


class AvoidanceRuleSerializer(ScopedModelSerializer):
    institution_type = serializers.CharField(read_only=True)

    class Meta:
        model = AvoidanceRule
        fields = ["id", "institution_type", "same_employer", "same_department", "outside_share", "needs_review"]


class AvoidanceRuleViewSet(ScopedViewSet):
    model = AvoidanceRule
    serializer_class = AvoidanceRuleSerializer
    ordering = ["pk"]
    http_method_names = ["get", "put", "patch", "head", "options"]


class StaffingRuleSerializer(ScopedModelSerializer):
    class Meta:
        model = StaffingRule
        fields = ["id", "name", "candidates_per_invigilator", "min_invigilators", "min_practical",
                  "candidates_per_practical", "min_review", "odd_panels"]  # fmt: skip


class StaffingRuleViewSet(ScopedViewSet):
    model = StaffingRule
    serializer_class = StaffingRuleSerializer
    ordering = ["pk"]
    http_method_names = ["get", "put", "patch", "head", "options"]


class AssignmentSerializer(ScopedModelSerializer):
    user = serializers.PrimaryKeyRelatedField(read_only=True)
    active = serializers.BooleanField(read_only=True)
    reported_at = serializers.DateTimeField(read_only=True, allow_null=True)
    report = serializers.CharField(read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "session", "person", "user", "duty", "acting_for", "active", "assigned_at", "report",
                  "reported_at"]  # fmt: skip


class AssignmentViewSet(ScopedViewSet):
    """Assign through POST (the institution its examiners, HR or the sector unit supervisors); the rules are
    those of the session's page."""

    model = Assignment
    serializer_class = AssignmentSerializer
    ordering = ["pk"]
    filterset_fields = ["session", "duty", "active"]
    http_method_names = ["get", "post", "head", "options"]

    def perform_create_values(self, data):
        from . import assignments

        if self.actor.role in ("hr", "sector"):
            return assignments.assign_supervisor(actor=self.actor, session=data["session"], person=data["person"],
                                                 duty=data["duty"], acting_for=data.get("acting_for"))  # fmt: skip
        return assignments.assign_examiner(actor=self.actor, session=data["session"], person=data["person"],
                                           duty=data["duty"])  # fmt: skip
