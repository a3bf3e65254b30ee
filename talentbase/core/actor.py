"""Who is acting: the user, the role and organisation they act for, and from where.

Every action takes an ``actor`` first, never ``None``: pages and the API build it from the request,
jobs and imports use :func:`system_actor`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .roles import ADMIN_ROLES, BACK_OFFICE_ROLES, PUBLIC, SYSTEM


@dataclass(frozen=True)
class Actor:
    role: str
    user: Any = None
    organisation_id: int | None = None
    district_id: int | None = None
    sector_ids: frozenset[int] = field(default_factory=frozenset)
    ip: str | None = None

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def is_public(self) -> bool:
        return self.role == PUBLIC

    @property
    def is_system(self) -> bool:
        return self.role == SYSTEM

    @property
    def is_back_office(self) -> bool:
        return self.role in BACK_OFFICE_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    def __str__(self) -> str:
        if self.user is None:
            return self.role
        return f"{self.user.get_username()} ({self.role})"


def system_actor() -> Actor:
    """The platform itself, for jobs, migrations and commands that no person starts."""
    return Actor(role=SYSTEM)


def public_actor(ip: str | None = None) -> Actor:
    return Actor(role=PUBLIC, ip=ip)
