"""The API's base pieces: 401 for anonymous callers, domain errors as 400 with their code, and a
viewset that fetches through scoping like the pages do."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import actions, scoping, workflow
from .errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": str(exc.message)}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)


ACTION_FOR = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


class ScopedViewSet(viewsets.ModelViewSet):
    """Reads through ``visible_to``/``get_for``; writes through ``core.actions`` (or an app's own action
    via ``perform_*``), with the same audit and scope re-check as the pages."""

    model = None

    @property
    def actor(self):
        return self.request.actor

    def scope_action(self) -> str:
        return ACTION_FOR.get(self.action, "view")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular describing the endpoint
            return self.model._default_manager.none()  # unscoped: no rows at all
        action = self.scope_action()
        if action == "add":
            action = "view"
        return scoping.visible_to(self.actor, self.model._default_manager.all(), action)

    def get_object(self):
        action = self.scope_action()
        # unscoped: the filters apply first; get_for below then scopes the one object
        queryset = self.filter_queryset(self.model._default_manager.all())
        return scoping.get_for(self.actor, queryset, self.kwargs[self.lookup_field], action)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["actor"] = self.actor
        return context

    def split_values(self, data: dict) -> tuple[dict, dict]:
        many = {f.name for f in self.model._meta.many_to_many}
        values = {k: v for k, v in data.items() if k not in many}
        m2m = {k: v for k, v in data.items() if k in many}
        return values, m2m

    def create(self, request, *args, **kwargs):
        scoping.ensure_may(self.actor, self.model, "add")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            obj = self.perform_create_values(serializer.validated_data)
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        obj = self.get_object()
        serializer = self.get_serializer(obj, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        obj = self.perform_update_values(obj, serializer.validated_data)
        return Response(self.get_serializer(obj).data)

    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        actions.delete_object(actor=self.actor, obj=obj)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_create_values(self, data):
        values, m2m = self.split_values(data)
        return actions.create_object(actor=self.actor, model=self.model, values=values, m2m=m2m)

    def perform_update_values(self, obj, data):
        values, m2m = self.split_values(data)
        return actions.update_object(actor=self.actor, obj=obj, values=values, m2m=m2m)


class ScopedReadOnlyViewSet(ScopedViewSet):
    http_method_names = ["get", "head", "options"]


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related-object fields accept only objects the caller may see (no choosing another employer's rows)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actor = self.context.get("actor")
        if actor is None:
            return
        for field in self.fields.values():
            target = getattr(field, "child_relation", field)
            queryset = getattr(target, "queryset", None)
            if queryset is None:
                continue
            try:
                rule = scoping.rule_for(queryset.model)
            except LookupError:
                continue
            target.queryset = (
                queryset.filter(rule.q(actor, "view")) if rule.may(actor, "view") else queryset.none()
            )


class TransitionSerializer(serializers.Serializer):
    """A button pressed over the API: its name, the comment, and the fields its form asks for (listed by
    ``GET …/{id}/transitions/``), all in one object."""

    transition = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TransitionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    result_id = serializers.IntegerField(
        required=False, help_text="the new object a transition made (a reissue)"
    )


class TransitionFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    type = serializers.CharField()


class AvailableTransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    target = serializers.CharField()
    fields = TransitionFieldSerializer(many=True)


def _field_rows(form) -> list[dict]:
    return [
        {"name": name, "label": str(field.label), "required": field.required, "type": type(field).__name__}
        for name, field in form.fields.items()
    ]


class WorkflowActionsMixin:
    """``POST …/{id}/transition/`` with ``{"transition": "...", "comment": "...", …form fields}`` presses a
    button through ``workflow.perform``, the dispatcher the pages use; ``GET …/{id}/transitions/`` lists the
    buttons the caller may press now, with the fields each asks for."""

    def press(self, request, pk, name: str, data: dict):
        """Press one button; the answer is the move (or, for a viewset that says so, the result)."""
        scope_action = workflow.workflow_for(self.model).scope_action
        obj = scoping.get_for(self.actor, self.model, pk, scope_action)
        try:
            return workflow.perform(obj, name, actor=self.actor, data=data)
        except workflow.TransitionFormError as refused:
            raise exceptions.ValidationError(refused.form.errors.get_json_data()) from None

    @extend_schema(request=TransitionSerializer, responses=TransitionResultSerializer)
    @action(detail=True, methods=["post"], serializer_class=TransitionSerializer)
    def transition(self, request, pk=None):
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {key: value for key, value in request.data.items() if key != "transition"}
        outcome = self.press(request, pk, serializer.validated_data["transition"], data)
        answer = {"id": outcome.obj.pk, "from_state": outcome.from_state, "to_state": outcome.to_state}
        if isinstance(outcome.result, self.model) and outcome.result.pk != outcome.obj.pk:
            answer["result_id"] = outcome.result.pk
        return Response(answer)

    @extend_schema(responses=AvailableTransitionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def transitions(self, request, pk=None):
        obj = scoping.get_for(self.actor, self.model, pk, "view")
        return Response(
            [
                {"name": o["transition"].name, "label": str(o["transition"].label),
                 "target": o["transition"].target, "fields": _field_rows(o["form"])}
                for o in workflow.offered(obj, self.actor)
            ]
        )  # fmt: skip
