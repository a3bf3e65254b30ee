"""Signing in: password, lockout and throttle, then the TOTP second factor for back-office roles.

The session is created only after every factor has passed; until then the user waits in a short-lived
"pending" entry of an anonymous session."""

import functools
import hashlib
import math
import secrets
import time
from dataclasses import dataclass

from django.contrib.auth import login, logout
from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from talentbase.core import audit
from talentbase.core.actor import Actor
from talentbase.core.http import client_ip
from talentbase.core.roles import PUBLIC

from . import lockout
from .actors import actor_for_request
from .errors import MESSAGES, AccountError
from .middleware import LAST_SEEN_KEY, LOGIN_AT_KEY
from .models import User

PENDING_USER_KEY = "talentbase_pending_user"
PENDING_AT_KEY = "talentbase_pending_at"
PENDING_SECONDS = 300


@dataclass
class LoginOutcome:
    user: User | None = None
    error: str | None = None
    code: str | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


def _anonymous_actor(request, user=None) -> Actor:
    return Actor(role=PUBLIC, user=user, ip=client_ip(request))


def _unknown_label(username: str) -> str:
    # A mistyped username may be someone's ID number or phone: never log it in clear.
    return "unknown:" + hashlib.sha256(username.encode()).hexdigest()[:12]


def _fail(request, *, user, username, code, message, reason) -> LoginOutcome:
    ip = client_ip(request)
    lockout.count_ip_failure(ip)
    label = user.get_username() if user is not None else _unknown_label(username)
    audit.record_audit(
        actor=_anonymous_actor(request, user),
        verb=audit.LOGIN_FAILED,
        obj=user,
        reason=reason,
        actor_label=label,
    )
    if code in (AccountError.BAD_CREDENTIALS, AccountError.BAD_CODE):
        if lockout.count_failure(user, username):
            audit.record_audit(
                actor=_anonymous_actor(request, user), verb=audit.LOCKED, obj=user, reason=reason,
                actor_label=label,
            )  # fmt: skip
    return LoginOutcome(error=str(message), code=code)


def _locked_message(until) -> str:
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return _("账号因连续登录失败已锁定，请 {minutes} 分钟后再试").format(minutes=minutes)


@functools.cache
def _dummy_hash() -> str:
    # A hash of a random password by the current hasher: what a name no account has is checked against.
    return make_password(secrets.token_urlsafe(16))


def _password_matches(user: User | None, password: str) -> bool:
    """The password checked against the account's hash or, for a name no account has (or an account without
    a usable password), against a dummy hash of the same hasher: the same hashing work either way. A hash
    of an older hasher is upgraded on success (``User.check_password``)."""
    if user is None or not user.has_usable_password():
        check_password(password, _dummy_hash())
        return False
    return user.check_password(password) and user.is_active


def check_password_step(request, username: str, password: str) -> LoginOutcome:
    """The first factor, with the account lock and the per-address throttle. One path for every name: the
    password is hashed first, always, then the throttle, the lock and the password decide, and a name no
    account has is counted and locked like an account (lockout.py): neither the answers nor the work done
    tell a stranger which accounts exist (bench/login_timing.py prints both timings)."""
    username = (username or "").strip()
    user = User.objects.filter(username=username).first()
    matches = _password_matches(user, password)
    if lockout.ip_throttled(client_ip(request)):
        return _fail(
            request, user=user, username=username, code=AccountError.IP_THROTTLED,
            message=MESSAGES[AccountError.IP_THROTTLED], reason="ip_throttled",
        )  # fmt: skip
    locked_until = lockout.locked_until(user, username)
    if locked_until is not None:
        return _fail(
            request, user=user, username=username, code=AccountError.LOCKED,
            message=_locked_message(locked_until), reason="locked",
        )  # fmt: skip
    if not matches:
        return _fail(
            request, user=user, username=username, code=AccountError.BAD_CREDENTIALS,
            message=MESSAGES[AccountError.BAD_CREDENTIALS], reason="password",
        )  # fmt: skip
    if not user.active_memberships().exists():
        return _fail(
            request, user=None, username=username, code=AccountError.NO_MEMBERSHIP,
            message=MESSAGES[AccountError.NO_MEMBERSHIP], reason="no_membership",
        )  # fmt: skip
    return LoginOutcome(user=user)


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def needs_second_factor(user) -> bool:
    """Back-office roles always; anyone else who has turned TOTP on."""
    return user.is_back_office() or confirmed_totp(user) is not None


def begin_pending(request, user) -> None:
    request.session.cycle_key()
    request.session[PENDING_USER_KEY] = user.pk
    request.session[PENDING_AT_KEY] = int(time.time())


def pending_user(request) -> User | None:
    user_id = request.session.get(PENDING_USER_KEY)
    started = request.session.get(PENDING_AT_KEY, 0)
    if user_id is None or time.time() - started > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def clear_pending(request) -> None:
    request.session.pop(PENDING_USER_KEY, None)
    request.session.pop(PENDING_AT_KEY, None)


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device a back-office user is enrolling (one, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def check_code_step(request, user, device: TOTPDevice, code: str) -> LoginOutcome:
    """The second factor: a 6-digit TOTP code, ±1 step, each code used once (django-otp keeps last_t)."""
    if user.is_locked():
        return _fail(request, user=user, username=user.username, code=AccountError.LOCKED,
                     message=_locked_message(user.locked_until), reason="locked")  # fmt: skip
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if not device.verify_token(code):
        return _fail(request, user=user, username=user.username, code=AccountError.BAD_CODE,
                     message=MESSAGES[AccountError.BAD_CODE], reason="totp")  # fmt: skip
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record_audit(actor=_anonymous_actor(request, user), verb="totp_enrolled", obj=user)
    return LoginOutcome(user=user)


def finish_login(request, user, device: TOTPDevice | None = None) -> None:
    clear_pending(request)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    lockout.clear_user_failures(user)
    now = int(time.time())
    request.session[LOGIN_AT_KEY] = now
    request.session[LAST_SEEN_KEY] = now
    audit.record_audit(actor=actor_for_request(request), verb=audit.LOGIN, obj=user)


def sign_out(request) -> None:
    if request.user.is_authenticated:
        audit.record_audit(actor=actor_for_request(request), verb=audit.LOGOUT, obj=request.user)
    logout(request)
