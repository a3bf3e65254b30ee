"""Personas: one demo user per role bound to a concrete organisation, and for each a same-role outsider
(another district, employer, institution), so that every test has an outsider ready.

The world is the demo world (talentbase.demo.world), built once per test database."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from talentbase.accounts.actors import actor_for_membership
from talentbase.accounts.models import User
from talentbase.core.actor import Actor
from talentbase.core.roles import Role
from talentbase.orgs.models import Organisation

ROLES = [str(role) for role in Role]


@dataclass
class Personas:
    def user(self, role: str, outsider: bool = False) -> User:
        username = f"{role}2" if outsider else str(role)
        if outsider and role in ("city", "sysadmin", "secadmin", "auditadmin"):
            username = str(role)
        return User.objects.get(username=username)

    def organisation(self, role: str, outsider: bool = False) -> Organisation:
        return self.user(role, outsider).memberships.get().organisation

    def actor(self, role: str, outsider: bool = False) -> Actor:
        return actor_for_membership(self.user(role, outsider).memberships.get())

    def client(self, role: str | None, outsider: bool = False) -> Client:
        """A test client signed in as the persona (second factor passed), or anonymous for None."""
        client = Client()
        if role is not None:
            login_client(client, self.user(role, outsider))
        return client


def login_client(client: Client, user: User) -> Client:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
