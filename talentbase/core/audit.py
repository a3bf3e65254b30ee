"""The audit trail: append an event, compare snapshots, verify the chain, purge old segments.

Actions call :func:`record_audit` explicitly inside their transaction (a signal would not know who
acted or why), so an action that rolls back leaves no event behind.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import os
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .actor import Actor
from .crypto import KID_RE, decode_key
from .jobs.registry import register_scheduled
from .models import GENESIS_HASH, AuditCheckpoint, AuditEvent, AuditHead, AuditKeyedStart

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

# What an auditor reads for each verb: apps register their own verbs beside the code that records them.
_VERB_LABELS: dict[str, str] = {}


def register_verb(code: str, label) -> str:
    """Give a verb its label (a ``gettext_lazy`` string); returns the code, so ``X = register_verb("x", _(…))``."""
    if len(code) > 40:
        raise ValueError(f"audit verb {code!r} is longer than AuditEvent.verb (40)")
    _VERB_LABELS[code] = label
    return code


def verb_label(code: str) -> str:
    """The verb's label in the current language; an unregistered verb (an old one) shows its code."""
    label = _VERB_LABELS.get(code)
    return str(label) if label is not None else code


def verb_choices() -> list[tuple[str, str]]:
    """Every registered verb as a filter choice, by its label."""
    return sorted(((code, str(label)) for code, label in _VERB_LABELS.items()), key=lambda choice: choice[1])


register_verb(LOGIN, pgettext_lazy("audit event", "登录"))
register_verb(LOGIN_FAILED, _("登录失败"))
register_verb(LOGOUT, _("退出登录"))
register_verb(LOCKED, _("账号锁定"))
register_verb(CREATE, pgettext_lazy("audit event", "新增"))
register_verb(UPDATE, pgettext_lazy("audit event", "修改"))
register_verb(DELETE, pgettext_lazy("audit event", "删除"))
register_verb(TRANSITION, _("流程操作"))
register_verb(EXPORT, pgettext_lazy("audit event", "导出"))
register_verb(REVEAL, _("查看完整个人信息"))
register_verb(PURGE, _("清理过期审计记录"))
register_verb("change", pgettext_lazy("audit event", "修改"))


# --- The audit keys (TALENTBASE_AUDIT_KEYS, "kid:base64key,…", current first): kept outside the database,
# so that someone who can write the database cannot recompute the chain after editing it.


@functools.cache
def _keys_from(text: str) -> tuple[str, dict[str, bytes]]:
    keys: dict[str, bytes] = {}
    for entry in (text or "").split(","):
        if not entry.strip():
            continue
        kid, separator, key_text = entry.strip().partition(":")
        if not separator or not KID_RE.fullmatch(kid):
            raise ImproperlyConfigured(
                "TALENTBASE_AUDIT_KEYS entries read 'kid:base64key', the kid of 1-32 letters, digits, - or _."
            )
        if kid in keys:
            raise ImproperlyConfigured(f"TALENTBASE_AUDIT_KEYS names key id {kid!r} twice.")
        keys[kid] = decode_key(key_text, name=f"TALENTBASE_AUDIT_KEYS[{kid}]")
    if not keys:
        raise ImproperlyConfigured("TALENTBASE_AUDIT_KEYS is empty: give at least one 'kid:base64key'.")
    return next(iter(keys)), keys


def audit_keys() -> tuple[str, dict[str, bytes]]:
    """The current key id and every key by id, from the settings."""
    return _keys_from(getattr(settings, "TALENTBASE_AUDIT_KEYS", ""))


def _mac(key_id: str, message: str) -> str:
    _current, keys = audit_keys()
    try:
        key = keys[key_id]
    except KeyError:
        raise UnknownAuditKeyError(key_id) from None
    return hmac.digest(key, message.encode(), "sha256").hex()


class UnknownAuditKeyError(Exception):
    """An event or a checkpoint names a key id that TALENTBASE_AUDIT_KEYS no longer lists."""


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
    if not event.key_id:  # written before the chain was keyed (see AuditKeyedStart)
        return hashlib.sha256(canonical.encode()).hexdigest()
    return _mac(event.key_id, canonical)


