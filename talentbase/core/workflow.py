"""Workflows: a model's states, the transitions between them and who may take each.

Each app declares its tables in ``workflows.py``::

    FILING = Workflow(
        model="orgs.EvaluationFiling",
        transitions=[
            Transition("submit", source=["draft", "returned"], target="submitted", roles=[Role.EVALUATION]),
            Transition("approve", source=["submitted"], target="filed", roles=[Role.HR]),
        ],
    )

``available_transitions`` feeds the buttons on a page and ``take_transition`` enforces the same table
on the server, so what is shown and what is allowed cannot drift. Every decision is a ``Decision`` row
(who, when, from, to, comment) and an audit event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from . import audit, scoping
from .actor import Actor
from .errors import CoreError, DomainError
from .models import Decision
from .roles import SYSTEM


@dataclass(frozen=True)
class Transition:
    """One button: the states it leaves and the one it reaches, who may press it, what it asks for and which
    app action performs it.

    ``form`` is the form class of what the button asks for (a reason, a date, a new number); without one it
    asks for a comment, required when ``comment_required``. ``action`` is the dotted path of the app's action
    that performs it, called as ``action(actor=…, <object argument>=obj, **form.cleaned_data)``: the effect
    (the level history, a new record, a session ended) belongs there, never to a view. Without an action the
    transition is a plain state change (``take_transition``). ``when`` is a condition of the object beyond its
    state ("not yet confirmed"): when it is false the button is not offered and the server refuses it.
    ``guard`` checks a rule at the moment of the decision and explains a refusal ("a filing needs a level"),
    so its button stays visible. ``comment_field`` names the form field that is the decision's comment, so
    that the API's generic ``comment`` fills it."""

    name: str
    source: tuple[str, ...]
    target: str
    roles: frozenset[str]
    label: str = ""
    comment_required: bool = False
    guard: Callable[[models.Model, Actor], None] | None = None
    form: type[forms.Form] | None = None
    action: str = ""
    when: Callable[[models.Model, Actor], bool] | None = None
    comment_field: str = "comment"
    done: str = ""
    style: str = "primary"

    def __init__(self, name, *, source=(), target="", roles, label="", comment_required=False, guard=None,
                 form=None, action="", when=None, comment_field="comment", done="", style="primary"):  # fmt: skip
        values = {
            "name": name, "source": tuple(str(s) for s in source), "target": str(target),
            "roles": frozenset(str(r) for r in roles), "label": label or name, "comment_required": comment_required,
            "guard": guard, "form": form, "action": action, "when": when, "comment_field": comment_field,
            "done": done, "style": style,
        }  # fmt: skip
        for key, value in values.items():
            object.__setattr__(self, key, value)

    def form_class(self) -> type[forms.Form]:
        return self.form or (RequiredCommentForm if self.comment_required else CommentForm)

    def perform_function(self) -> Callable | None:
        return import_string(self.action) if self.action else None


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("意见"), max_length=1000, required=False)

    def __init__(self, *args, actor=None, subject=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor, self.subject = actor, subject
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class RequiredCommentForm(CommentForm):
    comment = forms.CharField(label=_("意见"), max_length=1000)


class Workflow:
    """The transition table of one model; ``field`` names its state field.

    A model without states (an account's administrative buttons) has ``field=None``: its transitions leave
    and reach no state, and ``when`` alone says when each is offered. ``object_argument`` is the keyword its
    actions take the object by (``record=``); ``scope_action`` is the scope the object must be in for any
    button to be offered ("change", or "view" where each button's role is its permission)."""

    def __init__(self, *, model: str, transitions: list[Transition], field: str | None = "state",
                 object_argument: str = "obj", scope_action: str = "change"):  # fmt: skip
        self.model = model
        self.transitions = transitions
        self.field = field
        self.object_argument = object_argument
        self.scope_action = scope_action
        self._by_name = {t.name: t for t in self.transitions}
        if len(self._by_name) != len(self.transitions):
            raise ValueError(f"{self.model}: duplicate transition names")
        _workflows[self.model.lower()] = self

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def has_states(self) -> bool:
        return self.field is not None

    def states(self) -> list[str]:
        if not self.has_states:
            return []
        return [value for value, _label in self.model_class._meta.get_field(self.field).choices]

    def transition(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise DomainError(CoreError.TRANSITION_REFUSED, _("没有这个操作")) from None

    def state_label(self, state: str) -> str:
        if not self.has_states:
            return state
        return str(dict(self.model_class._meta.get_field(self.field).flatchoices).get(state, state))

    def state_of(self, obj) -> str:
        return getattr(obj, self.field) if self.has_states else ""

    def _open(self, transition: Transition, obj) -> bool:
        return not self.has_states or self.state_of(obj) in transition.source

    def _granted(self, transition: Transition, actor: Actor) -> bool:
        return actor.role in transition.roles or actor.role == SYSTEM

    def available(self, obj, actor: Actor) -> list[Transition]:
        """The transitions this actor may take on this object now: exactly the buttons to show."""
        if not scoping.in_scope(actor, obj, self.scope_action):
            return []
        return [
            t
            for t in self.transitions
            if self._open(t, obj) and self._granted(t, actor) and (t.when is None or t.when(obj, actor))
        ]

    def ensure(self, obj, name: str, actor: Actor) -> Transition:
        """Refuse an illegal transition with a clear reason, whatever the client sent: 403 for a role that
        never takes it, a domain error for a state or condition that does not allow it now."""
        transition = self.transition(name)
        if not self._granted(transition, actor):
            raise PermissionDenied
        if not self._open(transition, obj):
            raise DomainError(
                CoreError.TRANSITION_REFUSED,
                _("当前状态“{state}”下不能执行“{action}”").format(
                    state=self.state_label(self.state_of(obj)), action=transition.label
                ),
            )
        if transition.when is not None and not transition.when(obj, actor):
            raise DomainError(
                CoreError.TRANSITION_REFUSED, _("当前不能执行“{action}”").format(action=transition.label)
            )
        return transition


_workflows: dict[str, Workflow] = {}


def workflow_for(model: type[models.Model] | str) -> Workflow:
    label = model if isinstance(model, str) else model._meta.label
    return _workflows[label.lower()]


def available_transitions(obj, actor: Actor) -> list[Transition]:
    return workflow_for(type(obj)).available(obj, actor)


def registered_workflows() -> list[Workflow]:
    return list(_workflows.values())


@transaction.atomic
def take_transition(
    obj, name: str, *, actor: Actor, comment: str = "", changes: dict | None = None
) -> Decision:
    """Move ``obj`` along its workflow: lock the row, check scope, role, state, condition and guard, save the
    new state with ``changes``, record the decision and the audit event. One transaction: all of it or none.
    Actions call it; the object passed in is updated to what was saved."""
    workflow = workflow_for(type(obj))
    if not workflow.has_states:
        raise TypeError(f"{workflow.model} has no states: its actions write and audit their own changes")
    model = type(obj)
    # Re-read under lock: two officials pressing the same button both see the old state otherwise.
    locked = scoping.get_for(actor, model._default_manager.select_for_update(), obj.pk, workflow.scope_action)
    transition = workflow.ensure(locked, name, actor)
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise DomainError(CoreError.COMMENT_REQUIRED, _("请填写意见"), field=transition.comment_field)
    if transition.guard is not None:
        transition.guard(locked, actor)
    from_state = workflow.state_of(locked)
    changes = {workflow.field: transition.target, **(changes or {})}
    before = audit.snapshot(locked)
    for key, value in changes.items():
        setattr(locked, key, value)
    locked.save()
    after = audit.snapshot(locked)
    decision = Decision.objects.create(
        object_type=model._meta.label_lower,
        object_id=str(locked.pk),
        transition=transition.name,
        from_state=from_state,
        to_state=transition.target,
        actor=actor.user,
        role=actor.role,
        organisation_id=actor.organisation_id,
        comment=comment,
    )
    changed = {
        key: [before.get(key), after.get(key)]
        for key in (model._meta.get_field(name).attname for name in changes)
        if key != workflow.field and before.get(key) != after.get(key)
    }
    audit.record_audit(
        actor=actor,
        verb=audit.TRANSITION,
        obj=locked,
        changes={workflow.field: [from_state, transition.target], "transition": transition.name, **changed},
        reason=comment,
    )
    for key, value in changes.items():
        setattr(obj, key, value)
    return decision


@dataclass
class Outcome:
    """What a pressed button did: the object, its state before and after, and what the action returned (a
    new record for a reissue, the clear text of a token shown once)."""

    obj: Any
    transition: Transition
    from_state: str
    to_state: str
    result: Any = None


class TransitionFormError(Exception):
    """The button's form was not valid: the form with its errors, to show or to answer with."""

    def __init__(self, form):
        super().__init__("invalid transition form")
        self.form = form


def transition_form(transition: Transition, obj, actor: Actor, data=None, files=None):
    """The form of a button; ``subject`` is the object, so that a choice can list only what belongs to it
    (the memberships of this user). Ids carry the transition's name: one page shows several such forms."""
    return transition.form_class()(data, files, actor=actor, subject=obj, auto_id=f"id_{transition.name}_%s")


def offered(obj, actor: Actor) -> list[dict]:
    """The buttons of an object's page, each with its (empty) form."""
    return [
        {"transition": t, "form": transition_form(t, obj, actor)}
        for t in workflow_for(type(obj)).available(obj, actor)
    ]


def perform(obj, name: str, *, actor: Actor, data=None, files=None) -> Outcome:
    """The one dispatcher of every button, for the page, its form and the API: the object (already fetched
    in the actor's scope), the transition's checks, its form, then the app action that performs it.

    Raises ``PermissionDenied`` (a role that never takes it), ``DomainError`` (not now, or the action
    refused) or ``TransitionFormError`` (the form's errors). The API's generic ``comment`` fills the transition's
    comment field when the data does not name that field."""
    workflow = workflow_for(type(obj))
    transition = workflow.ensure(obj, name, actor)
    # A page posts a QueryDict (its copy keeps multi-valued fields), the API a dict.
    data = data.copy() if data is not None else {}
    if transition.comment_field not in data and "comment" in data:
        data[transition.comment_field] = data["comment"]
    form = transition_form(transition, obj, actor, data, files)
    if not form.is_valid():
        raise TransitionFormError(form)
    from_state = workflow.state_of(obj)
    function = transition.perform_function()
    if function is None:
        take_transition(obj, transition.name, actor=actor, comment=form.cleaned_data.get("comment", ""))
        result = obj
    else:
        result = function(actor=actor, **{workflow.object_argument: obj}, **form.cleaned_data)
    if workflow.has_states:
        obj.refresh_from_db(fields=[workflow.field])
    return Outcome(obj=obj, transition=transition, from_state=from_state, to_state=workflow.state_of(obj),
                   result=result)  # fmt: skip


def form_errors_text(form) -> str:
    """A form's errors as one line for a message (the page shows it above the object)."""
    return "；".join(str(error) for errors in form.errors.values() for error in errors)


def decisions_for(obj) -> Iterable[Decision]:
    return Decision.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )


def decision_history(obj) -> list[dict]:
    """The decisions on an object with the labels people read (a renamed state keeps its old rows readable)."""
    workflow = workflow_for(type(obj))
    labels = {t.name: t.label for t in workflow.transitions}
    return [
        {
            "at": d.at,
            "action": labels.get(d.transition, d.transition),
            "from_state": workflow.state_label(d.from_state),
            "to_state": workflow.state_label(d.to_state),
            "actor": d.actor,
            "role": d.role,
            "comment": d.comment,
        }
        for d in decisions_for(obj)
    ]
