"""Benchmark: HR's export of 10^5 certificates imported through the machinery, against the raw read of the file.

    TALENTBASE_DEV=1 .venv/bin/python bench/import_certificates.py [--rows 100000] [--errors 0.01]
        [--database-url postgres://…/tb_bench_certs]

Without ``--database-url`` (or DATABASE_URL) it runs on a fresh SQLite file in a temporary folder; with a
PostgreSQL URL (the name must contain "bench") that database is dropped, created, migrated and dropped at
the end. Everything else (keys, uploaded files, the error report) lives in the temporary folder too.

It builds the demo world (organisations, one login per role), registers the holders in bulk
(``--persons``, by default 4/5 of the rows, so that some hold two certificates; checksum-valid ID numbers,
encrypted and hashed), and writes HR's table as an .xlsx with xlsxwriter: the 11 columns 姓名, 证件类型,
证件号码, 所在单位, 职业名称, 工种名称, 等级, 证书编号, 发证日期, 评价机构, 发证机构, one certificate a row, with
22-character skill-level numbers (Y/S, institution 0000, province 31, site, year, level digit, serial)
for levels the occupation offers. A share ``--errors`` of rows is bad: half with a wrong year in the
number, half with a level digit that contradicts the 等级 column, so that the error report is part of the
run. Then it measures:

- raw read: python-calamine iterating every row of the sheet (the median of 3 runs), the baseline;
- the import as HR runs it (role "hr", policy "valid only"): upload → preview job (read, check every row:
  ID number, occupation, level offered, number against year / level / province, duplicates in the file,
  holders and numbers against the registry; error report; stage) → commit job (re-check, publish records
  and level entries with COPY / executemany in one transaction, audit event).

It prints both, their ratio, the publishing transaction, rows per second, the peak resident memory of
the process and the counts (created, errors by kind); ``--profile`` adds the top functions of the preview
and the commit (cProfile, cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _credentials as common  # noqa: E402 — the bench folder's own helper
from _imports import raw_read, run_import, top  # noqa: E402

HEADERS = ["姓名", "证件类型", "证件号码", "所在单位", "职业名称", "工种名称", "等级", "证书编号", "发证日期", "评价机构",
           "发证机构"]  # fmt: skip
ISSUER = "上海市职业技能鉴定中心"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--persons", type=int, default=0, help="holders registered first (default 4/5 of rows)"
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument(
        "--errors", type=float, default=0.01, help="share of bad rows (wrong year or level digit)"
    )
    parser.add_argument("--profile", action="store_true", help="profile the preview and the commit")
    parser.add_argument("--seed", type=int, default=20261125)
    return parser.parse_args()


def hr_actor():
    from talentbase.accounts.actors import actor_for_membership
    from talentbase.accounts.models import User
    from talentbase.demo.world import build_world

    build_world()
    return actor_for_membership(User.objects.get(username="hr").memberships.get())


def write_file(path: Path, rows: int, error_share: float, persons, rng: random.Random) -> dict[str, int]:
    """HR's export; returns the number of bad rows by kind."""
    import xlsxwriter

    from talentbase.catalog.models import Level, Occupation
    from talentbase.orgs.models import Organisation

    offered = [
        (occupation, level)
        for occupation in Occupation.objects.filter(is_active=True)
        .prefetch_related("levels")
        .order_by("code")
        for level in occupation.levels.all()
        if level.national_number
    ]
    names = [occupation.name for occupation in Occupation.objects.all()]
    offered = [(o, lvl) for o, lvl in offered if names.count(o.name) == 1]  # a name that says one occupation
    employers = list(Organisation.objects.filter(kinds__code="employer").values_list("name", flat=True))
    evaluators = list(
        Organisation.objects.filter(kinds__code__in=["social_evaluation", "employer_evaluation"]).values_list(
            "name", flat=True
        )
    )
    assert Level.objects.filter(national_number__isnull=False).count() == 5
    first, span = (
        datetime.date(2005, 1, 1).toordinal(),
        (datetime.date(2025, 12, 31) - datetime.date(2005, 1, 1)).days,
    )
    bad = {"year": 0, "level": 0}
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for row in range(1, rows + 1):
        _pk, name, id_number = rng.choice(persons)
        occupation, level = rng.choice(offered)
        issued = datetime.date.fromordinal(first + rng.randrange(span + 1))
        year, digit = issued.year % 100, level.national_number
        if rng.random() < error_share:
            if rng.random() < 0.5:
                year = (year + rng.randint(1, 5)) % 100
                bad["year"] += 1
            else:
                digit = rng.choice([d for d in range(1, 6) if d != digit])
                bad["level"] += 1
        index = row - 1
        number = (
            f"{rng.choice('YS')}000031{100 + index // 1_000_000:06d}{year:02d}{digit}{index % 1_000_000:06d}"
        )
        sheet.write_row(row, 0, [name, "居民身份证", id_number, rng.choice(employers), occupation.name,
                                 occupation.name if rng.random() < 0.3 else "", level.name, number,
                                 issued.isoformat(), rng.choice(evaluators), ISSUER])  # fmt: skip
    workbook.close()
    return bad


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="talentbase-bench-") as folder:
        work = Path(folder)
        url = common.prepare_environment(args.database_url, work)
        try:
            common.setup_django()
            run(args, work, url)
        finally:
            common.drop_database(url)


