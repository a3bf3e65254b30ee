"""Fail a full run when a transition of any workflow was never taken by any test: a workflow model without a
test of its buttons fails the suite, as a URL without a test does (url_coverage.py).

A transition counts as taken when the server carried it out: a decision row was written (state changes), or
the one dispatcher returned (buttons without states, such as an account's)."""

from django.db.models.signals import post_save

from talentbase.core import workflow
from talentbase.core.models import Decision
from tests import url_coverage

taken: set[tuple[str, str]] = set()


def _decision_written(sender, instance, created, **kwargs):
    if created:
        taken.add((instance.object_type, instance.transition))


def install() -> None:
    post_save.connect(_decision_written, sender=Decision, dispatch_uid="tests.transition_coverage")
    perform = workflow.perform

    def recording_perform(obj, name, **kwargs):
        outcome = perform(obj, name, **kwargs)
        taken.add((obj._meta.label_lower, name))
        return outcome

    workflow.perform = recording_perform


def missing() -> set[str]:
    return {
        f"{flow.model.lower()}: {t.name}"
        for flow in workflow.registered_workflows()
        for t in flow.transitions
        if (flow.model.lower(), t.name) not in taken
    }


def report(session) -> None:
    url_coverage.fail_full_run(session, "Transitions that no test took", missing())
