"""Bulk writes go through the registry (issue 12, item 5): one stored spelling of a name on every path that
writes a person, the bulk actions write what the one-person actions write, and a certificate import's level
entries are those ``record_level`` writes."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talentbase.core import crypto
from talentbase.core.actor import system_actor
from talentbase.core.errors import DomainError
from talentbase.core.imports import machinery
from talentbase.core.imports.models import ImportState
from talentbase.core.models import AuditEvent
from talentbase.core.tests.imports_support import commit, import_settings, upload, write_xlsx
from talentbase.legacy_certificates.models import CertificateRecord
from talentbase.legacy_certificates.tests import support
from talentbase.registry import actions, bulk, levels, protection
from talentbase.registry.forms import NameField
from talentbase.registry.identity import check_id_number, mask_id_number, normalise_name, synthetic_ric
from talentbase.registry.models import (
    ID_NUMBER_CONTEXT,
    Employment,
    LevelEntry,
    LevelSource,
    Person,
    PersonNameKey,
)
from talentbase.registry.search import person_name_keys

_fixtures = (import_settings,)  # imported for pytest; used through the mark below

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_settings")]

# What people type into a name: Han characters, Latin letters half- and full-width, ordinary, ideographic
# and repeated spaces, tabs, and the separators of transliterated minority names (the middle dot and its
# look-alikes, kept as typed: the import never unified them).
NAME_CHARACTERS = [*"张三欧阳娜买提艾力曾吕AnaLiＡｎａＬｉ ·・•‧-", "\u3000", "\t"]
typed_names = st.text(alphabet=st.sampled_from(NAME_CHARACTERS), min_size=1, max_size=16).filter(
    lambda text: any(char.isalpha() for char in normalise_name(text))
)
# Each example rolls back what it wrote, so the function-scoped personas are the same for all of them.
many_names = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class RolledBackError(Exception):
    pass


def stored_name(write) -> str:
    """The name a write path stores, read back from the database inside a transaction that is undone."""
    found = ""
    try:
        with transaction.atomic():
            found = Person.objects.get(pk=write()).full_name
            raise RolledBackError
    except RolledBackError:
        pass
    return found


def new_number(seed: int) -> str:
    number = synthetic_ric(random.Random(seed), region="310104")
    assert not Person.objects.filter(id_number_hash=protection.id_number_hash("ric", number)).exists()
    return number


def bulk_row(name: str, number: str, **extra) -> dict:
    """A person as an import stages one: the ID number encrypted, hashed and masked."""
    (token,) = crypto.encrypt_many([number], context=ID_NUMBER_CONTEXT)
    return {"full_name": name, "id_type": "ric", "id_number_encrypted": token,
            "id_number_hash": protection.id_number_hash("ric", number), "id_number_masked": mask_id_number(number),
            "birth_date": datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
            "gender": "M" if int(number[16]) % 2 else "F", **extra}  # fmt: skip


def corrected_in_bulk(actor, person: Person, name: str) -> int:
    row = {"person_id": person.pk, "full_name": name, "phone_encrypted": "", "phone_hash": "", "phone_masked": "",
           "education": ""}  # fmt: skip
    bulk.update_persons_bulk(actor=actor, rows=[row])
    return person.pk


# --- one normalisation of a name


@given(typed_names)
def test_normalising_a_name_twice_changes_nothing(text):
    assert normalise_name(normalise_name(text)) == normalise_name(text)


@given(typed_names)
def test_the_person_form_checks_the_name_as_the_registry_stores_it(text):
    assert NameField(max_length=50).clean(text) == normalise_name(text)


@many_names
@given(text=typed_names)
def test_every_write_path_stores_the_same_name_for_the_same_input(personas, text):
    city, number = personas.actor("city"), new_number(41)
    employer = personas.organisation("employer")
    someone = Person.objects.filter(user=personas.user("worker")).get()
    paths = {
        "register_person": lambda: actions.register_person(
            actor=city, full_name=text, id_type="ric", id_number=number, employer=employer
        ).pk,
        "update_person": lambda: actions.update_person(actor=city, person=someone, full_name=text).pk,
        "register_persons_bulk": lambda: bulk.register_persons_bulk(
            actor=city, rows=[bulk_row(text, number)]
        )[0],
        "update_persons_bulk": lambda: corrected_in_bulk(city, someone, text),
    }
    stored = {path: stored_name(write) for path, write in paths.items()}
    assert set(stored.values()) == {normalise_name(text)}, stored


def test_both_imports_store_a_name_as_the_actions_do(personas, django_capture_on_commit_callbacks, tmp_path):
    typed = ["  ＡＮＮＡ  Ｌｉ ", "张 三", "买买提 · 艾力", "欧阳\u3000娜娜"]
    numbers = [new_number(seed) for seed in range(50, 54)]
    roster = write_xlsx(
        tmp_path / "roster.xlsx",
        ["姓名", "证件号码"],
        [[n, i] for n, i in zip(typed[:2], numbers[:2], strict=True)],
    )
    certificates = write_xlsx(
        tmp_path / "certificates.xlsx",
        ["姓名", "证件号码", "职业名称", "等级", "证书编号", "发证日期"],
        [[name, number, "园林绿化工", "四级/中级工", support.skill_number(year=2019, level_number=4), "2019-06-30"]
         for name, number in zip(typed[2:], numbers[2:], strict=True)],
    )  # fmt: skip
    city, hr = personas.actor("city"), personas.actor("hr")
    for actor, path, kind, options in [(city, roster, "registry.persons", {}),
                                       (hr, certificates, "credentials.certificates", {"unknown_persons": "create"})]:  # fmt: skip
        batch = upload(django_capture_on_commit_callbacks, actor, path, kind=kind, options=options)
        assert batch.state == ImportState.PREVIEWED and batch.error_rows == 0, batch.message
        batch = commit(django_capture_on_commit_callbacks, actor, batch)
        assert batch.state == ImportState.DONE, batch.message

    def registered_by_hand(name: str) -> str:
        return stored_name(lambda: actions.register_person(actor=city, full_name=name, id_type="ric",
                                                           id_number=new_number(60)).pk)  # fmt: skip

    for name, number in zip(typed, numbers, strict=True):
        person = Person.objects.get(id_number_hash=protection.id_number_hash("ric", number))
        assert person.full_name == normalise_name(name) == registered_by_hand(name)
        keys = set(PersonNameKey.objects.filter(person=person).values_list("key", flat=True))
        assert keys == set(person_name_keys(person.full_name))


# --- the bulk actions write what the one-person actions write


def test_persons_registered_in_bulk_are_written_as_register_person_writes_one(personas):
    city, employer = personas.actor("city"), personas.organisation("employer")
    one = actions.register_person(actor=city, full_name="曾小明", id_type="ric", id_number=new_number(70),
                                  employer=employer, start_date=datetime.date(2024, 3, 1), position="养护工")  # fmt: skip
    number = new_number(71)
    (pk,) = bulk.register_persons_bulk(
        actor=city,
        rows=[bulk_row("曾小明", number, start_date="2024-03-01", position="养护工")],
        employer_id=employer.pk,
    )
    many = Person.objects.get(pk=pk)
    fields = ["full_name", "id_type", "status", "education", "phone_hash", "phone_masked", "user_id"]
    assert [getattr(many, f) for f in fields] == [getattr(one, f) for f in fields]
    check = check_id_number("ric", number)  # what register_person reads from the number
    assert protection.reveal_id_number(many) == number
    assert (many.birth_date, many.gender) == (check.birth_date, check.gender)

    def keys(person):
        return set(PersonNameKey.objects.filter(person=person).values_list("key", flat=True))

    assert keys(many) == keys(one) == set(person_name_keys("曾小明"))

    def employments(person):
        return list(Employment.objects.filter(person=person).values_list("employer_id", "start_date", "end_date",
                                                                        "position", "site"))  # fmt: skip

    assert (
        employments(many)
        == employments(one)
        == [(employer.pk, datetime.date(2024, 3, 1), None, "养护工", "")]
    )


def test_an_employer_registers_persons_in_bulk_only_as_its_own_employees(personas):
    employer = personas.actor("employer")
    other = personas.organisation("employer", outsider=True)
    before = Person.objects.count()
    with pytest.raises(PermissionDenied):
        bulk.register_persons_bulk(
            actor=employer, rows=[bulk_row("张三", new_number(72))], employer_id=other.pk
        )
    assert Person.objects.count() == before


def test_employments_in_bulk_are_recorded_only_at_employers(personas):
    institution = personas.organisation("evaluation")
    person = Person.objects.filter(user=personas.user("worker")).get()
    with pytest.raises(DomainError) as refused:
        bulk.add_employments_bulk(actor=system_actor(), rows=[
            {"person_id": person.pk, "employer_id": institution.pk, "start_date": datetime.date(2024, 1, 1)}
        ])  # fmt: skip
    assert refused.value.code == "employer_kind"


def test_persons_are_corrected_in_bulk_only_within_the_actors_scope(personas):
    outsider = Person.objects.filter(user=personas.user("worker", outsider=True)).get()
    row = {"person_id": outsider.pk, "full_name": "改名", "phone_encrypted": "", "phone_hash": "",
           "phone_masked": "", "education": ""}  # fmt: skip
    with pytest.raises(DomainError):
        bulk.update_persons_bulk(actor=personas.actor("employer"), rows=[row])
    outsider.refresh_from_db()
    assert outsider.full_name != "改名"


def test_a_bulk_import_leaves_one_audit_event_for_its_batch_and_none_per_person(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    numbers = [new_number(seed) for seed in range(80, 83)]
    path = write_xlsx(
        tmp_path / "roster.xlsx", ["姓名", "证件号码"], [["张三", number] for number in numbers]
    )
    actor = personas.actor("employer")
    batch = upload(django_capture_on_commit_callbacks, actor, path)
    before = AuditEvent.objects.count()
    batch = commit(django_capture_on_commit_callbacks, actor, batch)
    assert batch.state == ImportState.DONE, batch.message
    event = AuditEvent.objects.get(verb=machinery.IMPORT_VERB, object_id=str(batch.pk))
    assert event.changes["created"] == 3
    assert AuditEvent.objects.count() == before + 1


def test_the_demo_world_writes_persons_through_the_registry(personas):
    from talentbase.demo import world

    before = set(Person.objects.values_list("pk", flat=True))
    assert world.build_persons(count=30, seed=5) == 30
    made = Person.objects.exclude(pk__in=before)
    assert made.count() == 30
    for person in made:
        keys = set(PersonNameKey.objects.filter(person=person).values_list("key", flat=True))
        assert person.full_name == normalise_name(person.full_name) and keys == set(
            person_name_keys(person.full_name)
        )
        assert Employment.objects.filter(person=person, end_date__isnull=True).count() == 1


# --- level entries


def test_a_certificate_imports_level_entries_are_what_record_level_writes(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    worker = support.worker_person(personas)
    employer = personas.actor("employer")
    rows = [["演示", protection.reveal_id_number(worker), "园林绿化工", "四级/中级工",
             support.skill_number(year=2019, level_number=4), "2019-06-30"]]  # fmt: skip
    for actor in (personas.actor("hr"), employer):  # a confirmed record and a declared one
        rows[0][4] = support.skill_number(year=2019, level_number=4)
        path = write_xlsx(tmp_path / f"{actor.role}.xlsx", ["姓名", "证件号码", "职业名称", "等级", "证书编号", "发证日期"],
                          rows)  # fmt: skip
        batch = commit(django_capture_on_commit_callbacks, actor,
                       upload(django_capture_on_commit_callbacks, actor, path, kind="credentials.certificates"))  # fmt: skip
        assert batch.state == ImportState.DONE, batch.message
    columns = ["person_id", "occupation_id", "level_id", "rank", "valid_from", "valid_to", "confirmed", "source_kind",
               "source_id", "end_reason"]  # fmt: skip
    records = CertificateRecord.objects.filter(person=worker, import_batch__isnull=False)
    assert {record.is_confirmed for record in records} == {True, False}
    for record in records:
        entries = LevelEntry.objects.filter(source_kind=LevelSource.LEGACY_CERTIFICATE, source_id=record.pk)
        imported = list(entries.values_list(*columns))
        entries.delete()
        levels.record_level(person=record.person_id, occupation=record.occupation_id, level=record.level,
                            valid_from=record.issued_on, confirmed=record.is_confirmed,
                            source_kind=LevelSource.LEGACY_CERTIFICATE, source_id=record.pk)  # fmt: skip
        assert imported == list(entries.values_list(*columns)) and len(imported) == 1


def test_level_entries_in_bulk_are_refused_whole_for_a_record_that_has_one(personas):
    record = support.record(personas)
    entry = LevelEntry.objects.get(source_kind=LevelSource.LEGACY_CERTIFICATE, source_id=record.pk)
    before = LevelEntry.objects.count()
    duplicate = levels.NewLevel(person_id=entry.person_id, occupation_id=entry.occupation_id, level_id=entry.level_id,
                                valid_from=entry.valid_from, confirmed=True, source_kind=entry.source_kind,
                                source_id=entry.source_id)  # fmt: skip
    fresh = duplicate._replace(source_id=record.pk + 10_000)
    with pytest.raises((IntegrityError, connection.Database.IntegrityError)), transaction.atomic():
        levels.record_levels_bulk(actor=system_actor(), entries=[fresh, duplicate])
    assert LevelEntry.objects.count() == before
