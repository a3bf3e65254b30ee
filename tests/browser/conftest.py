"""Playwright set-up for the browser journeys: Debian's chromium, never a downloaded browser.

Every test under tests/browser/ is marked ``browser`` (deselect with ``-m "not browser"``). Tests use
pytest-django's ``live_server`` (which also serves the static files, vendor/ included) with
``@pytest.mark.django_db(transaction=True)``; the ``page`` fixture runs axe-core on every page a journey
loads and fails the test on serious or critical violations (and on broken ARIA references or duplicate ids,
which axe only marks "needs review"); ``axe_check(page)`` checks the page as it is shown now.
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
    targets = [", ".join(map(str, node.get("target", []))) or "?" for node in violation.get("nodes", [])]
    shown = "; ".join(targets[:5]) + (f"; … {len(targets) - 5} more" if len(targets) > 5 else "")
    return f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({len(targets)} nodes: {shown})"


# "Needs review" results that are defects here, not judgement calls: a reference to an element that is not
# on the page, or an id that two elements share (axe-core 4.14 rule ids).
AXE_INCOMPLETE_FAILING_RULES = (
    "aria-valid-attr-value",
    "duplicate-id",
    "duplicate-id-aria",
    "duplicate-id-active",
)
# One run at a time per document (axe refuses a second concurrent run): the automatic check after a load
# and a test's own axe_check queue behind each other.
AXE_RUN = """async ([context, options]) => {
    const run = (window.__talentbaseAxe || Promise.resolve()).catch(() => null)
        .then(() => window.axe.run(context ?? document, options));
    window.__talentbaseAxe = run;
    const result = await run;
    const keep = ({id, impact, help, nodes}) => ({id, impact, help, nodes: nodes.map(n => ({target: n.target}))});
    return {violations: result.violations.map(keep), incomplete: result.incomplete.map(keep)};
}"""


def axe_problems(page, base_url: str, context=None, options=None) -> tuple[list[dict], list[dict]]:
    """Run axe-core on the page as it is now: (all violations, the failing ones: serious or critical
    violations and the "needs review" results of AXE_INCOMPLETE_FAILING_RULES)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=f"{base_url}{AXE_URL}")
    run_options = {"resultTypes": ["violations", "incomplete"], **(options or {})}
    result = page.evaluate(AXE_RUN, [context, run_options])
    failing = [v for v in result["violations"] if v.get("impact") in AXE_FAILING_IMPACTS]
    failing += [
        {**v, "impact": f"needs review, {v.get('impact') or 'no impact'}"}
        for v in result["incomplete"]
        if v["id"] in AXE_INCOMPLETE_FAILING_RULES
    ]
    return result["violations"], failing


class AxeOnEveryPage:
    """Runs axe-core on every document the page loads (its "load" event), so that a journey checks each
    page it visits without asking; the problems are kept and reported at the end of the test."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.problems: dict[str, list[dict]] = {}
        self.checked: list[str] = []
        self.running = 0

    def __call__(self, _page=None) -> None:
        url = self.page.url
        if not url.startswith(self.base_url):
            return
        self.running += 1
        try:
            _, failing = axe_problems(self.page, self.base_url)
        except Exception as error:
            # The journey went on to the next page before axe finished: that page is checked on its load.
            if any(word in str(error) for word in ("context was destroyed", "navigation", "closed")):
                return
            raise
        finally:
            self.running -= 1
        self.checked.append(url)
        if failing:
            self.problems.setdefault(url, []).extend(failing)

    def report(self) -> str:
        return "\n".join(
            f"{url}:\n" + "\n".join(_describe(v) for v in found) for url, found in self.problems.items()
        )


@pytest.fixture
def page(page, live_server):
    """pytest-playwright's page, with axe-core run on every page it loads (after each navigation); the
    test fails at its end when any of them had a serious or critical violation, or a broken reference or
    duplicate id that axe only marks for review."""
    axe = AxeOnEveryPage(page, live_server.url)
    page.on("load", axe)
    yield page
    page.remove_listener("load", axe)
    if not page.is_closed():
        while axe.running:  # the check of the last page runs beside the test: let it finish
            page.wait_for_timeout(20)
        if page.url not in axe.checked[-1:]:
            axe()
    if axe.problems:
        pytest.fail(f"axe-core on the pages this journey visited:\n{axe.report()}", pytrace=False)


@pytest.fixture
def axe_check(live_server):
    """``axe_check(page, context=None, options=None)``: run axe-core on the page as it is now.

    Fails the test when any violation is "serious" or "critical" (all are listed); returns every
    violation so that a test can look at the minor ones too. The ``page`` fixture already runs it after each
    navigation; call it by hand for a state reached without one (a dialog opened, a fragment swapped in). ``context`` is a CSS selector (or axe
    context object) to limit the check; ``options`` are passed to ``axe.run`` (e.g. ``{"rules":
    {"region": {"enabled": False}}}``).
    """

    def check(page, context=None, options=None):
        violations, failing = axe_problems(page, live_server.url, context, options)
        if failing:
            lines = "\n".join(_describe(v) for v in failing)
            pytest.fail(
                f"axe-core: {len(failing)} serious/critical accessibility violation(s) on {page.url}:\n{lines}",
                pytrace=False,
            )
        return violations

    return check
