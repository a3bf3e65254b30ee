"""Benchmark: issuing 10^4 certificates of one session through the real path, against the bare insert of the
same rows, measured in the same run.

    TALENTBASE_DEV=1 .venv/bin/python bench/issue_certificates.py [--candidates 10000] [--runs 3]
        [--database-url postgres://…/tb_bench_issue]

A scratch database (a SQLite file in a temporary folder, or a PostgreSQL database whose name contains
"bench", dropped and created) gets an institution with a filing in force, an acknowledged plan, and for each
run a session in issuance with ``--candidates`` accepted candidates (persons written in bulk) who passed
both parts, one in fifty with an objection open (held back).

(a) the real path: ``certificates.issuing.issue_certificates`` — results read from the scores, objections,
    the counter locked once for the block of numbers, the rows and their level entries inserted in bulk,
    one audit event;
(b) the floor: the same certificate rows inserted with the bulk writer alone (``insert_rows``), numbers and
    ids prepared beforehand — what any issuance must write — with their foreign keys checked (PostgreSQL
    checks them at commit: the floor sets them immediate, then rolls back).

Printed: certificates/s of both and the ratio (a)/(b) (target ≥ 0.3). Checks: every candidate not held back
has one certificate, numbers consecutive from 000001, one level entry each; a mismatch exits 1.
"""

from __future__ import annotations

import argparse
import dataclasses
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


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    return parser.parse_args()


def world(rng):
    from talentbase.catalog.models import Level, Occupation
    from talentbase.evaluation.models import EvaluationPlan, PlanLine, PlanState, StandardVersion
    from talentbase.orgs.models import EvaluationFiling, FilingState, Organisation, OrganisationKind

    institution = Organisation.objects.create(name="基准测试评价机构")
    institution.kinds.set(OrganisationKind.objects.filter(code="social_evaluation"))
    occupation = Occupation.objects.get(code=OCCUPATION)
    level = Level.objects.get(code="level4")
    filing = EvaluationFiling.objects.create(
        organisation=institution, occupation=occupation, state=FilingState.FILED, filing_number="BENCH-1",
        valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2035, 12, 31), institution_type="S",
        site_serial="000777",
    )  # fmt: skip
    filing.levels.set([level])
    plan = EvaluationPlan.objects.create(institution=institution, year=2027, state=PlanState.ACKNOWLEDGED)
    line = PlanLine.objects.create(plan=plan, occupation=occupation, level=level, month=5, planned_candidates=10**5)
    version = StandardVersion.objects.get(occupation=occupation, kind="national", state="filed")
    return {"institution": institution, "filing": filing, "line": line, "version": version, "level": level,
            "occupation": occupation}  # fmt: skip


def session_with_candidates(env, persons, run: int):
    """A session in issuance whose candidates all passed; every fiftieth has an objection open."""
    from django.db import connection, transaction
    from django.utils import timezone

    from talentbase.core.imports import bulk
    from talentbase.evaluation.models import Application, EvaluationSession, Objection, Score

    session = EvaluationSession.objects.create(
        institution=env["institution"], plan_line=env["line"], occupation=env["occupation"], level=env["level"],
        version=env["version"], filing=env["filing"], name=f"基准批次{run}", registration_closes=datetime.date(2027, 4, 1),
        theory_on=datetime.date(2027, 5, 10), practical_on=datetime.date(2027, 5, 11), venue="上海", capacity=10**5,
        state="issuing",
    )  # fmt: skip
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        ids = bulk.allocate_ids(Application, len(persons))
        bulk.insert_rows(Application, ["id", "session_id", "person_id", "kind", "channel", "applied_on", "ticket",
                                       "state", "eligibility_note", "waived", "performance_evidence", "refusal_reason",
                                       "created_at", "updated_at"],
                         ((pk, session.pk, person, "regular", "batch", datetime.date(2027, 3, 1),
                           f"2027{session.pk:06d}{n:05d}", "accepted", "", "[]", "", "", now, now)
                          for n, (pk, person) in enumerate(zip(ids, persons, strict=True), start=1)))  # fmt: skip
        score_ids = bulk.allocate_ids(Score, 2 * len(ids))
        bulk.insert_rows(Score, ["id", "application_id", "part", "value", "absent", "entered_at"],
                         ((score_ids[2 * i + k], pk, part, 75, False, now)
                          for i, pk in enumerate(ids) for k, part in enumerate(("theory", "practical"))))  # fmt: skip
        Objection.objects.bulk_create([Objection(application_id=pk, objector_name="基准", objector_contact="x",
                                                 grounds="基准测试") for pk in ids[::50]])  # fmt: skip
    common.analyze()
    return session, len(ids[::50])


