"""The registry's writes of many rows at once: persons registered from an import or the demo world, their
employments, and the corrections a roster brings to persons already registered.

They are the bulk forms of ``register_person``, ``add_employment`` and ``update_person`` (registry/actions.py):
the same stored name (``identity.normalise_name``) and name keys (``search.person_name_keys``), written
without going row by row through the ORM (PERFORMANCE.md): ids handed out in one statement, then COPY on
PostgreSQL, executemany on SQLite, in one transaction (the caller's, when it holds one).

The caller validates the rows first (identity, phone, duplicates, as the import machinery does on plain
tuples) and encrypts what must be encrypted. No audit row per person: an import records one event for its
batch with the counts (core/imports/machinery.py), as it does for every other kind of import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from talentbase.core import scoping
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.imports import bulk
from talentbase.core.roles import Role
from talentbase.orgs.models import Organisation

from .errors import RegistryError
from .identity import normalise_name, today_in_china
from .models import Employment, Person, PersonStatus
from .search import person_name_keys, write_name_keys

PERSON_COLUMNS = [
    "id", "full_name", "id_type", "id_number_encrypted", "id_number_hash", "id_number_masked", "birth_date",
    "gender", "phone_encrypted", "phone_hash", "phone_masked", "education", "status", "created_at", "updated_at",
]  # fmt: skip
EMPLOYMENT_COLUMNS = ["person_id", "employer_id", "position", "start_date", "end_date", "site", "created_at"]


def _now():
    return bulk.connection_for(Person).ops.adapt_datetimefield_value(timezone.now())


def _keys(names: list[str], rows: Sequence[Mapping]) -> Iterable[tuple[str, ...]]:
    """The name keys of each row: those the caller prepared ahead of its transaction (``search_keys``, from
    ``person_name_keys``) when they belong to the name as stored, else computed here."""
    for name, row in zip(names, rows, strict=True):
        prepared = row.get("search_keys")
        yield prepared if prepared is not None and name == row["full_name"] else person_name_keys(name)


@transaction.atomic
def register_persons_bulk(
    *, actor: Actor, rows: Sequence[Mapping], employer_id: int | None = None
) -> list[int]:
    """Register new persons (实名制), one per validated row, with their name keys and, given an employer, their
    current employment there from the row's ``start_date`` (today when absent); returns their ids in row order.

    A row holds ``full_name``, ``id_type``, the ID number's ``id_number_encrypted``, ``id_number_hash`` and
    ``id_number_masked``, ``birth_date`` and ``gender``; optionally the phone's ``phone_encrypted``,
    ``phone_hash`` and ``phone_masked``, ``education``, ``position``, ``start_date`` and ``search_keys``. An
    ID number already registered is refused by the unique hash, and the whole call with it."""
    if not rows:
        return []
    if employer_id is not None:
        _ensure_may_employ(actor, {employer_id})
    names = [normalise_name(row["full_name"]) for row in rows]
    now = _now()
    ids = bulk.allocate_ids(Person, len(rows))
    bulk.insert_rows(Person, PERSON_COLUMNS, (
        (pk, name, row["id_type"], row["id_number_encrypted"], row["id_number_hash"], row["id_number_masked"],
         row["birth_date"], row["gender"], row.get("phone_encrypted", ""), row.get("phone_hash", ""),
         row.get("phone_masked", ""), row.get("education", ""), PersonStatus.ACTIVE, now, now)
        for pk, name, row in zip(ids, names, rows, strict=True)
    ))  # fmt: skip
    write_name_keys([(pk, key) for pk, keys in zip(ids, _keys(names, rows), strict=True) for key in keys])
    if employer_id is not None:
        today = today_in_china().isoformat()
        bulk.insert_rows(Employment, EMPLOYMENT_COLUMNS, (
            (pk, employer_id, row.get("position", ""), row.get("start_date") or today, None, "", now)
            for pk, row in zip(ids, rows, strict=True)
        ))  # fmt: skip
    return ids


def _ensure_may_employ(actor: Actor, employer_ids: set[int]) -> None:
    """As ``add_employment`` checks one: an employer records only its own employees, and only at an
    organisation of the employer kind."""
    if actor.role == Role.EMPLOYER and employer_ids - {actor.organisation_id}:
        raise PermissionDenied
    # unscoped: whether the named organisations are employers, whoever may see them
    if Organisation.objects.filter(pk__in=employer_ids, kinds__code="employer").count() != len(employer_ids):
        raise DomainError(RegistryError.EMPLOYER_KIND, _("只能登记在用人单位"), field="employer")


@transaction.atomic
def add_employments_bulk(*, actor: Actor, rows: Iterable[Mapping]) -> int:
    """Record periods of work (``person_id``, ``employer_id``, ``start_date``; optionally ``end_date`` and
    ``position``) at employers, as ``add_employment`` does one."""
    rows = list(rows)
    _ensure_may_employ(actor, {row["employer_id"] for row in rows})
    for row in rows:
        end_date = row.get("end_date")
        if end_date is not None and str(end_date) < str(row["start_date"]):
            raise DomainError(RegistryError.DATES, _("截止日期不能早于起始日期"), field="end_date")
    now = _now()
    return bulk.insert_rows(Employment, EMPLOYMENT_COLUMNS, (
        (row["person_id"], row["employer_id"], row.get("position", ""), row["start_date"], row.get("end_date"), "",
         now)
        for row in rows
    ))  # fmt: skip


@transaction.atomic
def update_persons_bulk(*, actor: Actor, rows: Sequence[Mapping]) -> int:
    """Correct the name, phone and education of registered persons the actor may change, as ``update_person``
    does one (a roster imported again); an empty phone or education keeps the value stored. A row holds
    ``person_id``, ``full_name``, the phone's ``phone_encrypted``, ``phone_hash`` and ``phone_masked`` (empty
    for none), ``education`` and optionally ``search_keys``."""
    if not rows:
        return 0
    ids = [row["person_id"] for row in rows]
    allowed = set(scoping.visible_to(actor, Person, "change").filter(pk__in=ids).values_list("pk", flat=True))
    if len(allowed) != len(set(ids)):
        raise DomainError(RegistryError.OUT_OF_SCOPE, _("要更新的人员已不在您的管辖范围内，未导入任何数据"))
    names = [normalise_name(row["full_name"]) for row in rows]
    connection = bulk.connection_for(Person)
    now = _now()
    table = connection.ops.quote_name(Person._meta.db_table)
    sql = (
        f"UPDATE {table} SET full_name = %s, "  # noqa: S608 — the table name from _meta
        "phone_encrypted = CASE WHEN %s = '' THEN phone_encrypted ELSE %s END, "
        "phone_hash = CASE WHEN %s = '' THEN phone_hash ELSE %s END, "
        "phone_masked = CASE WHEN %s = '' THEN phone_masked ELSE %s END, "
        "education = CASE WHEN %s = '' THEN education ELSE %s END, updated_at = %s WHERE id = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [
            (name, r["phone_hash"], r["phone_encrypted"], r["phone_hash"], r["phone_hash"], r["phone_hash"],
             r["phone_masked"], r["education"], r["education"], now, r["person_id"])
            for name, r in zip(names, rows, strict=True)
        ])  # fmt: skip
    write_name_keys([(pk, key) for pk, keys in zip(ids, _keys(names, rows), strict=True) for key in keys],
                    replace_for=ids)  # fmt: skip
    return len(rows)
