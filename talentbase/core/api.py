"""The API's base pieces: 401 for anonymous callers, domain errors as 400 with their code, and a
viewset that fetches through scoping like the pages do."""

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.relations import MANY_RELATION_KWARGS
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


class ScopedReadViewSet(viewsets.ReadOnlyModelViewSet):
    """Reads through ``visible_to``/``get_for``: a list and one object, nothing else routed (a viewset whose
    writes are buttons adds them with ``WorkflowActionsMixin``)."""

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


class ScopedViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ScopedReadViewSet
):
    """Reads through ``visible_to``/``get_for``; writes through ``core.actions`` (or an app's own action
    via ``perform_*``), with the same audit and scope re-check as the pages."""

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


class StrictText:
    """Text is a JSON string: a number or a yes/no sent for a name is refused, not turned into "0"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictYesNo:
    """Yes/no is JSON ``true`` or ``false``: not "yes", 1 or "on" (DRF's form-friendly spellings)."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictWholeNumber:
    """A whole number is a JSON number: not a string of digits, not true/false, not 2.5."""

    def to_internal_value(self, data):
        integral = isinstance(data, int) or (isinstance(data, float) and data.is_integer())
        if isinstance(data, bool) or not integral:
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDate:
    """A date is a JSON string (``2024-01-31``)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(data)


class StrictCharField(StrictText, serializers.CharField):
    pass


class StrictBooleanField(StrictYesNo, serializers.BooleanField):
    pass


class StrictIntegerField(StrictWholeNumber, serializers.IntegerField):
    pass


class StrictDateField(StrictDate, serializers.DateField):
    pass


class StrictManyRelatedField(serializers.ManyRelatedField):
    """A list of ids is a JSON array (an object's keys are not a list)."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record named by its id, a JSON whole number (``true`` is not record 1)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return StrictManyRelatedField(**list_kwargs)


_strict_classes: dict[type, type] = {}


def strict_field_class(field_class: type) -> type:
    """The strict form of a model field's serializer field: text must be a string (a slug, an e-mail...),
    yes/no a boolean, a whole number a number, a date a string."""
    for loose, strict in ((serializers.CharField, StrictText), (serializers.BooleanField, StrictYesNo),
                          (serializers.IntegerField, StrictWholeNumber), (serializers.DateField, StrictDate)):  # fmt: skip
        if issubclass(field_class, loose) and not issubclass(field_class, strict):
            if field_class not in _strict_classes:
                _strict_classes[field_class] = type(
                    f"Strict{field_class.__name__}", (strict, field_class), {}
                )
            return _strict_classes[field_class]
    return field_class


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related-object fields accept only objects the caller may see (no choosing another employer's rows).
    Values are JSON of the type the schema gives (the API parses JSON only): no coercion from strings."""

    serializer_related_field = StrictPrimaryKeyRelatedField

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        return strict_field_class(field_class), field_kwargs

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
    ``GET …/{id}/transitions/``), all in one object. The schema describes each button's own form
    (``transition_request_serializer``)."""

    transition = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TransitionNameField(serializers.ChoiceField):
    """The name of a button in its body, described by a pattern of its own (core/schema.py): one shared
    enum component per name would collide."""


def form_field_to_serializer_field(field: forms.Field) -> serializers.Field:
    """The serializer field that describes a form field in the schema and checks the type of its JSON value
    (the form then validates the value itself, as on the page)."""
    common = {"required": field.required, "help_text": str(field.help_text or field.label or "") or None}
    if isinstance(field, forms.BooleanField):
        return StrictBooleanField(**{**common, "required": False})
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=StrictIntegerField(), **common)
    if isinstance(field, forms.ModelChoiceField):
        return StrictIntegerField(**common, allow_null=not field.required)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(choices=list(field.choices), **common, allow_blank=not field.required)
    if isinstance(field, forms.DateField):
        return StrictDateField(**common, allow_null=not field.required)
    if isinstance(field, forms.IntegerField):
        return StrictIntegerField(**common, min_value=field.min_value, max_value=field.max_value)
    lengths = {
        "max_length": getattr(field, "max_length", None),
        "min_length": getattr(field, "min_length", None),
    }
    return StrictCharField(**common, allow_blank=not field.required, **lengths)


_transition_serializers: dict[tuple[str, str, bool], type[serializers.Serializer]] = {}


def transition_request_serializer(model, name: str, *, named: bool = True) -> type[serializers.Serializer]:
    """The body of one button: its form's fields, as the schema's request; with ``named=False`` (the
    generic ``…/transition/``) the ``transition`` field too, set to the button's name."""
    key = (model._meta.label_lower, name, named)
    if key not in _transition_serializers:
        transition = workflow.workflow_for(model).transition(name)
        fields = {
            field_name: form_field_to_serializer_field(field)
            for field_name, field in transition.form_class().base_fields.items()
        }
        if not named:
            fields = {"transition": TransitionNameField(choices=[name]), **fields}
        title = "".join(part.capitalize() for part in name.split("-"))
        class_name = f"{model.__name__}{title}{'' if named else 'Transition'}Serializer"
        doc = f"{transition.label}: the form of the {name!r} button (a generic ``comment`` fills "
        doc += f"``{transition.comment_field}`` when that is not given)."
        _transition_serializers[key] = type(class_name, (serializers.Serializer,), {**fields, "__doc__": doc})
    return _transition_serializers[key]


def transitions_request_schema(model):
    """The generic ``…/transition/`` body: one of the buttons' forms, told apart by ``transition``."""
    from drf_spectacular.utils import PolymorphicProxySerializer

    transitions = workflow.workflow_for(model).transitions
    return PolymorphicProxySerializer(
        component_name=f"{model.__name__}Transition",
        serializers={t.name: transition_request_serializer(model, t.name, named=False) for t in transitions},
        resource_type_field_name="transition",
    )


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
        # The body as the schema describes it (JSON types); the button's form then reads it as the page does.
        comment_field = workflow.workflow_for(self.model).transition(name).comment_field
        if isinstance(data, dict) and comment_field not in data and "comment" in data:
            data = {**data, comment_field: data["comment"]}
        transition_request_serializer(self.model, name)(data=data).is_valid(raise_exception=True)
        try:
            return workflow.perform(obj, name, actor=self.actor, data=data)
        except workflow.TransitionFormError as refused:
            raise exceptions.ValidationError(refused.form.errors.get_json_data()) from None

    # The request body is each button's form (core/api_schema.py describes it from the workflow).
    @extend_schema(responses=TransitionResultSerializer)
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

    @extend_schema(responses=AvailableTransitionSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request, pk=None):
        obj = scoping.get_for(self.actor, self.model, pk, "view")
        return Response(
            [
                {"name": o["transition"].name, "label": str(o["transition"].label),
                 "target": o["transition"].target, "fields": _field_rows(o["form"])}
                for o in workflow.offered(obj, self.actor)
            ]
        )  # fmt: skip