def bare_insert(env, persons) -> float:
    """The floor: the certificate rows alone, numbers and ids prepared, one bulk insert, rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from talentbase.certificates.issuing import CERTIFICATE_COLUMNS
    from talentbase.certificates.models import Certificate
    from talentbase.core.imports import bulk
    from talentbase.registry.identity import today_in_china

    today = today_in_china()
    now = connection.ops.adapt_datetimefield_value(timezone.now())

    class RollbackError(Exception):
        pass

    ids = None
    started = time.perf_counter()
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Foreign keys are checked at commit on PostgreSQL: check them here, as the real path's commit does.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            ids = bulk.allocate_ids(Certificate, len(persons))
            rows = [(pk, "skill_level", f"B0000310007772640{n:05d}", person, env["occupation"].pk, "", env["level"].pk,
                     today, env["institution"].pk, env["filing"].pk, None, None, "valid", None, "", None, now, now)
                    for n, (pk, person) in enumerate(zip(ids, persons, strict=True))]  # fmt: skip
            bulk.insert_rows(Certificate, CERTIFICATE_COLUMNS, rows)
            elapsed = time.perf_counter() - started
            raise RollbackError
    except RollbackError:
        pass
    return elapsed


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="tb-bench-issue-") as folder:
        url = common.prepare_environment(args.database_url, Path(folder))
        try:
            common.setup_django()
            return run(args)
        finally:
            common.drop_database(url)


def run(args) -> int:
    from django.db import connection

    from talentbase.certificates import issuing
    from talentbase.certificates.models import Certificate
    from talentbase.core.actor import Actor
    from talentbase.core.roles import Role
    from talentbase.registry.models import LevelEntry

    rng = random.Random(20231201)
    env = world(rng)
    started = time.perf_counter()
    people = common.register_persons(args.candidates * args.runs, rng)
    print(f"{connection.vendor}: {len(people)} persons registered in {time.perf_counter() - started:.1f} s")
    actor = dataclasses.replace(Actor(role=Role.EVALUATION, organisation_id=env["institution"].pk), second_factor=True)
    real, bare, failures = [], [], 0
    for run_number in range(args.runs):
        persons = [pk for pk, _name, _number in people[run_number * args.candidates:(run_number + 1) * args.candidates]]
        session, held = session_with_candidates(env, persons, run_number)
        bare.append(bare_insert(env, persons))
        started = time.perf_counter()
        counts = issuing.issue_certificates(actor=actor, session=session)
        real.append(time.perf_counter() - started)
        numbers = sorted(Certificate.objects.filter(session=session).values_list("number", flat=True))
        expected = args.candidates - held
        entries = LevelEntry.objects.filter(source_kind="certificate",
                                            source_id__in=Certificate.objects.filter(session=session).values("pk")).count()
        serials = [int(number[-6:]) for number in numbers]
        offset = run_number * (args.candidates - held)
        if counts["issued"] != expected or len(numbers) != expected or entries != expected or \
                serials != list(range(offset + 1, offset + expected + 1)):  # fmt: skip
            print(f"  MISMATCH in run {run_number}: {counts}, {len(numbers)} numbers, {entries} level entries")
            failures += 1
    real_rate = args.candidates / statistics.median(real)
    bare_rate = args.candidates / statistics.median(bare)
    print(f"{args.candidates} certificates a session, median of {args.runs} runs")
    print(f"  real path   {real_rate:10.0f} certificates/s  ({statistics.median(real) * 1000:8.1f} ms)")
    print(f"  bare insert {bare_rate:10.0f} certificates/s  ({statistics.median(bare) * 1000:8.1f} ms)  (floor)")
    print(f"  ratio real / bare: {real_rate / bare_rate:.2f}× (target ≥ 0.3×)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