def _object_identity(obj: models.Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    label_method = getattr(obj, "audit_label", None)
    # The trail is data: labelled in the source language whatever language the actor reads (reference data
    # such as levels and occupations name themselves in English on English pages).
    with translation.override(settings.LANGUAGE_CODE):
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
            key_id=audit_keys()[0],
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


def _point(seq: int, hash_: str, at: datetime) -> str:
    return f"{seq}|{hash_}|{at.astimezone(UTC).isoformat(timespec='microseconds')}"


def checkpoint_signature(upto_seq: int, upto_hash: str, upto_at: datetime, key_id: str | None = None) -> str:
    """The signature of a point of the chain, under an audit key (checkpoints signed before the chain was
    keyed used the SECRET_KEY, and still verify that way)."""
    message = _point(upto_seq, upto_hash, upto_at)
    if not key_id:
        return salted_hmac("talentbase.audit.checkpoint", message, algorithm="sha256").hexdigest()
    return _mac(key_id, f"checkpoint|{message}")


def keyed_start_signature(seq: int, hash_: str, at: datetime, key_id: str) -> str:
    return _mac(key_id, f"keyed-start|{_point(seq, hash_, at)}")


def head_signature(seq: int, hash_: str, at: datetime, key_id: str) -> str:
    return _mac(key_id, f"head|{_point(seq, hash_, at)}")


def mark_keyed_start(now: datetime | None = None) -> AuditKeyedStart:
    """Carry the chain written so far over to the keyed chain: a signed statement of the current head (done
    once, by the migration that keyed the chain; again only on a database that lost the row)."""
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        seq, hash_ = (head.seq, head.hash) if head else (0, GENESIS_HASH)
        at = now or timezone.now()
        key_id = audit_keys()[0]
        start, _created = AuditKeyedStart.objects.update_or_create(
            pk=1, defaults={"seq": seq, "hash": hash_, "at": at, "key_id": key_id,
                            "signature": keyed_start_signature(seq, hash_, at, key_id)},
        )  # fmt: skip
    return start


def _signature_problem(what: str, key_id, signature: str, sign) -> str | None:
    """What is wrong with a stored ``signature`` that ``sign(key_id)`` would make, or None."""
    try:
        expected = sign(key_id)
    except UnknownAuditKeyError:
        return f"{what}: signed with key {key_id!r}, which TALENTBASE_AUDIT_KEYS no longer lists"
    return None if hmac.compare_digest(expected, signature) else f"{what}: signature does not match"


def verify_chain(*, batch_size: int = 5000) -> tuple[int, list[str]]:
    """Walk the chain from the latest checkpoint (or the start) and report every break: an event edited,
    deleted, reordered or re-hashed without the audit key, a forged checkpoint or keyed start.

    Returns the number of events checked and a list of problems (empty when the chain is intact).
    """
    problems: list[str] = []
    checkpoint = AuditCheckpoint.objects.order_by("-upto_seq").first()
    expected_seq, expected_prev = 1, GENESIS_HASH
    if checkpoint is not None:
        problem = _signature_problem(
            f"checkpoint #{checkpoint.upto_seq}", checkpoint.key_id, checkpoint.signature,
            lambda kid: checkpoint_signature(checkpoint.upto_seq, checkpoint.upto_hash, checkpoint.upto_at, kid),
        )  # fmt: skip
        if problem:
            problems.append(problem)
        expected_seq, expected_prev = checkpoint.upto_seq + 1, checkpoint.upto_hash
    # Events up to the keyed start may be plain SHA-256 (written before the chain was keyed); none after it.
    start = AuditKeyedStart.objects.filter(pk=1).first()
    unkeyed_until = 0
    if start is not None:
        problem = _signature_problem(
            "keyed start", start.key_id, start.signature,
            lambda kid: keyed_start_signature(start.seq, start.hash, start.at, kid),
        )  # fmt: skip
        if problem:
            problems.append(problem)
        else:
            unkeyed_until = start.seq
    checked = 0
    last_seq = expected_seq - 1
    queryset = AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")
    for event in queryset.iterator(chunk_size=batch_size):
        checked += 1
        if event.seq != expected_seq:
            problems.append(f"event #{event.seq}: expected #{expected_seq} (events missing or reordered)")
        if event.prev_hash != expected_prev:
            problems.append(f"event #{event.seq}: previous hash does not match (event deleted or reordered)")
        if not event.key_id and event.seq > unkeyed_until:
            problems.append(f"event #{event.seq}: not keyed, after the chain was keyed (event rewritten)")
        try:
            if not hmac.compare_digest(event_hash(event), event.hash):
                problems.append(f"event #{event.seq}: content does not match its hash (event edited)")
        except UnknownAuditKeyError:
            problems.append(f"event #{event.seq}: key {event.key_id!r} is not in TALENTBASE_AUDIT_KEYS")
        if start is not None and event.seq == start.seq and event.hash != start.hash:
            problems.append(
                f"event #{event.seq}: does not end the chain the keyed start signed (events rewritten)"
            )
        expected_seq, expected_prev, last_seq = event.seq + 1, event.hash, event.seq
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != last_seq or head.hash != expected_prev):
        problems.append(f"head #{head.seq}: the chain ends at #{last_seq} (latest events deleted or edited)")
    return checked, problems


