"""Playwright set-up for the browser journeys: Debian's chromium, never a downloaded browser.

Every test under tests/browser/ is marked ``browser`` (deselect with ``-m "not browser"``). Tests use
pytest-django's ``live_server`` (which also serves the static files, vendor/ included) with
``@pytest.mark.django_db(transaction=True)``; ``axe_check(page)`` fails a test on serious or critical
accessibility violations of the page as it is shown.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread: without this Django refuses every
# database call from it, the test database set-up included. Tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent
AXE_URL = "/static/vendor/axe-core/axe.min.js"  # installed by `make assets`
AXE_FAILING_IMPACTS = ("critical", "serious")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(item.path).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


def chromium_path() -> str:
    return (
        getattr(settings, "TALENTBASE_CHROMIUM", None)
        or os.environ.get("TALENTBASE_CHROMIUM")
        or "/usr/bin/chromium"
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = chromium_path()
    if not Path(executable).exists():
        pytest.fail(
            f"No chromium at {executable}: apt-get install chromium fonts-wqy-microhei "
            "(never `playwright install`), or set TALENTBASE_CHROMIUM.",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The users read Chinese: ask for it like their browsers do (Playwright's default is en-US, which
    # LocaleMiddleware would answer in English). A test can still ask for English explicitly.
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


# What chromium prints when a header of ours refuses something (core/middleware.py): a test fails on it.
POLICY_ERRORS = (
    "Content Security Policy",
    "Content-Security-Policy",
    "Permissions-Policy",
    "Permissions policy",
)


@pytest.fixture(autouse=True)
def _fail_on_policy_violations(request):
    """Every journey runs with the real headers on: an inline script or style, a handler or a feature the
    Content-Security-Policy or Permissions-Policy refuses, or an uncaught script error, fails the test."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(f"console {message.type}: {message.text}")
        if message.type in ("error", "warning") and any(word in message.text for word in POLICY_ERRORS)
        else None,
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    yield
    if problems:
        pytest.fail("The page broke a policy or a script failed:\n" + "\n".join(problems), pytrace=False)


def _describe(violation: dict) -> str:
    targets = [", ".join(node.get("target", [])) or "?" for node in violation.get("nodes", [])]
    shown = "; ".join(targets[:5]) + (f"; … {len(targets) - 5} more" if len(targets) > 5 else "")
    return f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({len(targets)} nodes: {shown})"


@pytest.fixture
def axe_check(live_server):
    """``axe_check(page, context=None, options=None)``: run axe-core on the page as it is now.

    Fails the test when any violation is "serious" or "critical" (all are listed); returns every
    violation so that a test can look at the minor ones too. ``context`` is a CSS selector (or axe
    context object) to limit the check; ``options`` are passed to ``axe.run`` (e.g. ``{"rules":
    {"region": {"enabled": False}}}``).
    """

    def check(page, context=None, options=None):
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=f"{live_server.url}{AXE_URL}")
        run_options = {"resultTypes": ["violations"], **(options or {})}
        result = page.evaluate(
            "async ([context, options]) => await window.axe.run(context ?? document, options)",
            [context, run_options],
        )
        violations = result["violations"]
        failing = [v for v in violations if v.get("impact") in AXE_FAILING_IMPACTS]
        if failing:
            lines = "\n".join(_describe(v) for v in failing)
            pytest.fail(
                f"axe-core: {len(failing)} serious/critical accessibility violation(s) on {page.url}:\n{lines}",
                pytrace=False,
            )
        return violations

    return check