def run(args, work: Path, url: str) -> None:  # noqa: PLR0915 — one straight report
    from django.db import connection, connections

    from talentbase.core.imports.models import ImportRowError
    from talentbase.legacy_certificates.models import CertificateRecord
    from talentbase.registry.models import LevelEntry

    rng = random.Random(args.seed)
    mark = time.perf_counter()
    actor = hr_actor()
    persons = common.register_persons(args.persons or max(1, args.rows * 4 // 5), rng)
    common.analyze()
    setup_s = time.perf_counter() - mark
    path = work / "certificates.xlsx"
    mark = time.perf_counter()
    bad = write_file(path, args.rows, args.errors, persons, rng)
    write_s = time.perf_counter() - mark
    bad_rows = sum(bad.values())
    size = path.stat().st_size
    connections.close_all()  # measure on a fresh connection with the production settings

    raw = statistics.median(raw_read(path) for _ in range(3))

    preview_profile = cProfile.Profile() if args.profile else None
    commit_profile = cProfile.Profile() if args.profile else None
    records_before, entries_before = CertificateRecord.objects.count(), LevelEntry.objects.count()
    timing = run_import(actor, "credentials.certificates", path, preview_profile=preview_profile,
                        commit_profile=commit_profile)  # fmt: skip
    batch = timing.batch
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    created = CertificateRecord.objects.count() - records_before
    entries = LevelEntry.objects.count() - entries_before
    messages: dict[str, int] = {}
    for message in ImportRowError.objects.filter(batch_id=batch.pk).values_list("message", flat=True):
        kind = "year" if "年份" in message else "level" if "等级" in message else message
        messages[kind] = messages.get(kind, 0) + 1

    preview_s, commit_s, total = timing.preview_s, timing.commit_s, timing.total_s
    print(f"certificate import bench: {args.rows} rows x {len(HEADERS)} columns ({size / 1e6:.1f} MB xlsx), "
          f"{bad_rows} bad rows (wrong year {bad['year']}, contradicting level digit {bad['level']}), "
          f"{len(persons):,} holders registered; importer role {actor.role}, policy valid_only; "
          f"database {connection.vendor} ({url.split('@')[-1]})")  # fmt: skip
    print(f"  setup (world, holders): {setup_s:.1f} s; writing the xlsx: {write_s:.1f} s")
    print(f"  raw read (python-calamine, all rows, median of 3): {raw:.2f} s")
    print(f"  import: preview {preview_s:.2f} s + commit {commit_s:.2f} s = total {total:.2f} s")
    print(f"  ratio total / raw read: {total / raw:.2f}; preview alone: {preview_s / raw:.2f}; "
          f"commit alone: {commit_s / raw:.2f}")  # fmt: skip
    print(f"  the publishing transaction (write lock held): {timing.publish_s:.2f} s")
    print(f"  rows/s: {args.rows / total:,.0f}")
    print(f"  peak memory (max RSS of this process): {peak_mb:.0f} MB")
    print(f"  batch: total {batch.total_rows}, valid {batch.valid_rows}, errors {batch.error_rows}, "
          f"written {batch.written_rows}; records created {created}, level entries created {entries}; "
          f"errors by kind {messages}; error report {'written' if batch.error_report else 'none'}")  # fmt: skip
    problems = []
    if created != args.rows - bad_rows or batch.written_rows != created:
        problems.append(f"created {created}, expected {args.rows - bad_rows}")
    if batch.error_rows != bad_rows or messages != {k: v for k, v in bad.items() if v}:
        problems.append(f"errors {batch.error_rows} {messages}, expected {bad_rows} {bad}")
    if entries != created:
        problems.append(f"level entries {entries} for {created} records")
    if bad_rows and not batch.error_report:
        problems.append("no error report")
    for problem in problems:
        print(f"  CHECK FAILED: {problem}")
    if args.profile:
        print("  profile of the preview (upload → run_preview), top by cumulative time:")
        print(top(preview_profile))
        print("  profile of the preview, top by own time:")
        print(top(preview_profile, 20, "tottime"))
        print("  profile of the commit (commit → run_import), top by cumulative time:")
        print(top(commit_profile))
        print("  profile of the commit, top by own time:")
        print(top(commit_profile, 12, "tottime"))
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
