"""Workers' accounts (DESIGN.md §1): created in bulk by the employer from its current staff, activated with a
one-time code the employer hands out, a password set at first sign-in; a new code is the forgot-password
path (from the current employer, or from the city bureau for a worker with no employer).

The account belongs to the person, not to the employer: it is linked to the person's registry record and
carries the worker role by that link, so leaving a job ends nothing of it. Its username is generated (an ID
number is never a username); a worker signs in with it, with their ID number or with their phone, both found
through the registry's keyed hashes. A phone registered for two persons names nobody and is refused as a
login name."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentbase.core import audit, scoping
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.roles import Role
from talentbase.registry import protection
from talentbase.registry.identity import IdNumberError, IdType, PhoneError, check_id_number, check_phone
from talentbase.registry.models import Employment, Person
from talentbase.registry.queries import person_of_user

from .errors import AccountError
from .models import User

# Letters and digits that cannot be mistaken for one another when read aloud or copied from paper.
audit.register_verb("worker_account_create", gettext_lazy("开通从业人员账号"))
audit.register_verb("activation_code_issue", gettext_lazy("发放激活码"))
audit.register_verb("account_activated", gettext_lazy("激活账号"))

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
USERNAME_PREFIX = "w"
ISSUERS = {Role.EMPLOYER, Role.CITY}


@dataclass(frozen=True)
class IssuedCode:
    """One line of the sheet the employer hands out: shown once, in the answer to the POST."""

    person: Person
    user: User
    code: str
    expires_at: datetime.datetime
    phone_login: str  # "ok", "shared" or "none"

    @property
    def code_display(self) -> str:
        return f"{self.code[:5]}-{self.code[5:]}"


def person_of_account(user) -> Person | None:
    return person_of_user(user.pk) if user is not None and user.pk else None


def _code_hash(code: str) -> str:
    return salted_hmac("talentbase.accounts.activation", code).hexdigest()


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def _phone_holders(phone_hash: str) -> int:
    # unscoped: whether a phone names one person only; counted, nobody shown
    return Person.objects.filter(phone_hash=phone_hash).count() if phone_hash else 0


def phone_logins(persons) -> dict[int, str]:
    """``phone_login`` of many persons in one query: {person id: "ok" | "shared" | "none"}."""
    hashes = {person.phone_hash for person in persons if person.phone_hash}
    # unscoped: how many persons hold each phone; counted, nobody shown
    counts = dict(
        Person.objects.filter(phone_hash__in=hashes).values_list("phone_hash").annotate(n=Count("pk"))
    ) if hashes else {}  # fmt: skip
    return {
        person.pk: "none"
        if not person.phone_hash
        else "ok"
        if counts.get(person.phone_hash, 0) <= 1
        else "shared"
        for person in persons
    }


def phone_login(person: Person) -> str:
    """Whether the person's phone can be a login name: "ok", "shared" (two persons hold it) or "none"."""
    holders = _phone_holders(person.phone_hash)
    return "none" if holders == 0 else "ok" if holders == 1 else "shared"


def _user_of_person(person: Person | None) -> User | None:
    if person is None or person.user_id is None:
        return None
    # unscoped: the account linked to the person the login name named
    return User.objects.filter(pk=person.user_id).first()


def user_for_login_name(login_name: str) -> User | None:
    """The account a login name names: a username, else a phone held by exactly one person, else an ID number
    (of any document type it is valid for). Nothing typed is stored or compared in clear."""
    login_name = (login_name or "").strip()
    if not login_name:
        return None
    # unscoped: sign-in looks an account up by its name
    user = User.objects.filter(username=login_name).first()
    if user is not None:
        return user
    try:
        phone = check_phone(login_name)
    except PhoneError:
        phone = ""
    if phone:
        key = protection.phone_hash(phone)
        # unscoped: a phone names a person only when one person holds it
        holders = list(Person.objects.filter(phone_hash=key)[:2])
        return _user_of_person(holders[0]) if len(holders) == 1 else None
    for id_type in IdType.values:
        try:
            number = check_id_number(id_type, login_name).number
        except IdNumberError:
            continue
        key = protection.id_number_hash(id_type, number)
        # unscoped: matched by the keyed hash of the number typed
        user = _user_of_person(Person.objects.filter(id_number_hash=key).first())
        if user is not None:
            return user
    return None


def looks_like_phone(login_name: str) -> bool:
    try:
        check_phone(login_name)
    except PhoneError:
        return False
    return True


def _new_username() -> str:
    while True:
        username = USERNAME_PREFIX + "".join(
            secrets.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(9)
        )
        if not User.objects.filter(username=username).exists():  # unscoped: usernames are unique
            return username


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _issue_code(user: User) -> tuple[str, datetime.datetime]:
    code = _new_code()
    expires_at = timezone.now() + datetime.timedelta(days=settings.TALENTBASE_ACTIVATION_DAYS)
    # A new code replaces any earlier one: only the latest sheet works.
    User.objects.filter(pk=user.pk).update(
        activation_code_hash=_code_hash(code), activation_expires_at=expires_at
    )
    user.activation_code_hash, user.activation_expires_at = _code_hash(code), expires_at
    return code, expires_at


