"""Shared builders for the credentials tests: numbers that satisfy the formats, and records made through
the actions as the personas would make them."""

from __future__ import annotations

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from talentbase.catalog.models import Level, Occupation
from talentbase.legacy_certificates import actions
from talentbase.orgs.models import Organisation
from talentbase.registry import protection
from talentbase.registry.models import Person

# Far above the serials tests write by hand (000001…000999), so that a generated number never collides with one.
_serials = itertools.count(50_000)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def skill_number(*, year: int, level_number: int, province: str = "31", kind_letter: str = "S", site: str = "000123",
                 serial: int | None = None) -> str:  # fmt: skip
    return f"{kind_letter}0000{province}{site}{year % 100:02d}{level_number}{serial or next(_serials):06d}"


def qualification_number(
    *, year: int, level_number: int, province: str = "31", serial: int | None = None
) -> str:
    return f"{year % 100:02d}{province}0010 04{level_number}{serial or next(_serials):05d}".replace(" ", "")


def level(code: str) -> Level:
    return Level.objects.get(code=code)


def occupation(code: str = "4-09-10-01") -> Occupation:
    return Occupation.objects.get(code=code)


def worker_person(personas, outsider: bool = False) -> Person:
    return Person.objects.get(user=personas.user("worker", outsider))


def photo(name: str = "cert.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def record(personas, *, role: str = "hr", person=None, level_code: str = "level4", issued_on=datetime.date(2019, 6, 30),
           occupation_code: str = "4-09-10-01", issuer: Organisation | None = None, outsider: bool = False, **extra):  # fmt: skip
    lv = level(level_code)
    values = {
        "kind": "skill_level",
        "number": skill_number(year=issued_on.year, level_number=lv.national_number),
        "occupation": occupation(occupation_code),
        "level": lv,
        "issued_on": issued_on,
        "issuer": issuer if issuer is not None else personas.organisation("evaluation", outsider),
    }
    values.update(extra)
    holder = person or worker_person(personas, outsider)
    return actions.record_certificate(
        actor=personas.actor(role, outsider),
        id_type=holder.id_type,
        id_number=protection.reveal_id_number(holder),
        **values,
    )
