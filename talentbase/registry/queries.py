"""The registry's read paths that other apps use."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talentbase.catalog.models import english_is_active, localised_name
from talentbase.core import scoping
from talentbase.core.errors import DomainError

from . import protection
from .errors import RegistryError
from .identity import IdNumberError, check_id_number
from .levels import covering
from .models import Employment, LevelEntry, Person


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


def annotate_list_facts(actor, persons: list[Person], *, today=None) -> list[Person]:
    """What the person list shows beside the record itself, for one page of persons, in two queries
    whatever the page's length: the current employment the actor sees (employer, its district, the
    occupation; the latest when there are several), whether there is one (在职, else 离职), and the
    highest confirmed level held today in any occupation.

    The employment is read through the actor's scope: an employer sees where its own staff work, never
    where a former employee works now. Set as attributes, so that list columns read them like fields."""
    today = today or timezone.localdate()
    ids = [person.pk for person in persons]
    english = english_is_active()
    # Read as tuples, not model instances: building 50 employments with their employer, district and
    # occupation cost the page more than the query (bench/http_load.py).
    current: dict[int, tuple] = {}
    sees_employments = scoping.may(actor, Employment, "view")
    if ids and sees_employments:
        employments = (
            scoping.visible_to(actor, Employment)
            .filter(person_id__in=ids, end_date__isnull=True)
            .order_by("person_id", "-start_date", "-pk")
            .values_list(
                "person_id", "employer__name", "employer__district__name", "employer__district__name_en",
                "occupation__name", "occupation__name_en",
            )
        )  # fmt: skip
        for person_id, *facts in employments:
            current.setdefault(person_id, facts)
    levels: dict[int, tuple[int, str]] = {}
    if ids:
        # unscoped: the levels of persons already in the actor's scope, which their records show too
        entries = LevelEntry.objects.filter(covering(today), person_id__in=ids, confirmed=True).values_list(
            "person_id", "rank", "level__name", "level__name_en", "occupation__name", "occupation__name_en"
        )
        for person_id, rank, level_name, level_en, occupation_name, occupation_en in entries:
            if person_id not in levels or rank > levels[person_id][0]:
                occupation = localised_name(occupation_name, occupation_en, english=english)
                level = localised_name(level_name, level_en, english=english)
                levels[person_id] = (rank, f"{occupation}, {level}" if english else f"{occupation} {level}")
    working, left = str(_("在职")), str(_("离职"))
    for person in persons:
        facts = current.get(person.pk)
        if facts is None:
            person.current_employer = person.current_district = person.current_occupation = None
        else:
            employer, district, district_en, occupation, occupation_en = facts
            person.current_employer = employer
            person.current_district = localised_name(district, district_en, english=english) if district else None
            person.current_occupation = (
                localised_name(occupation, occupation_en, english=english) if occupation else None
            )
        person.in_service = (working if facts is not None else left) if sees_employments else None
        person.highest_level = levels[person.pk][1] if person.pk in levels else None
    return persons
