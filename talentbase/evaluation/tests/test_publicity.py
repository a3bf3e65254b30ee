"""Publicity: published only after the supervisors' reports, for N working days on the calendar, a public
list with masked names and an objection form, and the scheduled end that opens issuance."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from talentbase.core.tests.refusals import refused
from talentbase.core.workflow import perform
from talentbase.evaluation import publicity
from talentbase.evaluation.errors import EvaluationError
from talentbase.evaluation.models import (
    Application,
    Assignment,
    EvaluationSession,
    Objection,
    ObjectionState,
    Score,
    SessionState,
)
from talentbase.evaluation.tests.helpers import session_for
from talentbase.registry.models import Person

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def scored(personas):
    session = session_for(personas.organisation("evaluation"), state="scored")
    passed, failed = (
        Application.objects.create(session=session, person=person, employer=personas.organisation("employer"),
                                   channel="employer", applied_on=D(2026, 11, 1), ticket=f"2027{session.pk:06d}{n:04d}",
                                   state="accepted")
        for n, person in enumerate(Person.objects.filter(user__isnull=True).order_by("pk")[:2], start=1)
    )  # fmt: skip
    for app, value in ((passed, 80), (failed, 40)):
        Score.objects.create(application=app, part="theory", value=value)
        Score.objects.create(application=app, part="practical", value=value)
    return {"session": session, "passed": passed, "failed": failed, "institution": personas.actor("evaluation")}


def supervised(session):
    person = Person.objects.filter(user__isnull=False).order_by("pk").first()
    Assignment.objects.create(session=session, person=person, user=person.user, duty="external_supervisor",
                              report="考场秩序良好，评分规范。" * 3, reported_at=datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC))  # fmt: skip


@time_machine.travel(datetime.datetime(2026, 12, 4, 10, tzinfo=datetime.UTC), tick=False)
def test_results_go_public_after_the_supervisors_report_for_five_working_days(scored):
    session, institution = scored["session"], scored["institution"]
    refused(EvaluationError.SUPERVISION_INCOMPLETE, perform, session, "start_publicity", actor=institution, data={})
    supervised(session)
    perform(session, "start_publicity", actor=institution, data={})
    session.refresh_from_db()
    assert session.state == SessionState.PUBLICITY
    assert (session.publicity_from, session.publicity_until) == (D(2026, 12, 4), D(2026, 12, 10))  # Fri … Thu


@time_machine.travel(datetime.datetime(2026, 12, 4, 10, tzinfo=datetime.UTC), tick=False)
def test_the_public_list_masks_names_shows_only_who_passed_and_takes_objections(personas, scored, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    session = scored["session"]
    supervised(session)
    perform(session, "start_publicity", actor=scored["institution"], data={})
    anonymous = personas.client(None)
    page = anonymous.get(reverse("evaluation:publicity-public"))
    text = page.content.decode()
    from talentbase.registry.identity import mask_name

    passed_name = scored["passed"].person.full_name
    assert page.status_code == 200 and mask_name(passed_name) in text and passed_name not in text
    (listed,) = page.context["sessions"]
    assert [pk for _name, _employer, pk in listed["rows"]] == [scored["passed"].pk]  # who failed is not listed
    url = reverse("evaluation:objection-create", args=[session.pk])
    assert anonymous.get(url, {"a": scored["passed"].pk}).status_code == 200
    wrong = anonymous.post(url, {"application": scored["failed"].pk, "objector_name": "王某",
                                 "objector_contact": "13800000000", "grounds": "该考生实际工作年限不足五年"})  # fmt: skip
    assert wrong.status_code == 400  # not on the list
    data = {"application": scored["passed"].pk, "objector_name": "王某", "objector_contact": "13800000000",
            "grounds": "该考生实际工作年限不足五年，材料不实"}  # fmt: skip
    assert anonymous.post(url, data).status_code == 302
    objection = Objection.objects.get()
    assert (objection.application_id, objection.state) == (scored["passed"].pk, ObjectionState.OPEN)
    assert not publicity.issuable(scored["passed"])
    for _ in range(publicity.OBJECTIONS_PER_HOUR - 1):
        anonymous.post(url, data)
    limited = anonymous.post(url, data)
    assert limited.status_code == 429 and limited["Retry-After"] == "3600"


def test_an_objection_is_resolved_by_the_institution_with_its_reasons(personas, scored):
    objection = Objection.objects.create(application=scored["passed"], objector_name="王某", objector_contact="x",
                                         grounds="材料不实")  # fmt: skip
    from talentbase.core.workflow import TransitionFormError

    with pytest.raises(TransitionFormError):
        perform(objection, "dismiss", actor=scored["institution"], data={})
    perform(objection, "dismiss", actor=scored["institution"], data={"comment": "经核实社保记录，工作年限属实"})
    objection.refresh_from_db()
    assert objection.state == ObjectionState.DISMISSED and "社保" in objection.resolution
    assert publicity.issuable(scored["passed"])
    other = Objection.objects.create(application=scored["passed"], objector_name="李某", objector_contact="y",
                                     grounds="冒名顶替")  # fmt: skip
    perform(other, "uphold", actor=personas.actor("hr"), data={"comment": "经查属实"})
    assert not publicity.issuable(scored["passed"])
    page = personas.client("evaluation").get(other.get_absolute_url())
    assert page.status_code == 200 and "冒名顶替" in page.content.decode()


def test_the_scheduled_end_of_publicity_opens_issuance(scored):
    session = scored["session"]
    EvaluationSession.objects.filter(pk=session.pk).update(state="publicity", publicity_from=D(2026, 12, 4),
                                                           publicity_until=D(2026, 12, 10))  # fmt: skip
    with time_machine.travel(datetime.datetime(2026, 12, 10, 12, tzinfo=datetime.UTC), tick=False):
        assert publicity.end_due_publicity(None) == 0
    with time_machine.travel(datetime.datetime(2026, 12, 11, 2, tzinfo=datetime.UTC), tick=False):
        assert publicity.end_due_publicity(None) == 1
        assert publicity.end_due_publicity(None) == 0  # idempotent
    assert EvaluationSession.objects.get(pk=session.pk).state == SessionState.ISSUING


@time_machine.travel(datetime.datetime(2026, 12, 28, 10, tzinfo=datetime.UTC), tick=False)
def test_a_period_into_a_year_not_entered_says_so_on_the_public_page(personas, scored):
    session = scored["session"]
    supervised(session)
    perform(session, "start_publicity", actor=scored["institution"], data={})
    session.refresh_from_db()
    assert session.publicity_until == D(2027, 1, 1)
    text = personas.client(None).get(reverse("evaluation:publicity-public")).content.decode()
    assert "2027年的节假日尚未录入" in text
