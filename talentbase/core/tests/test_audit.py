"""The audit trail (SECURITY.md "audit"): hash-chained, append-only in the ORM and in the database,
verifiable, purged only in whole old segments after a signed checkpoint, and free of personal data.

Tampering is simulated the way an intruder with database access would do it: the guard trigger is removed
inside the test's own transaction (rolled back afterwards) and the rows are changed with raw SQL.
"""

import datetime
import json
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, connections, transaction
from django.test import override_settings
from django.urls import reverse

from talentbase.core.actor import Actor
from talentbase.core.audit import (
    REDACTED,
    changes_between,
    checkpoint_signature,
    event_hash,
    purge_audit_events,
    record_audit,
    snapshot,
    verify_chain,
)
from talentbase.core.checks import audit_retention_check
from talentbase.core.models import GENESIS_HASH, AppendOnlyError, AuditCheckpoint, AuditEvent, AuditHead
from talentbase.core.roles import Role

ACTOR = Actor(role=Role.CITY)


def append(count: int, *, verb: str = "login") -> list[AuditEvent]:
    return [record_audit(actor=ACTOR, verb=verb, reason=f"event {index}") for index in range(count)]


def open_guard() -> None:
    """Remove the database's append-only guard for the rest of this test's transaction (an intruder's move)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_guard")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")


def close_maintenance_window() -> None:
    """The test suite keeps a maintenance row so table flushes work; a test of the trigger closes it for its
    own transaction. On PostgreSQL by a setting (the application role cannot delete the row: core 0012)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL talentbase.audit_guard = 'closed'")
        else:
            cursor.execute("DELETE FROM core_audit_maintenance")


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def problems_text() -> str:
    _checked, problems = verify_chain()
    return "\n".join(problems)


# --- The chain.


@pytest.mark.django_db
def test_each_event_links_to_the_previous_one_with_the_next_number():
    before = AuditHead.objects.filter(pk=1).first()
    first, second, third = append(3)
    assert first.prev_hash == (before.hash if before else GENESIS_HASH)
    assert (second.seq, second.prev_hash) == (first.seq + 1, first.hash)
    assert (third.seq, third.prev_hash) == (second.seq + 1, second.hash)
    for event in (first, second, third):
        assert event.hash == event_hash(AuditEvent.objects.get(pk=event.pk))
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (third.seq, third.hash)


@pytest.mark.django_db
def test_an_untouched_chain_verifies_clean():
    append(5)
    checked, problems = verify_chain()
    assert checked >= 5
    assert problems == []


@pytest.mark.schema_owner
@pytest.mark.django_db
def test_verify_finds_an_edited_event():
    events = append(3)
    open_guard()
    raw("UPDATE core_auditevent SET reason = %s WHERE seq = %s", ["nothing happened", events[1].seq])
    problems = problems_text()
    assert f"event #{events[1].seq}: content does not match its hash (event edited)" in problems


@pytest.mark.schema_owner
@pytest.mark.django_db
def test_verify_finds_a_deleted_event_in_the_middle():
    events = append(3)
    open_guard()
    raw("DELETE FROM core_auditevent WHERE seq = %s", [events[1].seq])
    problems = problems_text()
    assert f"event #{events[2].seq}: expected #{events[1].seq}" in problems
    assert f"event #{events[2].seq}: previous hash does not match" in problems


@pytest.mark.schema_owner
@pytest.mark.django_db
def test_verify_finds_a_deleted_last_event_by_the_head():
    events = append(3)
    open_guard()
    raw("DELETE FROM core_auditevent WHERE seq = %s", [events[2].seq])
    problems = problems_text()
    assert f"head #{events[2].seq}: the chain ends at #{events[1].seq}" in problems


