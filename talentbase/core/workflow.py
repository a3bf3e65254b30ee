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

from django.apps import apps
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from . import audit, scoping
from .actor import Actor
from .errors import CoreError, DomainError
from .models import Decision
from .roles import SYSTEM


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple[str, ...]
    target: str
    roles: frozenset[str]
    label: str = ""
    comment_required: bool = False
    # An extra rule that must hold (e.g. "a filing needs at least one occupation"); it raises DomainError.
    guard: Callable[[models.Model, Actor], None] | None = None

    def __init__(self, name, *, source, target, roles, label="", comment_required=False, guard=None):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "source", tuple(str(s) for s in source))
        object.__setattr__(self, "target", str(target))
        object.__setattr__(self, "roles", frozenset(str(r) for r in roles))
        object.__setattr__(self, "label", label or name)
        object.__setattr__(self, "comment_required", comment_required)
        object.__setattr__(self, "guard", guard)


class Workflow:
    """The transition table of one model; ``field`` names its state field."""

    def __init__(self, *, model: str, transitions: list[Transition], field: str = "state"):
        self.model = model
        self.transitions = transitions
        self.field = field
        self._by_name = {t.name: t for t in self.transitions}
        if len(self._by_name) != len(self.transitions):
            raise ValueError(f"{self.model}: duplicate transition names")
        _workflows[self.model.lower()] = self

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def states(self) -> list[str]:
        return [value for value, _label in self.model_class._meta.get_field(self.field).choices]

    def transition(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise DomainError(CoreError.TRANSITION_REFUSED, _("没有这个操作")) from None

    def state_label(self, state: str) -> str:
        return str(dict(self.model_class._meta.get_field(self.field).flatchoices).get(state, state))

    def state_of(self, obj) -> str:
        return getattr(obj, self.field)

    def available(self, obj, actor: Actor) -> list[Transition]:
        """The transitions this actor may take on this object now (the buttons to show)."""
        if not scoping.in_scope(actor, obj, "change"):
            return []
        state = self.state_of(obj)
        return [
            t
            for t in self.transitions
            if state in t.source and (actor.role in t.roles or actor.role == SYSTEM)
        ]

    def ensure(self, obj, name: str, actor: Actor) -> Transition:
        """Refuse an illegal transition with a clear reason, whatever the client sent."""
        transition = self.transition(name)
        if actor.role not in transition.roles and actor.role != SYSTEM:
            raise DomainError(CoreError.TRANSITION_ROLE, _("您的角色不能执行此操作"))
        state = self.state_of(obj)
        if state not in transition.source:
            raise DomainError(
                CoreError.TRANSITION_REFUSED,
                _("当前状态“{state}”下不能执行“{action}”").format(
                    state=self.state_label(state), action=transition.label
                ),
            )
        return transition


_workflows: dict[str, Workflow] = {}


def workflow_for(model: type[models.Model] | str) -> Workflow:
    label = model if isinstance(model, str) else model._meta.label
    return _workflows[label.lower()]


def registered_workflows() -> list[Workflow]:
    return list(_workflows.values())


def available_transitions(obj, actor: Actor) -> list[Transition]:
    return workflow_for(type(obj)).available(obj, actor)


@transaction.atomic
def take_transition(
    obj, name: str, *, actor: Actor, comment: str = "", changes: dict | None = None
) -> Decision:
    """Move ``obj`` along its workflow: lock the row, check scope, role, state and guard, save the new
    state, record the decision and the audit event. One transaction: all of it or none."""
    workflow = workflow_for(type(obj))
    model = type(obj)
    # Re-read under lock: two officials pressing the same button both see the old state otherwise.
    locked = scoping.get_for(actor, model._default_manager.select_for_update(), obj.pk, "change")
    transition = workflow.ensure(locked, name, actor)
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise DomainError(CoreError.COMMENT_REQUIRED, _("请填写意见"), field="comment")
    if transition.guard is not None:
        transition.guard(locked, actor)
    from_state = workflow.state_of(locked)
    setattr(locked, workflow.field, transition.target)
    for key, value in (changes or {}).items():
        setattr(locked, key, value)
    locked.save()
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
    audit.record_audit(
        actor=actor,
        verb=audit.TRANSITION,
        obj=locked,
        changes={workflow.field: [from_state, transition.target], "transition": transition.name},
        reason=comment,
    )
    setattr(obj, workflow.field, transition.target)
    return decision


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
