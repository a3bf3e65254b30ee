"""The navigation: each app registers its menu entries and home-page cards with the roles that see them,
so a role is shown only its own work and core knows no app."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from .actor import Actor


@dataclass(frozen=True)
class MenuEntry:
    section: str
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100
    icon: str = "circle"
    description: str = ""
    # Optional count for the home card, computed for the actor (must be cheap: an indexed count).
    count: Callable[[Actor], int] | None = None
    # Entries with the same group fold into one dropdown of the menu bar.
    group: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_entries: list[MenuEntry] = []


def register_menu(
    *,
    section: str,
    label: str,
    url_name: str,
    roles: Collection[str],
    order: int = 100,
    icon: str = "circle",
    description: str = "",
    count: Callable[[Actor], int] | None = None,
    group: str = "",
) -> None:
    if any(entry.url_name == url_name for entry in _entries):
        return  # ready() may run twice in tests
    _menu_items.cache_clear()
    _entries.append(
        MenuEntry(
            section, label, url_name, frozenset(str(r) for r in roles), order, icon, description, count, group
        )
    )


def menu_for(actor: Actor) -> list[MenuEntry]:
    return _entries_for_role(actor.role)


def _entries_for_role(role: str) -> list[MenuEntry]:
    return sorted((e for e in _entries if role in e.roles), key=lambda e: (e.order, str(e.label)))


def menu_bar(entries: list[MenuEntry]) -> list[tuple[str, list[MenuEntry]]]:
    """The menu bar: single entries as ("", [entry]), grouped ones as (group label, [entries])."""
    bar: list[tuple[str, list[MenuEntry]]] = []
    for entry in entries:
        if entry.group and bar and bar[-1][0] == entry.group:
            bar[-1][1].append(entry)
        else:
            bar.append((entry.group, [entry]))
    return bar


def all_entries() -> list[MenuEntry]:
    return list(_entries)


@functools.lru_cache(maxsize=512)
def _menu_items(role: str, language: str, prefix: str) -> tuple:
    """A role's menu bar as (group label, ((url, icon, label), …)), escaped: the same for every page the role
    opens in a language, so it is built once per process, not reversed and rendered on every request."""
    return tuple(
        (html.escape(str(group)), tuple((html.escape(e.url), html.escape(e.icon), html.escape(str(e.label)))
                                        for e in items))
        for group, items in menu_bar(_entries_for_role(role))
    )  # fmt: skip


def menu_html(actor: Actor, path: str) -> SafeString:
    """The menu bar's items for ``actor`` as HTML, the page at ``path`` marked current."""
    parts = []
    for group, items in _menu_items(actor.role, translation.get_language() or "", get_script_prefix()):
        if group:
            links = "".join(
                f'<li><a class="dropdown-item{" active" if url == path else ""}" href="{url}">'
                f'<i class="bi bi-{icon}" aria-hidden="true"></i> {label}</a></li>'
                for url, icon, label in items
            )
            parts.append(
                '<li class="nav-item dropdown"><button class="nav-link dropdown-toggle btn btn-link" type="button"'
                f' data-bs-toggle="dropdown" aria-expanded="false">{group}</button>'
                f'<ul class="dropdown-menu">{links}</ul></li>'
            )
        else:
            url, icon, label = items[0]
            current = ' active" aria-current="page' if url == path else ""
            parts.append(
                f'<li class="nav-item"><a class="nav-link{current}" href="{url}">'
                f'<i class="bi bi-{icon}" aria-hidden="true"></i> {label}</a></li>'
            )
    return mark_safe("".join(parts))  # noqa: S308 — every label, url and icon escaped in _menu_items


@dataclass(frozen=True)
class HomePanel:
    """A panel an app adds to the home page of some roles (the city bureau's targets, say): its template
    (which reads ``panel``) and a function giving that ``panel`` for the actor."""

    key: str
    template: str
    roles: frozenset[str]
    context: Callable[[Actor], dict]
    order: int = 100


_panels: dict[str, HomePanel] = {}


def register_home_panel(*, key: str, template: str, roles: Collection[str], context: Callable[[Actor], dict],
                        order: int = 100) -> None:  # fmt: skip
    _panels[key] = HomePanel(key, template, frozenset(str(r) for r in roles), context, order)


def home_panels(actor: Actor) -> list[dict]:
    """The panels of the actor's role, in order, each with its context."""
    return [{"template": panel.template, "panel": panel.context(actor)}
            for panel in sorted(_panels.values(), key=lambda p: p.order) if actor.role in panel.roles]  # fmt: skip