@pytest.mark.schema_owner
@pytest.mark.django_db
def test_verify_finds_reordered_events():
    events = append(4)
    a, b = events[1].seq, events[2].seq
    open_guard()
    # Swap the two numbers (through a free number, as seq is unique).
    raw("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [-1, a])
    raw("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [a, b])
    raw("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [b, -1])
    problems = problems_text()
    assert f"event #{a}: previous hash does not match" in problems
    assert f"event #{a}: content does not match its hash" in problems


@pytest.mark.django_db
def test_the_verify_command_prints_intact_for_an_untouched_chain(capsys):
    append(2)
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out


@pytest.mark.schema_owner
@pytest.mark.django_db
def test_the_verify_command_fails_on_a_tampered_chain():
    events = append(2)
    open_guard()
    raw("UPDATE core_auditevent SET verb = %s WHERE seq = %s", ["logout", events[0].seq])
    with pytest.raises(CommandError, match="audit chain broken"):
        call_command("audit_verify")


# --- Append-only in the application.


@pytest.mark.django_db
def test_the_orm_refuses_to_save_an_existing_event():
    (event,) = append(1)
    stored = AuditEvent.objects.get(pk=event.pk)
    stored.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        stored.save()
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).reason == "event 0"


@pytest.mark.django_db
def test_the_orm_refuses_queryset_update_and_bulk_update():
    (event,) = append(1)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    event.reason = "rewritten"
    # bulk_update opens no savepoint of its own: the refusal would spoil the test's transaction.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["reason"])
    assert AuditEvent.objects.get(pk=event.pk).reason == "event 0"


@pytest.mark.django_db
def test_the_orm_refuses_queryset_delete_and_instance_delete():
    (event,) = append(1)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# --- Append-only in the database.


@pytest.mark.django_db
def test_the_database_refuses_a_raw_update():
    (event,) = append(1)
    # The trigger says append-only; on PostgreSQL as the application role the UPDATE right is not even held.
    with pytest.raises(DatabaseError, match="append-only|permission denied"), transaction.atomic():
        raw("UPDATE core_auditevent SET reason = %s WHERE seq = %s", ["rewritten", event.seq])
    assert AuditEvent.objects.get(pk=event.pk).reason == "event 0"


@pytest.mark.django_db
def test_the_database_refuses_a_raw_delete():
    (event,) = append(1)
    close_maintenance_window()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("DELETE FROM core_auditevent WHERE seq = %s", [event.seq])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# --- Retention.

START = datetime.datetime(2030, 1, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_purge_removes_only_events_older_than_365_days_after_a_signed_checkpoint():
    close_maintenance_window()  # the purge must work under the real trigger
    already = AuditEvent.objects.count()
    with time_machine.travel(START, tick=False):
        old = append(3)
    with time_machine.travel(START + datetime.timedelta(days=200), tick=False):
        recent = append(2)
    with time_machine.travel(START + datetime.timedelta(days=364), tick=False):
        assert purge_audit_events(actor=ACTOR) is None  # nothing is a year old yet
    assert AuditCheckpoint.objects.count() == 0
    with time_machine.travel(START + datetime.timedelta(days=366), tick=False):
        checkpoint = purge_audit_events(actor=ACTOR)
    assert checkpoint is not None
    assert (checkpoint.upto_seq, checkpoint.upto_hash) == (old[-1].seq, old[-1].hash)
    assert checkpoint.purged_count == already + 3
    assert checkpoint.signature == checkpoint_signature(
        old[-1].seq, old[-1].hash, old[-1].at, checkpoint.key_id
    )
    assert checkpoint.key_id == "dev1"
    assert not AuditEvent.objects.filter(seq__lte=old[-1].seq).exists()
    assert set(AuditEvent.objects.filter(pk__in=[e.pk for e in recent]).values_list("seq", flat=True)) == {
        e.seq for e in recent
    }
    purge_event = AuditEvent.objects.order_by("-seq").first()
    assert purge_event.verb == "audit_purge" and purge_event.seq == recent[-1].seq + 1
    checked, problems = verify_chain()
    assert problems == []
    assert checked == 3  # the two recent events and the purge itself


@pytest.mark.django_db
def test_purge_counts_what_it_removed():
    close_maintenance_window()
    already = AuditEvent.objects.count()
    with time_machine.travel(START, tick=False):
        append(4)
    with time_machine.travel(START + datetime.timedelta(days=400), tick=False):
        checkpoint = purge_audit_events(actor=ACTOR)
    assert checkpoint.purged_count == already + 4
    assert "purged" in AuditEvent.objects.order_by("-seq").first().reason


@pytest.mark.schema_owner  # the application role may not update a checkpoint: forging it needs the owner
@pytest.mark.django_db
def test_a_forged_checkpoint_signature_is_reported():
    close_maintenance_window()
    with time_machine.travel(START, tick=False):
        append(2)
    with time_machine.travel(START + datetime.timedelta(days=400), tick=False):
        checkpoint = purge_audit_events(actor=ACTOR)
    AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(signature="0" * 64)
    assert f"checkpoint #{checkpoint.upto_seq}: signature does not match" in problems_text()


@pytest.mark.django_db
def test_the_database_refuses_deleting_events_not_covered_by_a_checkpoint():
    close_maintenance_window()
    with time_machine.travel(START, tick=False):
        old = append(2)
    with time_machine.travel(START + datetime.timedelta(days=400), tick=False):
        purge_audit_events(actor=ACTOR)
    newest = AuditEvent.objects.order_by("-seq").first()
    assert newest.seq > old[-1].seq
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("DELETE FROM core_auditevent WHERE seq = %s", [newest.seq])


@pytest.mark.django_db
@override_settings(TALENTBASE_AUDIT_RETENTION_DAYS=100)
def test_purge_keeps_six_months_even_when_retention_is_set_lower():
    close_maintenance_window()
    with time_machine.travel(START, tick=False):
        append(2)
    with time_machine.travel(START + datetime.timedelta(days=150), tick=False):
        assert purge_audit_events(actor=ACTOR) is None
    assert AuditEvent.objects.count() >= 2


def test_a_retention_below_six_months_is_a_configuration_error():
    with override_settings(TALENTBASE_AUDIT_RETENTION_DAYS=100):
        errors = audit_retention_check(None)
    assert [error.id for error in errors] == ["talentbase.E001"]
    with override_settings(TALENTBASE_AUDIT_RETENTION_DAYS=184):
        assert audit_retention_check(None) == []


# --- Personal data.


@pytest.mark.django_db
def test_changes_of_personal_fields_are_recorded_without_their_values():
    from talentbase.registry.models import Person

    person = Person.objects.order_by("pk").first()
    before = snapshot(person)
    old_name = person.full_name
    person.full_name = "欧阳新名"
    person.education = "doctor" if person.education != "doctor" else "master"
    changes = changes_between(before, snapshot(person), Person)
    assert changes["full_name"] == [REDACTED, REDACTED]
    assert changes["education"][1] == person.education  # an ordinary field is kept in clear
    assert old_name not in json.dumps(changes, ensure_ascii=False)
    assert "欧阳新名" not in json.dumps(changes, ensure_ascii=False)


@pytest.mark.django_db
def test_registering_a_person_is_audited_without_their_id_number_phone_or_name(personas):
    from talentbase.registry.actions import register_person
    from talentbase.registry.identity import synthetic_ric
    from talentbase.registry.models import Person

    id_number = synthetic_ric(random.Random(1))
    phone = "13812345678"
    name = "司马云舒"
    person = register_person(
        actor=personas.actor("employer"), full_name=name, id_type="ric", id_number=id_number, phone=phone
    )
    # The audit assertion …
    created = AuditEvent.objects.filter(
        verb="create", object_type="registry.person", object_id=str(person.pk)
    )
    assert created.count() == 1
    assert created.get().changes["full_name"] == [REDACTED, REDACTED]
    # … and its twin: nothing personal in any event.
    text = json.dumps(list(AuditEvent.objects.values()), cls=DjangoJSONEncoder, ensure_ascii=False)
    birth = Person.objects.get(pk=person.pk).birth_date.isoformat()
    for secret in (id_number, phone, name, birth):
        assert secret not in text, secret


# --- Concurrency.


@pytest.mark.django_db(transaction=True)
# Removing the head takes the owner (the application role may not delete it).
@pytest.mark.parametrize("head", ["present", pytest.param("missing", marks=pytest.mark.schema_owner)])
def test_concurrent_appends_keep_the_chain_linear(head):
    """4 writers × 25 events. Threads on PostgreSQL, where the head's row lock is what keeps the chain
    linear; SQLite's in-memory test database is shared by one connection, so there the writers take turns
    (its IMMEDIATE transactions serialise writers anyway). With the head row missing (a fresh or flushed
    database) the first appends also race to create it."""
    assert not AuditEvent.objects.exists()
    if head == "missing":
        AuditHead.objects.all().delete()
    else:
        AuditHead.objects.update_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})
    writers, per_writer = 4, 25
    use_threads = connection.vendor == "postgresql"
    barrier = threading.Barrier(writers) if use_threads else None

    def write(writer: int) -> None:
        try:
            if barrier is not None:
                barrier.wait(timeout=30)
            for index in range(per_writer):
                record_audit(actor=ACTOR, verb="login", reason=f"writer {writer} event {index}")
        finally:
            if use_threads:
                connections.close_all()

    if use_threads:
        with ThreadPoolExecutor(max_workers=writers) as pool:
            for future in [pool.submit(write, writer) for writer in range(writers)]:
                future.result()
    else:
        for writer in range(writers):
            write(writer)

    total = writers * per_writer
    checked, problems = verify_chain()
    assert problems == []
    assert checked == total
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, total + 1))


@pytest.mark.django_db
def test_the_trail_filtered_by_something_that_is_not_an_address_says_so_and_shows_no_events(personas):
    client = personas.client("auditadmin")
    client.get(reverse("core:audit-list"))  # the trail has events to hide
    for text in ("abc", "10.0.0", "1.2.3.4/24", "' OR 1=1 --"):
        response = client.get(reverse("core:audit-list"), {"ip": text})
        assert response.status_code == 200, text
        assert "ip" in response.context["filter"].errors, text
        assert response.context["page_obj"].rows == [], text
        assert 'data-testid="filter-error"' in response.content.decode()


@pytest.mark.django_db
def test_the_trail_filtered_by_an_address_shows_its_events(personas):
    from talentbase.core.models import AuditEvent

    address = AuditEvent.objects.exclude(ip=None).values_list("ip", flat=True).first() or "127.0.0.1"
    response = personas.client("auditadmin").get(reverse("core:audit-list"), {"ip": address})
    assert response.status_code == 200 and not response.context["filter"].errors
    assert {event.ip for event in response.context["page_obj"].rows} <= {address}