# --- The signed head, exported where the database writer cannot reach (a file, the log).

head_logger = logging.getLogger("talentbase.audit.head")


def signed_head(now: datetime | None = None) -> dict:
    head = AuditHead.objects.filter(pk=1).first()
    seq, hash_ = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    at = now or timezone.now()
    key_id = audit_keys()[0]
    return {"seq": seq, "hash": hash_, "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "key_id": key_id, "signature": head_signature(seq, hash_, at, key_id)}  # fmt: skip


def _last_exported(path: str) -> tuple[int, str] | None:
    if path:
        try:
            with open(path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - 4096))
                lines = handle.read().decode("utf-8", "replace").strip().splitlines()
            last = json.loads(lines[-1]) if lines else None
        except (OSError, ValueError):
            return None
        return (last["seq"], last["hash"]) if last else None
    remembered = cache.get(EXPORTED_HEAD_KEY)
    return tuple(remembered) if remembered else None


EXPORTED_HEAD_KEY = "talentbase.audit.exported_head"


def export_signed_head(now: datetime | None = None) -> int:
    """Write the signed head as one JSON line to TALENTBASE_AUDIT_HEAD_FILE (appended) and to the log, when it
    moved since the last export: scheduled work (``audit.export_head``), so that a later
    ``audit_verify --heads FILE`` finds a chain that someone who could write the database rewrote, even with
    the key. Returns 1 when it wrote a head, 0 when the head had not moved."""
    head = signed_head(now)
    path = getattr(settings, "TALENTBASE_AUDIT_HEAD_FILE", "")
    if _last_exported(path) == (head["seq"], head["hash"]):
        return 0
    line = json.dumps(head, sort_keys=True)
    head_logger.info(line)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    cache.set(EXPORTED_HEAD_KEY, [head["seq"], head["hash"]], timeout=None)
    return 1


def verify_exported_heads(lines) -> list[str]:
    """Each exported head must be signed and still stand in the chain (its event's hash unchanged)."""
    problems = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            head = json.loads(line)
            at = datetime.fromisoformat(head["at"])
            signed = hmac.compare_digest(
                head_signature(head["seq"], head["hash"], at, head["key_id"]), head["signature"])  # fmt: skip
        except (ValueError, KeyError, TypeError, UnknownAuditKeyError):
            problems.append(f"exported head, line {number}: unreadable or signed with an unknown key")
            continue
        if not signed:
            problems.append(f"exported head, line {number}: signature does not match")
            continue
        if head["seq"] == 0:
            continue
        stored = AuditEvent.objects.filter(seq=head["seq"]).values_list("hash", flat=True).first()
        purged = AuditCheckpoint.objects.filter(upto_seq__gte=head["seq"]).exists()
        if stored is None and not purged:
            problems.append(f"exported head #{head['seq']}: the event is missing (events deleted)")
        elif stored is not None and stored != head["hash"]:
            problems.append(f"exported head #{head['seq']}: the chain was rewritten since it was exported")
    return problems


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
    key_id = audit_keys()[0]
    checkpoint = AuditCheckpoint.objects.create(
        upto_seq=last_old.seq,
        upto_hash=last_old.hash,
        upto_at=last_old.at,
        purged_count=count,
        key_id=key_id,
        signature=checkpoint_signature(last_old.seq, last_old.hash, last_old.at, key_id),
    )
    # The database trigger allows deleting exactly the events a checkpoint covers.
    models.QuerySet.delete(AuditEvent.objects.filter(seq__lte=last_old.seq))
    record_audit(actor=actor, verb=PURGE, reason=f"purged {count} events up to #{last_old.seq}")
    return checkpoint


def _export_head_due(now: datetime) -> int:
    return export_signed_head(now)


register_scheduled(
    "audit.export_head",
    _export_head_due,
    description="write the signed head of the audit chain where the database writer cannot reach",
)
