"""Every write to accounts: one verb per function, the acting user first, audited inside the transaction."""

from django.contrib.auth import password_validation, update_session_auth_hash
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from talentbase.core import audit, scoping
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.roles import ADMIN_ROLES, Role

from .errors import MESSAGES, AccountError
from .models import ROLE_ORGANISATION_KINDS, Membership, User

audit.register_verb("totp_reset", gettext_lazy("重置动态口令"))
audit.register_verb("password_change", gettext_lazy("修改密码"))
audit.register_verb("password_reset", gettext_lazy("重置密码"))


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise DomainError(AccountError.PASSWORD_POLICY, " ".join(error.messages), field="password") from None


def ensure_role_fits_organisation(role: str, organisation) -> None:
    allowed = ROLE_ORGANISATION_KINDS.get(role, set())
    if not (organisation.kind_codes() & allowed):
        raise DomainError(
            AccountError.ROLE_KIND,
            _("“{organisation}”的单位类型不能设置“{role}”角色").format(
                organisation=organisation, role=Role(role).label
            ),
            field="role",
        )


def _ensure_admin_separation(user: User, role: str) -> None:
    if (
        role in ADMIN_ROLES
        and user.pk
        and user.memberships.filter(role__in=ADMIN_ROLES).exclude(role=role).exists()
    ):
        raise DomainError(
            AccountError.ADMIN_SEPARATION, MESSAGES[AccountError.ADMIN_SEPARATION], field="role"
        )


@transaction.atomic
def create_user(
    *, actor: Actor, username: str, full_name: str, email: str, organisation, role: str, password: str
) -> User:
    """Create a staff account with its membership. The password policy knows the role (12 characters for
    back-office roles)."""
    scoping.ensure_may(actor, User, "add")
    organisation = scoping.get_for(actor, type(organisation), organisation.pk, "view")
    ensure_role_fits_organisation(role, organisation)
    if User.objects.filter(username=username).exists():  # unscoped: a username is unique across accounts
        raise DomainError(AccountError.USERNAME_TAKEN, _("用户名已被使用"), field="username")
    user = User(username=username, full_name=full_name, email=email)
    user.pending_roles = {role}
    _validate_password(password, user)
    user.set_password(password)
    user.save()
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    audit.audit_change(actor=actor, obj=user, before=None, verb=audit.CREATE)
    audit.audit_change(actor=actor, obj=membership, before=None, verb=audit.CREATE)
    scoping.ensure_in_scope(actor, user, "change")
    return user


@transaction.atomic
def update_user(*, actor: Actor, user: User, full_name: str, email: str) -> User:
    user = scoping.get_for(actor, User.objects.select_for_update(), user.pk, "change")
    before = audit.snapshot(user)
    user.full_name, user.email = full_name, email
    user.save(update_fields=["full_name", "email"])
    audit.audit_change(actor=actor, obj=user, before=before)
    return user


def end_sessions(user: User) -> int:
    """End every session of a user (database sessions; cache sessions end through the auth hash)."""
    ended = 0
    # unscoped: the sessions table holds no scope; each session is matched to this user below
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def set_user_active(*, actor: Actor, user: User, active: bool, reason: str = "") -> User:
    """Disable or enable an account; disabling ends all its sessions at once."""
    user = scoping.get_for(actor, User.objects.select_for_update(), user.pk, "change")
    if user.pk == actor.user_id:
        raise DomainError(AccountError.SELF_ACTION, MESSAGES[AccountError.SELF_ACTION])
    before = audit.snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        end_sessions(user)
    audit.audit_change(actor=actor, obj=user, before=before, reason=reason)
    return user


def disable_user(*, actor: Actor, user: User, reason: str = "") -> User:
    return set_user_active(actor=actor, user=user, active=False, reason=reason)


def enable_user(*, actor: Actor, user: User) -> User:
    return set_user_active(actor=actor, user=user, active=True)


@transaction.atomic
def add_membership(*, actor: Actor, user: User, organisation, role: str) -> Membership:
    scoping.ensure_may(actor, Membership, "add")
    user = scoping.get_for(actor, User, user.pk, "change")
    organisation = scoping.get_for(actor, type(organisation), organisation.pk, "view")
    ensure_role_fits_organisation(role, organisation)
    _ensure_admin_separation(user, role)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    except IntegrityError:
        raise DomainError(AccountError.MEMBERSHIP_EXISTS, _("该用户已在此单位担任此角色"), field="role") from None
    audit.audit_change(actor=actor, obj=membership, before=None, verb=audit.CREATE)
    return membership


@transaction.atomic
def end_membership(*, actor: Actor, membership: Membership) -> Membership:
    membership = scoping.get_for(actor, Membership.objects.select_for_update(), membership.pk, "change")
    before = audit.snapshot(membership)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit.audit_change(actor=actor, obj=membership, before=before)
    return membership


def end_user_membership(*, actor: Actor, user: User, membership: Membership) -> Membership:
    """End one of this user's memberships (the button on the user's page names the user and the membership)."""
    if membership.user_id != user.pk:
        raise DomainError(AccountError.NOT_OWN, _("任职记录不属于该用户"), field="membership")
    return end_membership(actor=actor, membership=membership)


@transaction.atomic
def unlock_user(*, actor: Actor, user: User) -> User:
    """A security administrator lifts a lockout before it expires (the role is the permission: the
    scoping rule's "change" belongs to the system administrator)."""
    if actor.role != Role.SECURITY_ADMIN:
        raise PermissionDenied
    user = scoping.get_for(actor, User.objects.select_for_update(), user.pk, "view")
    before = audit.snapshot(user)
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["failed_logins", "locked_until"])
    audit.audit_change(actor=actor, obj=user, before=before, reason="unlock")
    return user


@transaction.atomic
def reset_second_factor(*, actor: Actor, user: User, reason: str) -> int:
    """A security administrator removes a user's TOTP devices (a lost phone); the user enrols again at
    the next sign-in, and their sessions end."""
    if actor.role != Role.SECURITY_ADMIN:
        raise PermissionDenied
    user = scoping.get_for(actor, User, user.pk, "view")
    if user.pk == actor.user_id:
        raise DomainError(AccountError.SELF_ACTION, MESSAGES[AccountError.SELF_ACTION])
    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    end_sessions(user)
    audit.record_audit(actor=actor, verb="totp_reset", obj=user, reason=reason)
    return removed


@transaction.atomic
def change_password(*, actor: Actor, request, old_password: str, new_password: str) -> None:
    """The user changes their own password; every other session of theirs ends."""
    user = User.objects.select_for_update().get(pk=actor.user_id)  # unscoped: the actor's own account
    if not user.check_password(old_password):
        raise DomainError(AccountError.BAD_CREDENTIALS, _("原密码不正确"), field="old_password")
    if old_password == new_password:
        raise DomainError(AccountError.PASSWORD_POLICY, _("新密码不能与原密码相同"), field="new_password")
    _validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password", "password_changed_at"])
    end_sessions(user)
    update_session_auth_hash(request, user)
    audit.record_audit(actor=actor, verb="password_change", obj=user)


@transaction.atomic
def set_password_by_admin(*, actor: Actor, user: User, new_password: str) -> None:
    user = scoping.get_for(actor, User.objects.select_for_update(), user.pk, "change")
    _validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password", "password_changed_at"])
    end_sessions(user)
    audit.record_audit(actor=actor, verb="password_reset", obj=user)
