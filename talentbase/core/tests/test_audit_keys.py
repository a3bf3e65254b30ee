"""The keyed audit chain (issue 13, item 2): an attacker who can write the database, and recomputes every hash
and the head with SQL as the chain used to be computed, is caught by ``audit_verify``; so is one who strips
the keys off the whole chain, and (through the exported signed heads) even one who holds the key."""

import base64
import json
import os

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from talentbase.core import audit
from talentbase.core.actor import Actor
from talentbase.core.checks import audit_keys_check
from talentbase.core.models import AuditEvent, AuditKeyedStart
from talentbase.core.roles import Role
from talentbase.core.tests.test_audit import open_guard, raw

pytestmark = pytest.mark.django_db
ACTOR = Actor(role=Role.CITY)


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def plain_hash(event: AuditEvent) -> str:
    """The chain's hash as it was before it was keyed, which anyone can recompute."""
    unkeyed = AuditEvent(**{f.attname: getattr(event, f.attname) for f in AuditEvent._meta.concrete_fields})
    unkeyed.key_id = None
    return audit.event_hash(unkeyed)


def rewrite_from(seq: int, reason: str, *, hashing) -> None:
    """Change one event's reason and recompute its hash, every later link and the head, in SQL (the guard
    trigger opened first, as an intruder would)."""
    raw("UPDATE core_auditevent SET reason = %s WHERE seq = %s", [reason, seq])
    prev = AuditEvent.objects.get(seq=seq).prev_hash
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        event.prev_hash = prev
        new = hashing(event)
        raw("UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, new, event.seq])
        prev = new
    raw("UPDATE core_audithead SET hash = %s", [prev])


def problems() -> list[str]:
    return audit.verify_chain()[1]


def test_events_are_an_hmac_under_the_current_audit_key():
    event = audit.record_audit(actor=ACTOR, verb="login")
    assert event.key_id == audit.audit_keys()[0] and event.hash != plain_hash(event)
    assert not problems()


@pytest.mark.schema_owner
def test_an_edit_rehashed_by_sql_the_old_way_is_refused():
    events = [audit.record_audit(actor=ACTOR, verb="login", reason=f"event {n}") for n in range(4)]
    open_guard()
    rewrite_from(events[1].seq, "forged", hashing=plain_hash)
    found = problems()
    assert any(f"event #{events[1].seq}: content does not match" in p for p in found), found
    with pytest.raises(CommandError):
        call_command("audit_verify")


@pytest.mark.schema_owner
def test_a_chain_stripped_of_its_keys_and_of_its_keyed_start_is_refused():
    events = [audit.record_audit(actor=ACTOR, verb="login", reason=f"event {n}") for n in range(3)]
    open_guard()
    raw("UPDATE core_auditevent SET key_id = NULL WHERE seq >= %s", [events[0].seq])
    AuditKeyedStart.objects.all().delete()
    rewrite_from(events[0].seq, "forged", hashing=plain_hash)
    found = problems()
    assert any("not keyed, after the chain was keyed" in p for p in found), found


@pytest.mark.schema_owner
def test_the_chain_written_before_the_keys_is_carried_over_by_the_keyed_start():
    """Events hashed the old way up to the keyed start verify; one appended after it unkeyed does not; a
    rewrite of the old part, recomputed up to the start, no longer ends where the start signed."""
    open_guard()
    first = audit.record_audit(actor=ACTOR, verb="login", reason="old 1")
    second = audit.record_audit(actor=ACTOR, verb="login", reason="old 2")
    for event in (first, second):  # as the chain was before it was keyed
        raw("UPDATE core_auditevent SET key_id = NULL WHERE seq = %s", [event.seq])
    rewrite_from(first.seq, "old 1", hashing=plain_hash)
    audit.mark_keyed_start()
    later = audit.record_audit(actor=ACTOR, verb="login", reason="keyed")
    assert later.key_id and not problems()
    rewrite_from(first.seq, "forged", hashing=plain_hash)
    assert any("does not end the chain the keyed start signed" in p for p in problems())


def test_old_keys_still_verify_after_rotation_and_a_dropped_one_is_named():
    old = audit.record_audit(actor=ACTOR, verb="login")
    current = audit.audit_keys()
    keys = ",".join(f"{kid}:{base64.b64encode(key).decode()}" for kid, key in current[1].items())
    with override_settings(TALENTBASE_AUDIT_KEYS=f"k2026:{new_key()},{keys}"):
        newer = audit.record_audit(actor=ACTOR, verb="login")
        assert newer.key_id == "k2026" and old.key_id == current[0]
        assert not problems()
    with override_settings(TALENTBASE_AUDIT_KEYS=f"k2026:{new_key()}"):
        assert any(f"key {current[0]!r} is not in TALENTBASE_AUDIT_KEYS" in p for p in problems())


@pytest.mark.schema_owner
def test_an_exported_head_catches_a_rewrite_by_someone_holding_the_key(tmp_path):
    heads = tmp_path / "heads.jsonl"
    events = [audit.record_audit(actor=ACTOR, verb="login", reason=f"event {n}") for n in range(3)]
    with override_settings(TALENTBASE_AUDIT_HEAD_FILE=str(heads)):
        assert audit.export_signed_head() == 1
        assert audit.export_signed_head() == 0  # the head has not moved: nothing written twice
    line = json.loads(heads.read_text().splitlines()[-1])
    assert (line["seq"], line["hash"]) == (events[-1].seq, events[-1].hash)
    assert not audit.verify_exported_heads(heads.read_text().splitlines())
    open_guard()
    rewrite_from(events[1].seq, "forged", hashing=audit.event_hash)  # with the key: the chain itself verifies
    assert not problems()
    found = audit.verify_exported_heads(heads.read_text().splitlines())
    assert any("rewritten since it was exported" in p for p in found), found
    with pytest.raises(CommandError):
        call_command("audit_verify", heads=str(heads))
    forged = dict(line, hash="f" * 64)
    assert "signature does not match" in audit.verify_exported_heads([json.dumps(forged)])[0]


def test_check_deploy_refuses_missing_or_broken_audit_keys():
    with override_settings(TALENTBASE_AUDIT_KEYS=""):
        assert [e.id for e in audit_keys_check(None)] == ["talentbase.E004"]
    with override_settings(TALENTBASE_AUDIT_KEYS="k1:not-base64!"):
        assert [e.id for e in audit_keys_check(None)] == ["talentbase.E004"]
    assert audit_keys_check(None) == []
