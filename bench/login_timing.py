"""Benchmark: does the sign-in page take longer for an account that exists than for a name no account has?

    TALENTBASE_DEV=1 .venv/bin/python bench/login_timing.py [--runs 40] [--database-url postgres://…/tb_bench_login]

Without ``--database-url`` (or DATABASE_URL) it runs on a fresh SQLite file in a temporary folder; with a
PostgreSQL URL (the name must contain "bench") that database is dropped, created, migrated and dropped at
the end. Passwords are hashed by the production hasher (Argon2, settings.PASSWORD_HASHERS).

A stranger's view: ``POST /accounts/login/`` through the whole stack (middleware, the audit row, the page),
each from an address of its own so that the per-address throttle never answers. Measured, median of
``--runs`` requests of each kind, the kinds interleaved:

(a)  a wrong password for an existing account (a fresh account each time, so none gets locked) against a
     wrong password for a name no account has;
(b)  a locked account (five failures before) against a locked name no account has.

Printed: both medians and unknown / known as a ratio (1.00 means a stopwatch learns nothing; the answers
themselves are the same text, which tests/accounts test_login checks). Not a timed test: figures only.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _credentials as common  # noqa: E402 — the bench folder's own helper

WRONG = "Wrong#Password-1"
RIGHT = secrets.token_urlsafe(16)  # the accounts' own password: never typed


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40, help="requests of each kind")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="tb-bench-login-") as folder:
        url = common.prepare_environment(args.database_url, Path(folder))
        try:
            common.setup_django()
            return run(args.runs)
        finally:
            common.drop_database(url)


def run(runs: int) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from talentbase.accounts.models import User

    setup_test_environment()  # the test client's response.context; ALLOWED_HOSTS gains "testserver"
    call_command("createcachetable", verbosity=0)
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
          f"hasher: {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}, {runs} requests of each kind")  # fmt: skip
    fresh = [User.objects.create_user(username=f"bench-user-{n}", password=RIGHT) for n in range(runs)]
    locked_user = User.objects.create_user(username="bench-locked", password=RIGHT)
    addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in range(1, 10**6))

    def post(username: str) -> tuple[float, str]:
        client = Client(REMOTE_ADDR=next(addresses))
        started = time.perf_counter()
        response = client.post("/accounts/login/", {"username": username, "password": WRONG})
        elapsed = time.perf_counter() - started
        return elapsed, str(response.context["form"].non_field_errors())

    # Warm-up: templates, the hasher, the connection.
    for n in range(3):
        post(f"warm-up-{n}")
    known, unknown = [], []
    for n in range(runs):
        known.append(post(fresh[n].username))
        unknown.append(post(f"bench-nobody-{n}"))
    report("(a) wrong password", known, unknown)

    for _ in range(settings.TALENTBASE_LOCKOUT_FAILURES):
        post(locked_user.username)
        post("bench-locked-nobody")
    known, unknown = [], []
    for _ in range(runs):
        known.append(post(locked_user.username))
        unknown.append(post("bench-locked-nobody"))
    report("(b) locked", known, unknown)
    return 0


def report(title: str, known: list[tuple[float, str]], unknown: list[tuple[float, str]]) -> None:
    known_ms = statistics.median(seconds for seconds, _ in known) * 1000
    unknown_ms = statistics.median(seconds for seconds, _ in unknown) * 1000
    same = {text for _, text in known} == {text for _, text in unknown}
    print(f"{title:20s} existing account {known_ms:7.1f} ms · no such account {unknown_ms:7.1f} ms · "
          f"ratio {unknown_ms / known_ms:5.2f} · answers {'the same' if same else 'DIFFER'}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
