"""API tokens for system integrations: ``tb_<prefix>_<secret>``, found by prefix, checked by hash."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talentbase.core import audit, scoping
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError

from .errors import AccountError
from .models import ApiToken, User

TOKEN_PREFIX = "tb_"  # noqa: S105 — the visible marker of our tokens, not a secret


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_token(*, actor: Actor, user: User, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
    """Issue a token for an integration account; the returned text is shown once and never stored."""
    scoping.ensure_may(actor, ApiToken, "add")
    user = scoping.get_for(actor, User, user.pk, "change")
    prefix = secrets.token_hex(5)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip() or "api", prefix=prefix, secret_hash=_hash(secret),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )  # fmt: skip
    audit.audit_change(actor=actor, obj=token, before=None, verb=audit.CREATE)
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


@transaction.atomic
def revoke_token(*, actor: Actor, token: ApiToken) -> ApiToken:
    token = scoping.get_for(actor, ApiToken.objects.select_for_update(), token.pk, "change")
    before = audit.snapshot(token)
    token.is_active = False
    token.save(update_fields=["is_active"])
    audit.audit_change(actor=actor, obj=token, before=before, reason="revoke")
    return token


def revoke_user_token(*, actor: Actor, user: User, token: ApiToken) -> ApiToken:
    """Revoke one of this user's tokens (the button on the user's page names both)."""
    if token.user_id != user.pk:
        raise DomainError(AccountError.NOT_OWN, _("令牌不属于该用户"), field="token")
    return revoke_token(actor=actor, token=token)


def user_for_token(text: str) -> tuple[User, ApiToken] | None:
    """The active user and token for a presented token, or None."""
    if not text.startswith(TOKEN_PREFIX):
        return None
    prefix, _sep, secret = text[len(TOKEN_PREFIX) :].partition("_")
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(secret)):
        return None
    if not token.is_usable() or not token.user.is_active:
        return None
    now = timezone.now()
    # Written at most once a minute: a busy integration must not write a row per request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token
