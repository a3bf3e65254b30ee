"""The registry's read paths that other apps use."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from talentbase.core.errors import DomainError

from . import protection
from .errors import RegistryError
from .identity import IdNumberError, check_id_number
from .models import Person


def person_with_id_number(id_type: str, id_number: str, *, field: str = "id_number") -> Person:
    """The registered person with this document number, found by its keyed hash (the number itself is never
    stored). This read ignores scope on purpose: who knows a document number may name its holder (an
    institution records the certificate it issued as printed), and the caller decides what naming allows;
    seeing the person afterwards is still decided by ``scoping``. Refused with a clear reason when the number
    is malformed or nobody holds it."""
    try:
        check = check_id_number(id_type, id_number)
    except IdNumberError as error:
        raise DomainError(RegistryError.INVALID_ID, error.message, field=field) from None
    key = protection.id_number_hash(id_type, check.number)
    person = Person.objects.filter(
        id_number_hash=key
    ).first()  # unscoped: matched by the keyed hash, see above
    if person is None:
        raise DomainError(
            RegistryError.UNKNOWN_ID,
            _("该证件号码尚未登记：请先登记人员，或在证书导入时选择“按表中的姓名和证件号码登记”"),
            field=field,
        )
    return person


def person_of_user(user_id: int | None) -> Person | None:
    """The person a worker's account belongs to (the account is the scope: a worker sees only this one)."""
    if user_id is None:
        return None
    return Person.objects.filter(user_id=user_id).first()  # unscoped: the actor's own record, by its account


def phone_is_shared(phone_hash: str) -> bool:
    """Whether two persons or more are registered with this phone (it then names nobody at sign-in)."""
    if not phone_hash:
        return False
    # unscoped: counted through the keyed hash, nobody shown
    return Person.objects.filter(phone_hash=phone_hash)[:2].count() > 1
