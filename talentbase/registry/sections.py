"""The person page is a timeline of sections: employment and titles here; training, evaluations,
certificates, levels, competitions, honours and subsidies from the apps that own them.

The registry imports none of those apps: each registers its section (in its AppConfig.ready) with a
function that returns the rows the actor may see for that person."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from talentbase.core.actor import Actor


@dataclass(frozen=True)
class PersonSection:
    key: str
    title: str
    template: str
    order: int
    rows: Callable[[Actor, object], Iterable]
    # Extra context for the section's template (forms, permissions), for the actor and the person.
    context: Callable[[Actor, object], dict] | None = None


_sections: dict[str, PersonSection] = {}


def register_section(*, key, title, template, order, rows, context=None) -> None:
    _sections[key] = PersonSection(key, title, template, order, rows, context)


def sections_for(actor: Actor, person) -> list[dict]:
    """The sections the actor may read, in order. A section whose records the actor's role may never see
    (``scoping`` answers 403) is left out: a person seen through a later app's scope contribution (an
    institution's certificate holder) shows only what that role reads, not a forbidden page."""
    shown = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        try:
            shown_context = {"section": section, "rows": list(section.rows(actor, person))}
            if section.context is not None:
                shown_context.update(section.context(actor, person))
        except PermissionDenied:
            continue
        shown.append(shown_context)
    return shown