def current_staff(actor: Actor):
    """The persons employed by the actor's organisation today, with their accounts: the employer's page."""
    today = timezone.localdate()
    employed = Employment.objects.filter(employer_id=actor.organisation_id, start_date__lte=today).exclude(
        end_date__lt=today
    )  # unscoped: narrowed to the actor's own organisation, and read through the scoped persons below
    return (
        scoping.visible_to(actor, Person, "change")
        .filter(pk__in=employed.values("person_id"))
        .select_related("user")
        .order_by("full_name", "pk")
    )


def _has_current_employer(person: Person) -> bool:
    today = timezone.localdate()
    # unscoped: whether the person works anywhere today; nothing of the employment shown
    return (
        Employment.objects.filter(person=person, start_date__lte=today).exclude(end_date__lt=today).exists()
    )


def _person_for_issuer(actor: Actor, person_id: int) -> Person:
    """The person the actor may hand a code to: an employer its current staff (others are a 404), the city
    bureau a person who has no employer today (the employer hands out the codes of its staff)."""
    if actor.role not in ISSUERS:
        raise PermissionDenied
    person = scoping.get_for(actor, Person.objects.select_for_update(), person_id, "change")
    if actor.role == Role.EMPLOYER and not current_staff(actor).filter(pk=person.pk).exists():
        raise DomainError(AccountError.NOT_STAFF, _("只能为本单位在职员工开通账号"), field="persons")
    if actor.role == Role.CITY and _has_current_employer(person):
        raise DomainError(
            AccountError.HAS_EMPLOYER, _("该人员有在职单位，请由所在单位生成激活码"), field="person"
        )
    return person


@transaction.atomic
def create_worker_accounts(*, actor: Actor, persons) -> list[IssuedCode]:
    """Open an account for each person chosen (the employer's current staff without one), each with a
    one-time activation code; all or nothing. Audited per account, without the code."""
    if actor.role != Role.EMPLOYER:
        raise PermissionDenied
    persons = list(persons)
    if not persons:
        raise DomainError(AccountError.NOTHING_CHOSEN, _("请选择要开通账号的员工"), field="persons")
    issued = []
    for chosen in persons:
        person = _person_for_issuer(actor, chosen.pk)
        if person.user_id is not None:
            raise DomainError(
                AccountError.HAS_ACCOUNT,
                _("{name} 已有账号：忘记密码时请生成新的激活码").format(name=person.full_name),
                field="persons",
            )
        user = User(username=_new_username(), full_name=person.full_name)
        user.set_unusable_password()
        user.save()
        Person.objects.filter(pk=person.pk).update(user=user)
        code, expires_at = _issue_code(user)
        audit.audit_change(actor=actor, obj=user, before=None, verb=audit.CREATE)
        audit.record_audit(actor=actor, verb="worker_account_create", obj=person)
        issued.append(IssuedCode(person, user, code, expires_at, phone_login(person)))
    return issued


@transaction.atomic
def issue_activation_code(*, actor: Actor, person: Person) -> IssuedCode:
    """A new one-time code for a worker's account (the forgot-password path): the current employer, or the
    city bureau for a worker with no employer. The old password keeps working until the code is used."""
    person = _person_for_issuer(actor, person.pk)
    user = _user_of_person(person)
    if user is None:
        raise DomainError(AccountError.NO_ACCOUNT, _("该人员还没有账号，请先开通账号"), field="person")
    code, expires_at = _issue_code(user)
    audit.record_audit(actor=actor, verb="activation_code_issue", obj=user)
    return IssuedCode(person, user, code, expires_at, phone_login(person))


def code_matches(user: User | None, code: str) -> bool:
    """Whether the code is the account's current, unexpired one (a keyed hash compared in constant time)."""
    expected = _code_hash(normalise_code(code))
    if user is None or not user.activation_code_hash:
        constant_time_compare(expected, _code_hash(""))  # the same work for a name no account has
        return False
    if user.activation_expires_at is None or user.activation_expires_at <= timezone.now():
        return False
    return constant_time_compare(expected, user.activation_code_hash) and user.is_active


@transaction.atomic
def activate_account(*, actor: Actor, user: User, password: str) -> User:
    """The worker sets their password with a valid code (checked by the caller, login.activate): the code is
    spent, every other session ends, the lock is cleared."""
    from .actions import _validate_password, end_sessions

    user = User.objects.select_for_update().get(pk=user.pk)  # unscoped: the account the code proved
    _validate_password(password, user)
    user.set_password(password)
    user.activation_code_hash, user.activation_expires_at = "", None
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["password", "password_changed_at", "activation_code_hash", "activation_expires_at",
                             "failed_logins", "locked_until"])  # fmt: skip
    end_sessions(user)
    audit.record_audit(actor=actor, verb="account_activated", obj=user, actor_label=user.get_username())
    return user
