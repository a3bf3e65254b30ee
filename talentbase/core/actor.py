"""Who is acting: the user, the role and organisation they act for, and from where.

Every action takes an ``actor`` first, never ``None``: pages and the API build it from the request,
jobs and imports use :func:`system_actor`. A background job runs as the user who started it: its record
keeps :func:`actor_snapshot` (role, organisation, district, sectors) and the job acts through
:func:`actor_from_snapshot`, so it sees exactly what its owner saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import CoreError, DomainError
from .roles import ADMIN_ROLES, BACK_OFFICE_ROLES, PUBLIC, SYSTEM


@dataclass(frozen=True)
class Actor:
    role: str
    user: Any = None
    organisation_id: int | None = None
    district_id: int | None = None
    sector_ids: frozenset[int] = field(default_factory=frozenset)
    ip: str | None = None
    # Signed in with the second factor (TOTP) in this session: issuing and signing certificates ask for it.
    second_factor: bool = False

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


class InactiveOwnerError(DomainError):
    """The user a job acts for was deactivated after starting it: the job does not run."""


def actor_snapshot(actor: Actor) -> dict:
    """The actor as JSON, kept on a job's record: the job later acts with this scope."""
    return {
        "role": actor.role,
        "user_id": actor.user_id,
        "organisation_id": actor.organisation_id,
        "district_id": actor.district_id,
        "sector_ids": sorted(actor.sector_ids),
        "ip": actor.ip,
        "second_factor": actor.second_factor,
    }


def actor_from_snapshot(snapshot: dict) -> Actor:
    """The actor a job runs as, from its snapshot; refused when the user is no longer active."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext_lazy as _

    user = get_user_model().objects.filter(pk=snapshot.get("user_id"), is_active=True).first()
    if user is None:
        raise InactiveOwnerError(CoreError.OWNER_INACTIVE, _("提交任务的账号已停用，任务未执行"))
    return Actor(
        role=snapshot["role"],
        user=user,
        organisation_id=snapshot.get("organisation_id"),
        district_id=snapshot.get("district_id"),
        sector_ids=frozenset(snapshot.get("sector_ids") or ()),
        ip=snapshot.get("ip"),
        second_factor=bool(snapshot.get("second_factor")),
    )
