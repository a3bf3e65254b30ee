"""Personal fields in, protected fields out: the one place a person's ID number and phone are encrypted,
hashed and masked."""

from talentbase.core import crypto

from .identity import mask_id_number, mask_phone
from .models import ID_NUMBER_CONTEXT, PHONE_CONTEXT


def id_number_hash(id_type: str, number: str) -> str:
    """The lookup key of a normalised number; the type is part of it, so one number is one person."""
    return crypto.lookup_hash(f"{id_type}:{number}", context=ID_NUMBER_CONTEXT)


def phone_hash(phone: str) -> str:
    return crypto.lookup_hash(phone, context=PHONE_CONTEXT)


def protected_id_fields(id_type: str, number: str) -> dict:
    return {
        "id_number_encrypted": crypto.encrypt(number, context=ID_NUMBER_CONTEXT),
        "id_number_hash": id_number_hash(id_type, number),
        "id_number_masked": mask_id_number(number),
    }


def protected_phone_fields(phone: str) -> dict:
    if not phone:
        return {"phone_encrypted": "", "phone_hash": "", "phone_masked": ""}
    return {
        "phone_encrypted": crypto.encrypt(phone, context=PHONE_CONTEXT),
        "phone_hash": phone_hash(phone),
        "phone_masked": mask_phone(phone),
    }


def reveal_id_number(person) -> str:
    return crypto.decrypt(person.id_number_encrypted, context=ID_NUMBER_CONTEXT)


def reveal_phone(person) -> str:
    return crypto.decrypt(person.phone_encrypted, context=PHONE_CONTEXT) if person.phone_encrypted else ""
