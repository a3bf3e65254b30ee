"""Benchmark: the person list over HTTP against the login page, both served by gunicorn.

    TALENTBASE_DEV=1 .venv/bin/python bench/http_load.py [--requests 10000] [--concurrency 32]
        [--persons 5000] [--workers 2] [--database-url postgres://…/tb_bench_http] [--profile]

A scratch database (a fresh SQLite file in a temporary folder, or a PostgreSQL database whose name contains
"bench", dropped and created) gets the demo world (``talentbase demo``); an employer's official of the demo
signs in (their session cookie is made in this process, as the test client's ``force_login`` makes it).
gunicorn (``--workers`` sync workers) then serves the app on 127.0.0.1, production-like: no DEBUG, no
query log, persistent database connections.

The load generator is bounded: ``--concurrency`` threads, each sending one request at a time over
http.client until ``--requests`` requests of the page have been sent, first the login page
(``GET /accounts/login/``, anonymous), then the employer's person list with its default columns and the
total (``GET /persons/``), after a warm-up of 200 requests each. It shares the two cores with the
server: absolute rates are lower than on a dedicated client; the ratio list / login is what to compare.

Printed: req/s, p50 and p99 latency and errors (a status other than 200, or a failed connection) of both,
and their ratio. ``--profile`` also prints the list view's profile (cProfile, in this process, 200 requests
through Django's test client), the top functions by cumulative time (``BENCH_PROFILE_SORT=tottime``: by
their own time). Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _credentials as common  # noqa: E402 — the bench folder's own helper

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"
WARM_UP = 200


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000, help="requests of each page")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--persons", type=int, default=5000, help="persons in the demo world")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the list view")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="tb-bench-http-") as folder:
        url = common.prepare_environment(args.database_url, Path(folder))
        try:
            common.setup_django()
            return run(args)
        finally:
            common.drop_database(url)


def prepare(persons: int) -> tuple[str, str]:
    """The demo world, and the session cookie of the demo employer's official: (cookie header, list path)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from talentbase.accounts.models import Membership
    from talentbase.core.roles import Role
    from tests.personas import login_client

    path = reverse("registry:person-list")
    call_command("demo", persons=persons, verbosity=0)
    common.analyze()
    membership = (
        Membership.objects.filter(role=Role.EMPLOYER)
        .select_related("user", "organisation")
        .order_by("pk")
        .first()
    )
    client = login_client(Client(), membership.user)
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    rows = text.count("<tr>") - 1
    total = re.search(r'data-testid="list-total">([^<]*)<', text)
    print(
        f"employer: {membership.organisation.name}; {rows} rows on the page, {total.group(1) if total else '?'}"
    )
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    connections.close_all()
    return cookie, path


def profile(cookie_client_path: str) -> None:
    import cProfile
    import pstats

    from django.test import Client

    from talentbase.accounts.models import Membership
    from talentbase.core.roles import Role
    from tests.personas import login_client

    membership = Membership.objects.filter(role=Role.EMPLOYER).select_related("user").order_by("pk").first()
    client = login_client(Client(), membership.user)
    client.get(cookie_client_path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(200):
        client.get(cookie_client_path)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative"))
    stats.print_stats(35)


def serve(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TALENTBASE_CONN_MAX_AGE": "600"}
    command = [
        sys.executable, "-m", "gunicorn", "talentbase.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--worker-class", "sync", "--log-level", "warning", "--backlog", "2048",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def drive(port: int, path: str, requests: int, concurrency: int, cookie: str | None) -> dict:
    """``requests`` GETs of ``path`` by ``concurrency`` threads, one request at a time each."""
    headers = {"Host": "127.0.0.1", "Accept-Language": "zh-hans"}
    if cookie:
        headers["Cookie"] = cookie
    lock = threading.Lock()
    left = [requests]
    latencies: list[float] = []
    errors = [0]

    def worker():
        mine: list[float] = []
        failed = 0
        while True:
            with lock:
                if left[0] == 0:
                    break
                left[0] -= 1
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status != 200:
                    failed += 1
            except OSError:
                failed += 1
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rate": requests / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "errors": errors[0],
    }


def run(args) -> int:
    cookie, path = prepare(args.persons)
    if args.profile:
        profile(path)
    port = args.port or free_port()
    server = serve(port, args.workers)
    try:
        for target, page_cookie in ((LOGIN, None), (path, cookie)):
            drive(port, target, WARM_UP, args.concurrency, page_cookie)
        login = drive(port, LOGIN, args.requests, args.concurrency, None)
        listing = drive(port, path, args.requests, args.concurrency, cookie)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    from django.db import connection

    print(f"gunicorn {args.workers} sync workers on 127.0.0.1, {connection.vendor}; "
          f"{args.requests} requests each at concurrency {args.concurrency} (threads, http.client)")  # fmt: skip
    for name, figures in (("login page", login), ("person list", listing)):
        print(f"  {name:<12} {figures['rate']:8.1f} req/s  p50 {figures['p50']:7.1f} ms  "
              f"p99 {figures['p99']:7.1f} ms  errors {figures['errors']}")  # fmt: skip
    print(f"  ratio list / login: {listing['rate'] / login['rate']:.3f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
