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

from talentbase.catalog.models import Level
from talentbase.core import scoping
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.imports import bulk
from talentbase.core.roles import Role
from talentbase.orgs.models import Organisation

from .errors import RegistryError
from .identity import normalise_name, today_in_china
from .models import Employment, Person, PersonStatus, refresh_currently_employed
from .search import person_name_keys, write_name_keys

PERSON_COLUMNS = [
    "id", "full_name", "id_type", "id_number_encrypted", "id_number_hash", "id_number_masked", "birth_date",
    "gender", "phone_encrypted", "phone_hash", "phone_masked", "education", "status", "currently_employed",
    "created_at", "updated_at",
]  # fmt: skip
EMPLOYMENT_COLUMNS = ["person_id", "employer_id", "position", "start_date", "end_date", "site", "created_at"]
NEW_EMPLOYMENT_COLUMNS = ["id", "person_id", "employer_id", "occupation_id", "work_type_id", "position", "start_date",
                          "end_date", "site", "created_at"]  # fmt: skip


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
    *, actor: Actor, rows: Sequence[Mapping], employer_id: int | None = None, with_employments: bool = False
):
    """Register new persons (实名制), one per validated row, with their name keys and, given an employer, their
    current employment there from the row's ``start_date`` (today when absent); returns their ids in row order.

    A row holds ``full_name``, ``id_type``, the ID number's ``id_number_encrypted``, ``id_number_hash`` and
    ``id_number_masked``, ``birth_date`` and ``gender``; optionally the phone's ``phone_encrypted``,
    ``phone_hash`` and ``phone_masked``, ``education``, ``position``, ``start_date`` and ``search_keys``; and
    for the employment, its own ``employer_id`` (instead of the call's), ``occupation_id`` and ``work_type_id``.
    An ID number already registered is refused by the unique hash, and the whole call with it.
    ``with_employments``: (person ids, employment id or None per row)."""
    if not rows:
        return ([], []) if with_employments else []
    employers = {row.get("employer_id") or employer_id for row in rows} - {None}
    if employers:
        _ensure_may_employ(actor, employers)
    names = [normalise_name(row["full_name"]) for row in rows]
    now = _now()
    ids = bulk.allocate_ids(Person, len(rows))
    # A row given an employer is employed from today on (the open employment written below): in service.
    bulk.insert_rows(Person, PERSON_COLUMNS, (
        (pk, name, row["id_type"], row["id_number_encrypted"], row["id_number_hash"], row["id_number_masked"],
         row["birth_date"], row["gender"], row.get("phone_encrypted", ""), row.get("phone_hash", ""),
         row.get("phone_masked", ""), row.get("education", ""), PersonStatus.ACTIVE,
         bool(row.get("employer_id") or employer_id), now, now)
        for pk, name, row in zip(ids, names, rows, strict=True)
    ))  # fmt: skip
    write_name_keys([(pk, key) for pk, keys in zip(ids, _keys(names, rows), strict=True) for key in keys])
    employment_ids: list[int | None] = [None] * len(rows)
    employed = [index for index, row in enumerate(rows) if row.get("employer_id") or employer_id]
    if employed:
        today = today_in_china().isoformat()
        for index, pk in zip(employed, bulk.allocate_ids(Employment, len(employed)), strict=True):
            employment_ids[index] = pk
        bulk.insert_rows(Employment, NEW_EMPLOYMENT_COLUMNS, (
            (employment_ids[index], ids[index], rows[index].get("employer_id") or employer_id,
             rows[index].get("occupation_id"), rows[index].get("work_type_id"), rows[index].get("position", ""),
             rows[index].get("start_date") or today, None, "", now)
            for index in employed
        ))  # fmt: skip
    return (ids, employment_ids) if with_employments else ids


def declare_levels_bulk(*, actor: Actor, entries: Sequence[tuple]) -> int:
    """The levels new employees' roster declares: (person id, occupation id, level id, valid from,
    employment id) each, unconfirmed until a certificate backs them, standing on the employment."""
    from .levels import NewLevel, record_levels_bulk
    from .models import LevelSource

    if not entries:
        return 0
    return record_levels_bulk(actor=actor, entries=(
        NewLevel(person_id, occupation_id, level_id, valid_from, False, LevelSource.ROSTER, employment_id)
        for person_id, occupation_id, level_id, valid_from, employment_id in entries
    ))  # fmt: skip


@transaction.atomic
def declare_levels_for_updates(*, actor: Actor, employer_id: int | None, rows: Sequence[Mapping]) -> int:
    """The levels a roster imported again declares for persons already registered (rows with ``person_id``,
    ``occupation_id``, ``level_id``, optionally ``work_type_id``, ``employer_id``, ``start_date``): the
    person's open employment there takes the occupation (one is recorded when there is none), and the
    declared level replaces the one an earlier roster declared in that occupation, valid from the
    employment's start. Row by row: a later roster that changes levels is a small file."""
    from .levels import record_level
    from .models import LevelEntry, LevelSource

    if not rows:
        return 0
    employers = {row.get("employer_id") or employer_id for row in rows} - {None}
    if not employers:
        return 0
    _ensure_may_employ(actor, employers)
    # unscoped: the ladder
    levels = {level.pk: level for level in Level.objects.all()}
    today = today_in_china()
    written = 0
    for row in rows:
        employer = row.get("employer_id") or employer_id
        if employer is None:
            continue
        # unscoped: the open employment of a person update_persons_bulk has just checked is the actor's to change
        employment = Employment.objects.filter(person_id=row["person_id"], employer_id=employer,
                                               end_date__isnull=True).order_by("-start_date", "pk").first()  # fmt: skip
        if employment is None:
            employment = Employment.objects.create(
                person_id=row["person_id"], employer_id=employer, occupation_id=row["occupation_id"],
                work_type_id=row.get("work_type_id"), start_date=row.get("start_date") or today,
            )  # fmt: skip
        elif employment.occupation_id != row["occupation_id"] or (
            row.get("work_type_id") and employment.work_type_id != row["work_type_id"]
        ):
            employment.occupation_id = row["occupation_id"]
            employment.work_type_id = row.get("work_type_id") or None
            employment.save(update_fields=["occupation", "work_type"])
        # unscoped: the declared entries of that person, replaced rather than duplicated
        earlier = LevelEntry.objects.filter(person_id=row["person_id"], occupation_id=row["occupation_id"],
                                            source_kind=LevelSource.ROSTER).order_by("-valid_from", "-pk").first()  # fmt: skip
        source_id = earlier.source_id if earlier is not None else employment.pk
        record_level(person=row["person_id"], occupation=row["occupation_id"], level=levels[row["level_id"]],
                     valid_from=employment.start_date, confirmed=False, source_kind=LevelSource.ROSTER,
                     source_id=source_id)  # fmt: skip
        written += 1
    return written


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
    count = bulk.insert_rows(Employment, EMPLOYMENT_COLUMNS, (
        (row["person_id"], row["employer_id"], row.get("position", ""), row["start_date"], row.get("end_date"), "",
         now)
        for row in rows
    ))  # fmt: skip
    refresh_currently_employed(row["person_id"] for row in rows if row.get("end_date") is None)
    return count


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
