"""Benchmark: ``audit_verify`` over a keyed chain of 10^6 events.

    TALENTBASE_DEV=1 .venv/bin/python bench/audit_verify.py [--events 1000000] [--database-url postgres://…/tb_bench_audit]

Without ``--database-url`` (or DATABASE_URL) it runs on a fresh SQLite file in a temporary folder; a
PostgreSQL database (its name must contain "bench") is dropped, created, migrated, filled and dropped.

The fill: ``--events`` audit events chained as ``record_audit`` chains them (HMAC-SHA256 under the current
audit key), written in bulk (``core.imports.bulk.insert_rows``), the head set to the last one.

Measured in the same run:
(a)  ``core.audit.verify_chain()``: read every event in order and recompute its HMAC and links;
(b)  the floor of (a): the same rows read in the same order with nothing computed (``values_list`` over
     the same fields, iterated in the same chunks) — the work no verification can avoid;
(c)  the hashing alone: the HMACs of (a) recomputed over rows already in memory.
It prints (a), (b), (c) and (a)/(b); it checks that (a) reports no problem and exits 1 if it does.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _credentials as common  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    return parser.parse_args()


def fill(count: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from talentbase.core import audit
    from talentbase.core.imports import bulk
    from talentbase.core.models import GENESIS_HASH, AuditEvent, AuditHead

    key_id = audit.audit_keys()[0]
    prev, at = GENESIS_HASH, timezone.now()
    columns = ["seq", "at", "verb", "actor_id", "actor_label", "role", "organisation_id", "ip", "object_type",
               "object_id", "object_label", "changes", "reason", "prev_hash", "hash", "key_id"]  # fmt: skip
    chunk: list[tuple] = []
    with transaction.atomic():
        for seq in range(1, count + 1):
            event = AuditEvent(seq=seq, at=at, verb="update", actor_id=seq % 997, actor_label=f"user{seq % 997}",
                               role="employer", organisation_id=seq % 89, ip="10.0.0.1",
                               object_type="registry.person", object_id=str(seq), object_label=f"人员 {seq}",
                               changes={"status": ["active", "left"]}, reason="", prev_hash=prev, key_id=key_id)  # fmt: skip
            event.hash = audit.event_hash(event)
            prev = event.hash
            chunk.append(tuple(getattr(event, name) if name != "changes" else audit.json.dumps(event.changes)
                               for name in columns))  # fmt: skip
            if len(chunk) == 20_000:
                bulk.insert_rows(AuditEvent, columns, chunk)
                chunk = []
        if chunk:
            bulk.insert_rows(AuditEvent, columns, chunk)
        AuditHead.objects.update_or_create(pk=1, defaults={"seq": count, "hash": prev})


def read_floor() -> float:
    from talentbase.core.models import AuditEvent

    started = time.perf_counter()
    rows = AuditEvent.objects.order_by("seq").values_list(
        "seq", "at", "verb", "actor_id", "actor_label", "role", "organisation_id", "ip", "object_type", "object_id",
        "object_label", "changes", "reason", "prev_hash", "hash", "key_id",
    )  # fmt: skip
    for _row in rows.iterator(chunk_size=5000):
        pass
    return time.perf_counter() - started


def hashing_alone(limit: int = 200_000) -> tuple[float, int]:
    from talentbase.core import audit
    from talentbase.core.models import AuditEvent

    events = list(AuditEvent.objects.order_by("seq")[:limit])
    started = time.perf_counter()
    for event in events:
        audit.event_hash(event)
    return time.perf_counter() - started, len(events)


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="talentbase-bench-") as folder:
        url = common.prepare_environment(args.database_url, Path(folder))
        try:
            common.setup_django()
            run(args)
        finally:
            common.drop_database(url)


def run(args) -> None:
    from django.db import connection

    from talentbase.core import audit

    started = time.perf_counter()
    fill(args.events)
    common.analyze()
    print(f"{connection.vendor}: {args.events:,} keyed events written in {time.perf_counter() - started:.1f} s")
    floor = read_floor()
    started = time.perf_counter()
    checked, problems = audit.verify_chain()
    verify = time.perf_counter() - started
    hashing, hashed = hashing_alone()
    print(f"(a) verify_chain:          {verify:8.2f} s  ({checked:,} events, {checked / verify:,.0f} events/s)")
    print(f"(b) floor, read only:      {floor:8.2f} s")
    print(f"(c) HMACs alone:           {hashing * checked / max(hashed, 1):8.2f} s  (extrapolated from {hashed:,})")
    print(f"(a)/(b):                   {verify / floor:8.2f}")
    if problems or checked != args.events:
        print(f"FAILED: {len(problems)} problems, {checked} events checked: {problems[:3]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
