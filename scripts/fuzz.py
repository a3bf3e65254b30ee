"""`make fuzz`: schemathesis against a live server, as an employer and as the city, every check.

A fresh demo world is built once under var/fuzz/ (its own SQLite database and development keys); each
persona then gets a copy of it, a server of its own (gunicorn on a free port) and an API token of its own,
so that what one persona's run writes or deletes cannot change what the other's sees. Any failure fails
the run (exit code 1); the server is stopped whatever happens.

Settings through the environment: FUZZ_EXAMPLES (test cases per operation, at least 30 by default),
FUZZ_SEED (a fixed seed by default, so that a failure can be run again), FUZZ_PERSONAS (`employer,city`),
FUZZ_PERSONS (persons in the demo registry, 200).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORK = ROOT / "var" / "fuzz"
CONFIG = ROOT / "scripts" / "fuzz.toml"
PERSONAS = [p for p in os.environ.get("FUZZ_PERSONAS", "employer,city").split(",") if p]
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "30")
SEED = os.environ.get("FUZZ_SEED", "20231125")
PERSONS = os.environ.get("FUZZ_PERSONS", "200")


def environment(var_dir: Path, *, debug: bool = True) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "TALENTBASE_REDIS_URL"}
    }
    env.update(TALENTBASE_DEV="1", TALENTBASE_VAR_DIR=str(var_dir), PYTHONPATH=str(ROOT))
    if (
        not debug
    ):  # the server answers as in production: the API's own error answers, not Django's debug pages
        env["TALENTBASE_DEBUG"] = "0"
    return env


def talentbase(var_dir: Path, *args: str, capture: bool = False) -> str:
    command = [str(BIN / "talentbase"), *args]
    result = subprocess.run(command, env=environment(var_dir), cwd=ROOT, check=True, text=True,
                            stdout=subprocess.PIPE if capture else None)  # fmt: skip
    return result.stdout.strip() if capture else ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped with exit code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 — our own server on loopback
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"no answer from {url} after {seconds}s")


def build_world() -> Path:
    base = WORK / "base"
    shutil.rmtree(WORK, ignore_errors=True)
    base.mkdir(parents=True)
    print(f"fuzz: fresh demo world in {base.relative_to(ROOT)} ({PERSONS} persons)", flush=True)
    talentbase(base, "migrate", "--noinput", "--verbosity", "0")
    talentbase(base, "createcachetable")
    talentbase(base, "demo", "--persons", PERSONS, "--employers", "12")
    return base


def fuzz(base: Path, persona: str) -> int:
    """One persona's run: its copy of the world, its token, its server, schemathesis; the exit code."""
    var_dir = WORK / persona
    shutil.copytree(base, var_dir)
    token = talentbase(var_dir, "demo_token", persona, capture=True)
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    # The server's own lines (each refused request) and schemathesis' report go to files, printed at the end.
    with (var_dir / "server.log").open("w") as server_log, (var_dir / "schemathesis.log").open("w") as report:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "talentbase.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--threads", "2", "--timeout", "120", "--log-level", "warning",
             # No cap on the request line: a long query is the application's to answer, not gunicorn's 414.
             "--limit-request-line", "0"],
            env=environment(var_dir, debug=False), cwd=ROOT, stdout=server_log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_for(f"{origin}/api/schema/", server)
            print(f"fuzz: schemathesis as {persona!r} against {origin}", flush=True)
            command = [
                str(BIN / "schemathesis"), "--config-file", str(CONFIG), "run", f"{origin}/api/schema/",
                "--checks", "all",
                "--max-examples", EXAMPLES,
                "--seed", SEED,
                "--workers", "2",
                "--header", f"Authorization: Token {token}",
                "--request-timeout", "60",
                "--report", "junit",
                "--report-junit-path", str(WORK / f"junit-{persona}.xml"),
            ]  # fmt: skip
            # Its working folder (.schemathesis/ caches) under var/fuzz, not in the checkout.
            return subprocess.run(command, cwd=var_dir, stdout=report, stderr=subprocess.STDOUT).returncode
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def main() -> int:
    started = time.monotonic()
    base = build_world()
    # The personas run side by side, each against its own server and database.
    with ThreadPoolExecutor(max_workers=len(PERSONAS)) as pool:
        results = dict(zip(PERSONAS, pool.map(lambda persona: fuzz(base, persona), PERSONAS), strict=True))
    for persona in PERSONAS:
        print(f"\n===== schemathesis as {persona!r} =====", flush=True)
        sys.stdout.write((WORK / persona / "schemathesis.log").read_text())
    print(f"\nfuzz: {round(time.monotonic() - started)}s")
    for persona, code in results.items():
        print(f"  {persona}: {'passed' if code == 0 else f'FAILED (schemathesis exit {code})'}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
