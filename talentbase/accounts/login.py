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
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.oath import TOTP
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

audit.register_verb("totp_enrolled", gettext_lazy("绑定动态口令"))

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


def find_user(login_name: str) -> User | None:
    """The account a login name names: its username, or (a worker's) phone or ID number, found through the
    registry's keyed hashes (workers.py)."""
    from .workers import user_for_login_name

    return user_for_login_name(login_name)


def has_a_role(user: User) -> bool:
    """A staff membership, or a person in the registry: a worker's account is the person's own."""
    from .workers import person_of_account

    return user.active_memberships().exists() or person_of_account(user) is not None


def check_password_step(request, username: str, password: str) -> LoginOutcome:
    """The first factor, with the account lock and the per-address delay. One path for every name: the
    password is hashed first, always, then the delay, the lock and the password decide, and a name no
    account has is counted and locked like an account (lockout.py): neither the answers nor the work done
    tell a stranger which accounts exist (bench/login_timing.py prints both timings).

    An address that failed often waits a few seconds between tries (the delay grows with its failures, up to
    a cap); a try that comes too early is answered "wait" whatever it holds, except a correct password of an
    account with a second factor, which goes on to the code: one colleague's typos never keep the others
    of an office out. A wrong password that came too early still counts toward its account's lock."""
    username = (username or "").strip()
    user = find_user(username)
    matches = _password_matches(user, password)
    ip = client_ip(request)
    wait = lockout.ip_wait_remaining(ip)
    if wait and not (matches and not user.is_locked() and confirmed_totp(user) is not None):
        return _delayed(request, user=user, username=username, seconds=wait, count_account=not matches)
    locked_until = lockout.locked_until(user, username)
    if locked_until is not None:
        return _fail(
            request, user=user, username=username, code=AccountError.LOCKED,
            message=_locked_message(locked_until), reason="locked",
        )  # fmt: skip
    if not matches:
        return _fail(
            request, user=user, username=username, code=AccountError.BAD_CREDENTIALS,
            message=_bad_credentials_message(username), reason="password",
        )  # fmt: skip
    if not has_a_role(user):
        return _fail(
            request, user=None, username=username, code=AccountError.NO_MEMBERSHIP,
            message=MESSAGES[AccountError.NO_MEMBERSHIP], reason="no_membership",
        )  # fmt: skip
    return LoginOutcome(user=user)


def _bad_credentials_message(username: str) -> str:
    from .workers import looks_like_phone

    if looks_like_phone(username):
        # Said for every phone typed, so that it tells nobody whether this one is shared.
        return _("用户名或密码错误。同一手机号码登记在两人以上名下时不能用于登录，请改用证件号码或登录名")
    return str(MESSAGES[AccountError.BAD_CREDENTIALS])


def activate(request, login_name: str, code: str, password: str) -> LoginOutcome:
    """A worker's first sign-in (or a forgotten password): the login name and the one-time code the employer
    handed out, then a new password. Wrong codes count like wrong passwords (the account lock and the
    address delay), and a name no account has gets the same answers."""
    from .workers import activate_account, code_matches

    login_name = (login_name or "").strip()
    user = find_user(login_name)
    matches = code_matches(user, code)
    wait = lockout.ip_wait_remaining(client_ip(request))
    if wait:
        return _delayed(request, user=user, username=login_name, seconds=wait, count_account=not matches)
    locked_until = lockout.locked_until(user, login_name)
    if locked_until is not None:
        return _fail(request, user=user, username=login_name, code=AccountError.LOCKED,
                     message=_locked_message(locked_until), reason="locked")  # fmt: skip
    if not matches:
        return _fail(request, user=user, username=login_name, code=AccountError.BAD_CREDENTIALS,
                     message=MESSAGES[AccountError.BAD_ACTIVATION], reason="activation_code")  # fmt: skip
    activate_account(actor=_anonymous_actor(request, user), user=user, password=password)
    return LoginOutcome(user=user)


def _delayed(request, *, user, username, seconds, count_account) -> LoginOutcome:
    """A try that came before the address's wait was over: not a new failure of the address."""
    label = user.get_username() if user is not None else _unknown_label(username)
    audit.record_audit(actor=_anonymous_actor(request, user), verb=audit.LOGIN_FAILED, obj=user,
                       reason="ip_delayed", actor_label=label)  # fmt: skip
    if count_account and lockout.count_failure(user, username):
        audit.record_audit(actor=_anonymous_actor(request, user), verb=audit.LOCKED, obj=user,
                           reason="ip_delayed", actor_label=label)  # fmt: skip
    message = _("该网络地址近期登录失败较多，请 {seconds} 秒后再试").format(seconds=seconds)
    return LoginOutcome(error=message, code=AccountError.IP_THROTTLED)


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


def code_just_used(device: TOTPDevice, code: str) -> bool:
    """Whether the code is the device's, for a time step already used to sign in (within the ±1 window):
    the user typed a code again before the authenticator showed the next one."""
    if device.last_t < 0 or not code.isdigit():
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.verify(int(code), device.tolerance) and totp.t() <= device.last_t


def check_code_step(request, user, device: TOTPDevice, code: str) -> LoginOutcome:
    """The second factor: a 6-digit TOTP code, ±1 step, each code used once (django-otp keeps last_t). A code
    used a moment ago is refused with "wait for the next one", and counts as no failure."""
    if user.is_locked():
        return _fail(request, user=user, username=user.username, code=AccountError.LOCKED,
                     message=_locked_message(user.locked_until), reason="locked")  # fmt: skip
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if code_just_used(device, code):
        audit.record_audit(actor=_anonymous_actor(request, user), verb=audit.LOGIN_FAILED, obj=user,
                           reason="totp_reused", actor_label=user.get_username())  # fmt: skip
        return LoginOutcome(error=str(MESSAGES[AccountError.CODE_REUSED]), code=AccountError.CODE_REUSED)
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
