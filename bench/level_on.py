"""Benchmark: the level of 10^5 persons in one occupation on one date, against a registry of 10^6 certificates.

    TALENTBASE_DEV=1 .venv/bin/python bench/level_on.py [--persons 100000] [--certificates 1000000]
        [--database-url postgres://…/tb_bench_levels]

Without ``--database-url`` (or DATABASE_URL) it runs on a fresh SQLite file in a temporary folder; with a
PostgreSQL URL (the name must contain "bench") that database is dropped, created, migrated, filled and
dropped at the end. Everything else (keys, files) lives in the temporary folder too.

The fill, in bulk (COPY on PostgreSQL, executemany in one transaction on SQLite, PERFORMANCE.md):
``--persons`` persons (checksum-valid, encrypted and hashed ID numbers) and ``--certificates`` certificate
records (``credentials.CertificateRecord``, 22-character skill-level numbers) spread over a handful of
occupations (园林绿化工 takes 40 %) and issue dates 2005–2025, each person climbing the ladder in an
occupation (五级 first, one level up per later certificate); 3 % revoked (the level entry ends on the
revocation date), 8 % declared (not confirmed); a few issued or revoked exactly on the asked date. Each
record has its ``registry.LevelEntry`` as the import writes it. Then ANALYZE (VACUUM ANALYZE on PostgreSQL).

Measured (median of ``--runs`` runs after one warm-up run):

(a)  ``registry.levels.levels_on(the persons, occupation, date)``, the bulk path;
(b)  the baseline: the plain indexed scan of the certificate table answering the same question for
     certificates *valid today* — ``SELECT person_id, MAX(rank)`` over ``credentials_certificaterecord``
     joined to ``catalog_level``, occupation = X, issued_on <= D, status valid, confirmed, for the same
     persons in the same chunks (``IN`` lists on SQLite, ``= ANY(array)`` on PostgreSQL) — first with the
     table's own (occupation, level, issued_on) index, then with an (occupation, person, issued_on) index
     that the bench adds (the shape of the level entries' index); the ratio uses the latter;
(c)  ``registry.levels.level_on`` one person at a time for ``--sample`` persons, extrapolated to all;

Checks: (a) against an answer computed in Python from the generated data (every person, revocations and
declared records included); (b) against (a) on the persons without a revoked record in the occupation
(the baseline ignores when a revocation took effect); (c) against (a) on its sample. A mismatch is
printed and the exit status is 1.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _credentials as common  # noqa: E402 — the bench folder's own helper

TARGET_OCCUPATION = "4-09-10-01"  # 园林绿化工: offers 五级 … 一级
REVOKED_SHARE = 0.03
DECLARED_SHARE = 0.08
FIRST_DAY, LAST_DAY = datetime.date(2005, 1, 1), datetime.date(2025, 12, 31)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000, help="persons registered, all of them asked")
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--on", default="2020-06-30", help="the date asked")
    parser.add_argument("--occupations", type=int, default=6, help="occupations the certificates spread over")
    parser.add_argument("--sample", type=int, default=1000, help="persons asked one at a time for (c)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="print the query plans of (a) and (b)")
    parser.add_argument("--seed", type=int, default=20261125)
    return parser.parse_args()


# --- The fill


def pick_occupations(count: int):
    """The target occupation and ``count - 1`` others, each offering the five national levels."""
    from django.db.models import Count, Q

    from talentbase.catalog.models import Occupation

    offering = (
        Occupation.objects.annotate(national=Count("levels", filter=Q(levels__national_number__isnull=False)))
        .filter(national=5)
        .order_by("code")
    )
    target = offering.get(code=TARGET_OCCUPATION)
    others = [o for o in offering if o.pk != target.pk][: count - 1]
    return [target, *others]


def generate(args, person_ids: list[int], occupations, on: datetime.date, rng: random.Random):
    """The certificates, in order of issue: (person, occupation id, national level number, issued_on,
    revoked_on or None, confirmed)."""
    weights = (
        [0.4] + [0.6 / (len(occupations) - 1)] * (len(occupations) - 1) if len(occupations) > 1 else [1.0]
    )
    occupation_ids = [o.pk for o in occupations]
    groups: dict[tuple[int, int], int] = {}
    for person, occupation in zip(
        rng.choices(person_ids, k=args.certificates), rng.choices(occupation_ids, weights, k=args.certificates),
        strict=True,
    ):  # fmt: skip
        groups[(person, occupation)] = groups.get((person, occupation), 0) + 1
    first, span = FIRST_DAY.toordinal(), (LAST_DAY - FIRST_DAY).days
    last_ordinal = LAST_DAY.toordinal()
    certificates = []
    for (person, occupation), count in groups.items():
        days = sorted(first + rng.randrange(span + 1) for _ in range(count))
        if rng.random() < 0.002:
            days[rng.randrange(count)] = on.toordinal()  # issued on the day asked: it counts
            days.sort()
        start = 5 if rng.random() < 0.7 else 4
        for step, day in enumerate(days):
            revoked = None
            if rng.random() < REVOKED_SHARE:
                if rng.random() < 0.05:
                    revoked = max(on.toordinal(), day)  # revoked on the day asked: it no longer counts
                else:
                    revoked = min(day + rng.randrange(3000), last_ordinal)
            certificates.append((person, occupation, max(1, start - step), day, revoked,
                                 rng.random() >= DECLARED_SHARE))  # fmt: skip
    certificates.sort(key=lambda c: c[3])
    return certificates


def fill(args, on: datetime.date, rng: random.Random) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from talentbase.catalog.models import CertificateNumberFormat, Level
    from talentbase.core.imports import bulk
    from talentbase.legacy_certificates.importers import RECORD_COLUMNS
    from talentbase.legacy_certificates.models import CertificateRecord
    from talentbase.registry.levels import LEVEL_COLUMNS
    from talentbase.registry.models import LevelEntry, LevelSource

    timings = {}
    mark = time.perf_counter()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB for the fill's index writes only
            cursor.execute("PRAGMA synchronous = OFF")
    persons = common.register_persons(args.persons, rng)
    person_ids = [pk for pk, _name, _number in persons]
    timings["persons"] = time.perf_counter() - mark

    mark = time.perf_counter()
    occupations = pick_occupations(args.occupations)
    certificates = generate(args, person_ids, occupations, on, rng)
    timings["generate"] = time.perf_counter() - mark

    levels = {level.national_number: level for level in Level.objects.filter(national_number__isnull=False)}
    number_format = CertificateNumberFormat.objects.get(code="skill_level_22").pk
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    records_seconds = entries_seconds = 0.0
    target = occupations[0].pk
    # What the answer must be, from the data itself: the target occupation's entries.
    target_entries: list[tuple[int, int, int, int | None, bool]] = []
    revoked_in_target: set[int] = set()
    chunk = 50_000
    with transaction.atomic():
        for start in range(0, len(certificates), chunk):
            part = certificates[start : start + chunk]
            ids = bulk.allocate_ids(CertificateRecord, len(part))
            records, entries = [], []
            for index, (pk, (person, occupation, digit, day, revoked, confirmed)) in enumerate(
                zip(ids, part, strict=True), start=start
            ):
                level = levels[digit]
                issued = datetime.date.fromordinal(day)
                ended = datetime.date.fromordinal(revoked) if revoked else None
                number = f"S000031{100 + index // 1_000_000:06d}{issued.year % 100:02d}{digit}{index % 1_000_000:06d}"
                records.append((
                    pk, person, "skill_level", number, number_format, occupation, "", "", level.pk, issued,
                    "上海市职业技能鉴定中心", None, "", None, None, "confirmed" if confirmed else "declared",
                    now if confirmed else None, None, "revoked" if revoked else "valid", ended,
                    "撤销" if revoked else "", None, "hr_import", None, None, now, now,
                ))  # fmt: skip
                entries.append((person, occupation, level.pk, level.rank, issued, ended, confirmed,
                                LevelSource.LEGACY_CERTIFICATE, pk, "撤销" if revoked else "", now, now))  # fmt: skip
                if occupation == target:
                    target_entries.append((person, level.rank, day, revoked, confirmed))
                    if revoked:
                        revoked_in_target.add(person)
            mark = time.perf_counter()
            bulk.insert_rows(CertificateRecord, RECORD_COLUMNS, records)
            records_seconds += time.perf_counter() - mark
            mark = time.perf_counter()
            bulk.insert_rows(LevelEntry, LEVEL_COLUMNS, entries)
            entries_seconds += time.perf_counter() - mark
    timings["records"] = records_seconds
    timings["entries"] = entries_seconds
    mark = time.perf_counter()
    common.analyze()
    timings["analyze"] = time.perf_counter() - mark
    return {
        "timings": timings,
        "person_ids": person_ids,
        "occupations": occupations,
        "target_entries": target_entries,
        "revoked_in_target": revoked_in_target,
        "certificates": len(certificates),
    }


def expected_levels(target_entries, on: datetime.date, *, include_declared: bool) -> dict[int, int]:
    """{person id: rank} from the generated entries: the highest covering [valid_from, valid_to)."""
    day = on.toordinal()
    best: dict[int, int] = {}
    for person, rank, start, revoked, confirmed in target_entries:
        if not (confirmed or include_declared):
            continue
        end = max(revoked, start) if revoked else None  # end_level never ends an entry before it starts
        if start <= day and (end is None or end > day) and rank > best.get(person, -1):
            best[person] = rank
    return best


# --- The baseline


def baseline_levels(person_ids: list[int], occupation_id: int, on: datetime.date) -> dict[int, int]:
    """{person id: rank} from the certificate table: confirmed, valid today, issued on or before ``on``."""
    from django.db import connection

    from talentbase.catalog.models import Level
    from talentbase.legacy_certificates.models import CertificateRecord
    from talentbase.registry.levels import PERSON_CHUNK

    records = connection.ops.quote_name(CertificateRecord._meta.db_table)
    level = connection.ops.quote_name(Level._meta.db_table)
    sql = (
        f"SELECT r.person_id, MAX(l.rank) FROM {records} r JOIN {level} l ON l.id = r.level_id "  # noqa: S608
        "WHERE r.occupation_id = %s AND r.issued_on <= %s AND r.status = 'valid' AND r.confirmation = 'confirmed'"
    )
    found: dict[int, int] = {}
    ids = sorted(set(person_ids))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), PERSON_CHUNK):
            chunk = ids[start : start + PERSON_CHUNK]
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"{sql} AND r.person_id = ANY(%s) GROUP BY r.person_id", [occupation_id, on, chunk]
                )
            else:
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"{sql} AND r.person_id IN ({marks}) GROUP BY r.person_id", [occupation_id, on, *chunk]
                )
            found.update(cursor.fetchall())
    return found


def explain_first_chunk(kind: str, person_ids: list[int], occupation_id: int, on: datetime.date) -> str:
    """The plan of the first chunk's query of (a) or (b), captured as the code runs it."""
    from django.db import connection

    from talentbase.registry import levels

    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        if kind == "a":
            levels.levels_on(person_ids[: levels.PERSON_CHUNK], occupation_id, on)
        else:
            baseline_levels(person_ids[: levels.PERSON_CHUNK], occupation_id, on)
    sql, params = captured[-1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        lines = ("      " + " ".join(str(c) for c in row if c is not None) for row in cursor.fetchall())
        return "\n".join(re.sub(r"'\{[0-9,]{80,}\}'", "'{…ids…}'", line) for line in lines)


PLAN_INDEX = re.compile(
    r"(?:USING (?:COVERING )?INDEX|Index (?:Only )?Scan using|Bitmap Index Scan on|Seq Scan on|SCAN) (\S+)"
)


def plan_index(kind: str, person_ids, occupation_id, on) -> str:
    """Which indexes (or table scans) the first chunk's plan of (a) or (b) reads."""
    plan = explain_first_chunk(kind, person_ids, occupation_id, on)
    names = [name for name in PLAN_INDEX.findall(plan) if name != "l" and "catalog_level" not in name]
    return ", ".join(dict.fromkeys(names)) or plan.strip()


# --- Measuring


def timed(function, runs: int):
    function()  # warm-up: caches, prepared plans
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    args = parse_args()
    on = datetime.date.fromisoformat(args.on)
    rng = random.Random(args.seed)
    failures = []
    with tempfile.TemporaryDirectory(prefix="talentbase-bench-") as folder:
        url = common.prepare_environment(args.database_url, Path(folder))
        try:
            common.setup_django()
            run(args, on, rng, url, failures)
        finally:
            common.drop_database(url)
    if failures:
        sys.exit(1)


def run(args, on, rng, url, failures) -> None:  # noqa: PLR0915 — one straight report
    from django.db import connection, connections

    from talentbase.legacy_certificates.models import CertificateRecord
    from talentbase.registry import levels
    from talentbase.registry.models import LevelEntry

    started = time.perf_counter()
    data = fill(args, on, rng)
    fill_seconds = time.perf_counter() - started
    connections.close_all()  # measure on a fresh connection with the production settings
    occupation = data["occupations"][0]
    asked = data["person_ids"]
    print(f"level_on bench: {len(asked):,} persons, {data['certificates']:,} certificate records "
          f"({CertificateRecord.objects.count():,} rows) and {LevelEntry.objects.count():,} level entries over "
          f"{len(data['occupations'])} occupations; database {connection.vendor} ({url.split('@')[-1]})")  # fmt: skip
    print("  fill (s): " + ", ".join(f"{k} {v:.1f}" for k, v in data["timings"].items())
          + f"; total {fill_seconds:.1f}")  # fmt: skip
    in_target = sum(1 for _ in data["target_entries"])
    print(f"  question: level in {occupation.name} ({occupation.code}, {in_target:,} records) on {on}, "
          f"for {len(asked):,} persons at once; median of {args.runs} runs after a warm-up")  # fmt: skip

    # (a) the bulk path
    a_seconds, answer = timed(lambda: levels.levels_on(asked, occupation, on), args.runs)
    answer_ranks = {pk: level.rank for pk, level in answer.items()}
    print(f"  (a) levels_on(persons, occupation, date):               {a_seconds * 1000:9.1f} ms  "
          f"{len(answer):,} persons with a level; plan: {plan_index('a', asked, occupation.pk, on)}")  # fmt: skip
    plan_a = explain_first_chunk("a", asked, occupation.pk, on) if args.explain else ""
    everyone_seconds, everyone = timed(lambda: levels.levels_on(None, occupation, on), args.runs)
    print(f"      levels_on(None, …) (everyone in the occupation):     {everyone_seconds * 1000:9.1f} ms  "
          f"{len(everyone):,} persons")  # fmt: skip
    declared_seconds, declared = timed(
        lambda: levels.levels_on(asked, occupation, on, include_declared=True), args.runs
    )
    print(f"      levels_on(…, include_declared=True):                 {declared_seconds * 1000:9.1f} ms  "
          f"{len(declared):,} persons")  # fmt: skip

    # (b) the baseline: first with the table's own index, then with one shaped like the entries' index
    existing_index = plan_index("b", asked, occupation.pk, on)
    b0_seconds, _ = timed(lambda: baseline_levels(asked, occupation.pk, on), args.runs)
    print(f"  (b0) baseline on the certificate table, existing index:  {b0_seconds * 1000:9.1f} ms  "
          f"plan: {existing_index}")  # fmt: skip
    table = connection.ops.quote_name(CertificateRecord._meta.db_table)
    mark = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX bench_record_occ_person_idx ON {table} (occupation_id, person_id, issued_on)"
        )
        cursor.execute(f"ANALYZE {table}")
    index_seconds = time.perf_counter() - mark
    added_index = plan_index("b", asked, occupation.pk, on)
    b_seconds, baseline = timed(lambda: baseline_levels(asked, occupation.pk, on), args.runs)
    print(f"  (b) baseline, + index (occupation, person, issued_on):   {b_seconds * 1000:9.1f} ms  "
          f"{len(baseline):,} persons; plan: {added_index} (index built in {index_seconds:.1f} s)")  # fmt: skip
    print(f"  ratio (a)/(b): {a_seconds / b_seconds:.2f}    (a)/(b0): {a_seconds / b0_seconds:.2f}")

    # (c) one person at a time
    sample = rng.sample(asked, min(args.sample, len(asked)))
    c_seconds, one_by_one = timed(
        lambda: {pk: levels.level_on(pk, occupation, on) for pk in sample}, args.runs
    )
    extrapolated = c_seconds * len(asked) / len(sample)
    print(f"  (c) level_on one person at a time: {len(sample):,} persons {c_seconds * 1000:.1f} ms "
          f"({c_seconds / len(sample) * 1e6:.0f} µs each) → {len(asked):,} persons ≈ {extrapolated:.1f} s, "
          f"{extrapolated / a_seconds:.0f} × (a)")  # fmt: skip

    # Checks
    def report(label: str, mismatches: list) -> None:
        if mismatches:
            failures.append(label)
            print(f"  CHECK FAILED {label}: {len(mismatches)} mismatches, e.g. {mismatches[:5]}")
        else:
            print(f"  check {label}: agree")

    expected = expected_levels(data["target_entries"], on, include_declared=False)
    asked_set = set(asked)
    expected = {pk: rank for pk, rank in expected.items() if pk in asked_set}
    report(
        f"(a) = answer computed from the generated data ({len(expected):,} persons)",
        [(pk, expected.get(pk), answer_ranks.get(pk)) for pk in asked_set if expected.get(pk) != answer_ranks.get(pk)],
    )  # fmt: skip
    expected_declared = expected_levels(data["target_entries"], on, include_declared=True)
    declared_ranks = {pk: level.rank for pk, level in declared.items()}
    report(
        "(a, include_declared) = computed answer",
        [(pk, expected_declared.get(pk), declared_ranks.get(pk)) for pk in asked_set
         if expected_declared.get(pk) != declared_ranks.get(pk)],
    )  # fmt: skip
    report(
        "levels_on(None) = levels_on(all persons)",
        [(pk, everyone[pk].rank, answer_ranks.get(pk)) for pk in everyone if everyone[pk].rank != answer_ranks.get(pk)]
        + [(pk, None, rank) for pk, rank in answer_ranks.items() if pk not in everyone],
    )  # fmt: skip
    clean = [pk for pk in asked if pk not in data["revoked_in_target"]]
    report(
        f"(b) = (a) on the {len(clean):,} persons without a revoked record in the occupation",
        [(pk, baseline.get(pk), answer_ranks.get(pk)) for pk in clean if baseline.get(pk) != answer_ranks.get(pk)],
    )  # fmt: skip
    differ = sum(1 for pk in data["revoked_in_target"] if baseline.get(pk) != answer_ranks.get(pk))
    print(f"      (on the {len(data['revoked_in_target']):,} persons with a revocation, (b) differs from (a) for "
          f"{differ:,}: the baseline drops a revoked certificate even on dates before its revocation)")  # fmt: skip
    report(
        f"(c) = (a) on the sample of {len(sample):,}",
        [(pk, level and level.rank, answer_ranks.get(pk)) for pk, level in one_by_one.items()
         if (level and level.rank) != answer_ranks.get(pk)],
    )  # fmt: skip
    if args.explain:
        print("  plan of (a), first chunk (with the migrations' indexes only):\n" + plan_a)
        print(
            "  plan of (b), first chunk (with the added index):\n"
            + explain_first_chunk("b", asked, occupation.pk, on)
        )


if __name__ == "__main__":
    main()
