"""Benchmark: eligibility of 10^4 applications against a 10^6-person registry, against one ``level_on`` call.

    TALENTBASE_DEV=1 .venv/bin/python bench/eligibility.py [--persons 1000000] [--applications 10000]
        [--database-url postgres://…/tb_bench_eligibility]

A scratch database (a SQLite file in a temporary folder, or a PostgreSQL database whose name contains
"bench", dropped and created) is filled in bulk: ``--persons`` persons, each with an employment (40 % in the
occupation asked, a quarter of those with an earlier one), a confirmed level entry for 30 % (五级 to 二级,
in the occupation for most), an education record or a title for a few. Then ANALYZE.

For ``--applications`` persons drawn from those working in the occupation, on one date:
(a) the floor: ``registry.levels.level_on(person, occupation, date)``, the one lookup any eligibility check
    makes (one indexed query);
(b) the real path: ``evaluation.eligibility.Checker.check`` (what a batch application runs per row) against
    the 2018-template paths of 三级 of the occupation's national version: the career read from the registry
    in one query — levels, employment in the trade and related trades, education, titles, age — and every
    path checked.

Printed: the time per call of both and the ratio (b)/(a) (target ≤ 20×), and how many were eligible.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _credentials as common  # noqa: E402 — the bench folder's own helper

OCCUPATION = "4-09-10-01"
ON = datetime.date(2026, 6, 30)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    return parser.parse_args()


def fill(persons, rng) -> list[int]:
    """Employments, level entries, education and titles in bulk; the persons working in the occupation."""
    from django.db import connection, transaction
    from django.utils import timezone

    from talentbase.catalog.models import Level, Occupation
    from talentbase.core.imports import bulk
    from talentbase.orgs.models import Organisation
    from talentbase.registry.models import EducationRecord, Employment, LevelEntry, ProfessionalTitle

    occupation = Occupation.objects.get(code=OCCUPATION)
    others = list(Occupation.objects.exclude(pk=occupation.pk).values_list("pk", flat=True)[:8])
    employers = list(Organisation.objects.values_list("pk", flat=True)[:20])
    levels = {level.rank: level.pk for level in Level.objects.exclude(national_number=None)}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    in_trade, jobs, entries, schools, titles = [], [], [], [], []
    for person in persons:
        trade = occupation.pk if rng.random() < 0.4 else rng.choice(others)
        start = datetime.date(rng.randint(1995, 2025), rng.randint(1, 12), 1)
        jobs.append((person, rng.choice(employers), trade, start, None))
        if trade == occupation.pk:
            in_trade.append(person)
            if rng.random() < 0.25:
                earlier = datetime.date(max(1990, start.year - rng.randint(1, 8)), 1, 1)
                jobs.append((person, rng.choice(employers), trade, earlier, start - datetime.timedelta(days=30)))
        if rng.random() < 0.3:
            rank = rng.randint(1, 4)
            entries.append((person, occupation.pk if rng.random() < 0.8 else trade, levels[rank], rank,
                            datetime.date(rng.randint(2005, 2024), 6, 1)))  # fmt: skip
        if rng.random() < 0.05:
            schools.append((person, rng.choice(["technical", "senior_technical", "college"]), occupation.pk,
                            datetime.date(rng.randint(1995, 2020), 7, 1)))  # fmt: skip
        if rng.random() < 0.02:
            titles.append((person, rng.choice(["junior", "intermediate"]), datetime.date(rng.randint(2005, 2024), 1, 1)))
    with transaction.atomic():
        ids = bulk.allocate_ids(Employment, len(jobs))
        bulk.insert_rows(Employment, ["id", "person_id", "employer_id", "occupation_id", "position", "department",
                                      "start_date", "end_date", "site", "end_reason", "end_note", "created_at"],
                         ((pk, p, e, o, "", "", s, end, "", "", "", now) for pk, (p, e, o, s, end) in zip(ids, jobs, strict=True)))  # fmt: skip
        ids = bulk.allocate_ids(LevelEntry, len(entries))
        bulk.insert_rows(LevelEntry, ["id", "person_id", "occupation_id", "level_id", "rank", "valid_from", "valid_to",
                                      "confirmed", "source_kind", "source_id", "end_reason", "created_at", "updated_at"],
                         ((pk, p, o, lv, r, f, None, True, "certificate_record", pk, "", now, now)
                          for pk, (p, o, lv, r, f) in zip(ids, entries, strict=True)))  # fmt: skip
        EducationRecord.objects.bulk_create([EducationRecord(person_id=p, school_type=t, school="学校", trade_id=o,
                                                             completed_on=d) for p, t, o, d in schools], batch_size=5000)  # fmt: skip
        ProfessionalTitle.objects.bulk_create([ProfessionalTitle(person_id=p, name="职称", grade=g, issued_on=d)
                                               for p, g, d in titles], batch_size=5000)  # fmt: skip
    common.analyze()
    return in_trade


def timed(calls) -> float:
    started = time.perf_counter()
    for call in calls:
        call()
    return time.perf_counter() - started


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="tb-bench-eligibility-") as folder:
        url = common.prepare_environment(args.database_url, Path(folder))
        try:
            common.setup_django()
            return run(args)
        finally:
            common.drop_database(url)


def run(args) -> int:
    from django.db import connection

    from talentbase.catalog.models import Level, Occupation
    from talentbase.evaluation.eligibility import Checker
    from talentbase.evaluation.models import StandardVersion
    from talentbase.registry.levels import level_on

    rng = random.Random(20231201)
    started = time.perf_counter()
    persons = [pk for pk, _name, _number in common.register_persons(args.persons, rng)]
    in_trade = fill(persons, rng)
    print(f"{connection.vendor}: {len(persons)} persons, {len(in_trade)} in the occupation, "
          f"filled in {time.perf_counter() - started:.0f} s")  # fmt: skip
    occupation = Occupation.objects.get(code=OCCUPATION)
    version = StandardVersion.objects.get(occupation=occupation, kind="national", state="filed")
    level3 = Level.objects.get(code="level3")
    sample = rng.sample(in_trade, min(args.applications, len(in_trade)))
    floor, real = [], []
    eligible = 0
    for run_number in range(args.runs + 1):  # the first run warms the caches and is not counted
        a = timed(lambda p=p: level_on(p, occupation, ON) for p in sample)
        answers: list[bool] = []
        checker = Checker(version, level3)
        b = timed(lambda p=p, out=answers, c=checker: out.append(c.check(p, ON).eligible) for p in sample)
        eligible = sum(answers)
        if run_number:
            floor.append(a)
            real.append(b)
    per_floor = statistics.median(floor) / len(sample) * 1e6
    per_real = statistics.median(real) / len(sample) * 1e6
    print(f"{len(sample)} applications for 三级 on {ON}, median of {args.runs} runs; {eligible} eligible")
    print(f"  level_on (floor)   {per_floor:8.1f} µs a call")
    print(f"  eligibility        {per_real:8.1f} µs an application")
    print(f"  ratio check / level_on: {per_real / per_floor:.1f}× (target ≤ 20×)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
