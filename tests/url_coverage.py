"""Fail a full run when a URL was never reached with a 2xx or 3xx answer by any test (Zulip's rule):
a new route without a test fails the suite.

A full run is ``make test`` (it sets TALENTBASE_URL_COVERAGE=1); a run of a few tests does not check."""

import os

from django.urls import URLPattern, URLResolver, get_resolver

reached: set[str] = set()

# Routes that are reached only by the browser or by a crash; each with its reason.
EXEMPT = {
    "api-docs": "the Swagger page loads its script from the API schema; the schema route is tested",
}


class RecordReachedUrls:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and response.status_code < 400:
            reached.add(match.view_name)
        return response


def all_url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= all_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def missing() -> set[str]:
    ignored = {"django.contrib.staticfiles.views.serve"}
    return {
        name for name in all_url_names() if name not in reached and name not in EXEMPT and name not in ignored
    }


def fail_full_run(session, heading: str, names) -> None:
    """In a full run that passed, list what was never reached under ``heading`` and fail the run."""
    if os.environ.get("TALENTBASE_URL_COVERAGE") != "1" or session.exitstatus != 0:
        return
    names = sorted(names)
    if names:
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(
            f"{heading}:\n  " + "\n  ".join(names), red=True
        )
        session.exitstatus = 1


def report(session) -> None:
    fail_full_run(session, "URLs that no test reached with a 2xx/3xx answer", missing())
