"""The audit trail: append an event, compare snapshots, verify the chain, purge old segments.

Actions call :func:`record_audit` explicitly inside their transaction (a signal would not know who
acted or why), so an action that rolls back leaves no event behind.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .actor import Actor
from .models import GENESIS_HASH, AuditCheckpoint, AuditEvent, AuditHead

REDACTED = "***"

# Verbs, so that pages can filter and translate them.
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
LOCKED = "locked"
CREATE = "create"
UPDATE = "update"
DELETE = "delete"
TRANSITION = "transition"
EXPORT = "export"
REVEAL = "reveal"
PURGE = "audit_purge"


def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def private_fields(model: type[models.Model]) -> frozenset[str]:
    """Fields whose values never enter the log (a model lists them in ``audit_private_fields``)."""
    return frozenset(getattr(model, "audit_private_fields", ()))


def snapshot(obj: models.Model) -> dict:
    """The concrete field values of an object, ready to compare with :func:`changes_between`."""
    values = {}
    for field in obj._meta.concrete_fields:
        values[field.attname] = getattr(obj, field.attname)
    for field in obj._meta.many_to_many:
        if obj.pk is not None:
            values[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return _jsonable(values)


def changes_between(before: dict | None, after: dict | None, model: type[models.Model]) -> dict:
    """``{field: [old, new]}`` for the fields that differ; personal fields as ``***``."""
    before = before or {}
    after = after or {}
    hidden = private_fields(model)
    hidden_attnames = set()
    for name in hidden:
        try:
            hidden_attnames.add(model._meta.get_field(name).attname)
        except Exception:  # noqa: BLE001, S112 — a listed name that is not a field is simply not a column
            hidden_attnames.add(name)
    result = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            result[key] = [REDACTED, REDACTED] if key in hidden_attnames else [old, new]
    return result


def event_hash(event: AuditEvent) -> str:
    at = event.at.astimezone(UTC).isoformat(timespec="microseconds")
    payload = {
        "seq": event.seq,
        "at": at,
        "verb": event.verb,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "role": event.role,
        "organisation_id": event.organisation_id,
        "ip": event.ip,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "changes": event.changes,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _object_identity(obj: models.Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    label_method = getattr(obj, "audit_label", None)
    label = label_method() if callable(label_method) else str(obj)
    return obj._meta.label_lower, str(obj.pk), label[:200]


def record_audit(
    *,
    actor: Actor,
    verb: str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    reason: str = "",
    object_type: str = "",
    object_id: str = "",
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, locking the head so concurrent appends stay linear."""
    obj_type, obj_id, obj_label = _object_identity(obj)
    user = actor.user
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            # A fresh or flushed database: concurrent first appends race to create the head, so create it
            # tolerantly (get_or_create retries the read after a duplicate key) and lock it like any other.
            AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})
            head = AuditHead.objects.select_for_update().get(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            verb=verb,
            actor_id=user.pk if user is not None else None,
            actor_label=actor_label
            if actor_label is not None
            else (user.get_username() if user else actor.role),
            role=actor.role,
            organisation_id=actor.organisation_id,
            ip=actor.ip,
            object_type=object_type or obj_type,
            object_id=str(object_id or obj_id),
            object_label=obj_label,
            changes=_jsonable(changes or {}),
            reason=reason[:500],
            prev_hash=head.hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    return event


def audit_change(
    *, actor: Actor, obj: models.Model, before: dict | None, verb: str = UPDATE, reason: str = ""
):
    """Record a create or update with the fields that changed (nothing recorded for a no-op update)."""
    after = snapshot(obj)
    changes = changes_between(before, after, type(obj))
    if verb == UPDATE and not changes:
        return None
    return record_audit(actor=actor, verb=verb, obj=obj, changes=changes, reason=reason)


def audit_delete(*, actor: Actor, obj: models.Model, before: dict, reason: str = ""):
    changes = changes_between(before, None, type(obj))
    return record_audit(actor=actor, verb=DELETE, obj=obj, changes=changes, reason=reason)


# --- Verification and retention.


def checkpoint_signature(upto_seq: int, upto_hash: str, upto_at: datetime) -> str:
    message = f"{upto_seq}|{upto_hash}|{upto_at.astimezone(UTC).isoformat(timespec='microseconds')}"
    return salted_hmac("talentbase.audit.checkpoint", message, algorithm="sha256").hexdigest()


def verify_chain(*, batch_size: int = 5000) -> tuple[int, list[str]]:
    """Walk the chain from the latest checkpoint (or the start) and report every break.

    Returns the number of events checked and a list of problems (empty when the chain is intact).
    """
    problems: list[str] = []
    checkpoint = AuditCheckpoint.objects.order_by("-upto_seq").first()
    expected_seq, expected_prev = 1, GENESIS_HASH
    if checkpoint is not None:
        good = checkpoint_signature(checkpoint.upto_seq, checkpoint.upto_hash, checkpoint.upto_at)
        if not hmac.compare_digest(good, checkpoint.signature):
            problems.append(f"checkpoint #{checkpoint.upto_seq}: signature does not match")
        expected_seq, expected_prev = checkpoint.upto_seq + 1, checkpoint.upto_hash
    checked = 0
    last_seq = expected_seq - 1
    queryset = AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")
    for event in queryset.iterator(chunk_size=batch_size):
        checked += 1
        if event.seq != expected_seq:
            problems.append(f"event #{event.seq}: expected #{expected_seq} (events missing or reordered)")
        if event.prev_hash != expected_prev:
            problems.append(f"event #{event.seq}: previous hash does not match (event deleted or reordered)")
        if event_hash(event) != event.hash:
            problems.append(f"event #{event.seq}: content does not match its hash (event edited)")
        expected_seq, expected_prev, last_seq = event.seq + 1, event.hash, event.seq
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != last_seq or head.hash != expected_prev):
        problems.append(f"head #{head.seq}: the chain ends at #{last_seq} (latest events deleted or edited)")
    return checked, problems


def retention_days() -> int:
    return max(settings.TALENTBASE_AUDIT_RETENTION_DAYS, settings.TALENTBASE_AUDIT_MIN_RETENTION_DAYS)


@transaction.atomic
def purge_audit_events(*, actor: Actor, now: datetime | None = None) -> AuditCheckpoint | None:
    """Remove events older than the retention period, whole segments only, after writing a signed
    checkpoint of the last removed event, so the remaining chain still verifies."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    last_old = AuditEvent.objects.filter(at__lt=cutoff).order_by("-seq").first()
    if last_old is None:
        return None
    count = AuditEvent.objects.filter(seq__lte=last_old.seq).count()
    checkpoint = AuditCheckpoint.objects.create(
        upto_seq=last_old.seq,
        upto_hash=last_old.hash,
        upto_at=last_old.at,
        purged_count=count,
        signature=checkpoint_signature(last_old.seq, last_old.hash, last_old.at),
    )
    # The database trigger allows deleting exactly the events a checkpoint covers.
    models.QuerySet.delete(AuditEvent.objects.filter(seq__lte=last_old.seq))
    record_audit(actor=actor, verb=PURGE, reason=f"purged {count} events up to #{last_old.seq}")
    return checkpoint
