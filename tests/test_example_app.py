"""The throwaway example app (tests/example_app) plugs in through the documented hooks alone: a scope
contribution to Person, a workflow whose button has a form and an effect (a background job), an import kind
with its pages, and the conventions test holds it like any app (tests/test_conventions.py)."""

import pytest
from django.urls import reverse

from talentbase.core.jobs.models import Job, JobState
from talentbase.core.tests.imports_support import import_settings, upload, write_xlsx  # noqa: F401
from talentbase.registry import protection
from talentbase.registry.identity import synthetic_ric
from talentbase.registry.models import Person
from tests.example_app import actions
from tests.example_app.models import Application, ApplicationState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_settings")]


def _worker(personas, outsider=False):
    return Person.objects.get(user=personas.user("worker", outsider))


def _apply(personas, person):
    return actions.apply(actor=personas.actor("training"), id_type=person.id_type,
                         id_number=protection.reveal_id_number(person))  # fmt: skip


def test_an_institution_sees_its_applicants_through_its_contribution_to_the_registry(personas):
    person = _worker(personas)
    client = personas.client("training")
    assert client.get(person.get_absolute_url()).status_code == 404
    response = client.post(reverse("example:application-create"),
                           {"id_type": "ric", "id_number": protection.reveal_id_number(person)})  # fmt: skip
    application = Application.objects.get(person=person)
    assert response.status_code == 302 and response.url == application.get_absolute_url()
    assert client.get(person.get_absolute_url()).status_code == 200
    assert personas.client("training", outsider=True).get(person.get_absolute_url()).status_code == 404
    again = client.post(reverse("example:application-create"),
                        {"id_type": "ric", "id_number": protection.reveal_id_number(person)})  # fmt: skip
    assert again.status_code == 400 and "已申请" in again.content.decode()


def test_accepting_asks_for_a_date_and_a_job_writes_the_letter(personas, django_capture_on_commit_callbacks):
    application = _apply(personas, _worker(personas))
    client = personas.client("training")
    page = client.get(application.get_absolute_url()).content.decode()
    assert 'data-transition="accept"' in page and 'name="starts_on"' in page
    url = reverse("example:application-transition", args=[application.pk, "accept"])
    assert client.post(url, {}).status_code == 302  # no date: refused, nothing changed
    application.refresh_from_db()
    assert application.state == ApplicationState.APPLIED and application.letter_job is None
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"starts_on": "2027-03-01"}).status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.ACCEPTED and str(application.starts_on) == "2027-03-01"
    job = Job.objects.get(pk=application.letter_job_id)
    assert job.state == JobState.SUCCEEDED and job.result_file
    assert client.get(reverse("core:job-detail", args=[job.pk])).status_code == 200
    assert (
        personas.client("training", outsider=True).get(reverse("core:job-detail", args=[job.pk])).status_code
        == 404
    )


def test_declining_over_the_api_needs_a_comment_and_a_stranger_gets_404(personas):
    application = _apply(personas, _worker(personas))
    url = reverse("application-transition", args=[application.pk])
    client = personas.client("training")
    assert client.post(url, {"transition": "decline"}, content_type="application/json").status_code == 400
    listed = client.get(reverse("application-transitions", args=[application.pk])).json()
    assert {row["name"] for row in listed} == {"accept", "decline"}
    stranger = personas.client("training", outsider=True)
    assert stranger.post(url, {"transition": "decline", "comment": "名额已满"},
                         content_type="application/json").status_code == 404  # fmt: skip
    answer = client.post(
        url, {"transition": "decline", "comment": "名额已满"}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["to_state"] == ApplicationState.DECLINED
    assert (
        personas.client("city")
        .post(url, {"transition": "accept"}, content_type="application/json")
        .status_code
        == 403
    )


def test_applications_are_imported_with_the_import_machinery(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    import random

    client = personas.client("training")
    for page in ("list", "create", "template"):
        assert client.get(reverse(f"example:application-import-{page}")).status_code == 200
    path = write_xlsx(tmp_path / "a.xlsx", ["证件号码"],
                      [[protection.reveal_id_number(_worker(personas))], [synthetic_ric(random.Random(3))]])  # fmt: skip
    actor = personas.actor("training")
    batch = upload(
        django_capture_on_commit_callbacks, actor, path, kind="example.applications", policy="valid_only"
    )
    assert (batch.total_rows, batch.error_rows) == (2, 1)
    for page in ("detail", "progress", "errors"):
        assert client.get(reverse(f"example:application-import-{page}", args=[batch.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("example:application-import-commit", args=[batch.pk])
        assert client.post(url, {"policy": "valid_only"}).status_code == 302
    batch.refresh_from_db()
    assert batch.written_rows == 1
    again = upload(django_capture_on_commit_callbacks, actor, path, kind="example.applications")
    assert client.post(reverse("example:application-import-cancel", args=[again.pk])).status_code == 302
    assert Application.objects.filter(
        person=_worker(personas), institution=personas.organisation("training")
    ).exists()
