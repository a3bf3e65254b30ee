"""The navigation: each app registers its menu entries and home-page cards with the roles that see them,
so a role is shown only its own work and core knows no app."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.urls import reverse

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
    _entries.append(
        MenuEntry(
            section, label, url_name, frozenset(str(r) for r in roles), order, icon, description, count, group
        )
    )


def menu_for(actor: Actor) -> list[MenuEntry]:
    return sorted((e for e in _entries if actor.role in e.roles), key=lambda e: (e.order, str(e.label)))


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
