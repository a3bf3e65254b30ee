"""Applications: eligibility from the registry on the day, refusals that name the rule, admission tickets,
direct recognition with its waivers, registration that closes, and the institution's review."""

import datetime
import re

import pytest
from django.urls import reverse

from talentbase.catalog.models import Level, Occupation
from talentbase.core.tests.refusals import refused
from talentbase.core.workflow import TransitionFormError, perform
from talentbase.evaluation import applications
from talentbase.evaluation.errors import EvaluationError
from talentbase.evaluation.models import Application, ApplicationState, EvaluationSession, SessionState
from talentbase.evaluation.tests.helpers import session_for
from talentbase.registry.models import Employment, LevelEntry, Person

pytestmark = pytest.mark.django_db

D = datetime.date
GREENING = "4-09-10-01"


WORKING_SINCE, LEVEL_SINCE = D(2015, 3, 1), D(2018, 6, 1)


def career(person, employer, *, since=WORKING_SINCE, level="level5", level_from=LEVEL_SINCE):
    """Employed in the trade by ``employer`` since ``since``, holding ``level`` (confirmed) since ``level_from``."""
    occupation = Occupation.objects.get(code=GREENING)
    Employment.objects.filter(person=person).delete()
    LevelEntry.objects.filter(person=person).delete()
    Employment.objects.create(person=person, employer=employer, occupation=occupation, start_date=since)
    if level:
        lvl = Level.objects.get(code=level)
        LevelEntry.objects.create(person=person, occupation=occupation, level=lvl, rank=lvl.rank, valid_from=level_from,
                                  confirmed=True, source_kind="certificate_record", source_id=person.pk)  # fmt: skip


@pytest.fixture
def world(personas):
    worker = Person.objects.get(user=personas.user("worker"))
    employer = personas.organisation("employer")
    career(worker, employer)
    session = session_for(personas.organisation("evaluation"), state="registration")  # 四级, the 2018 template
    return {"worker": worker, "employer": employer, "session": session}


def test_an_eligible_worker_applies_and_gets_an_admission_ticket(personas, world):
    application = applications.apply(actor=personas.actor("worker"), session=world["session"])
    assert application.state == ApplicationState.SUBMITTED and application.channel == "worker"
    assert re.fullmatch(rf"2027{world['session'].pk:06d}0001", application.ticket)
    assert "五级/初级工证书后" in application.eligibility_note
    refused(EvaluationError.ALREADY_APPLIED, applications.apply, actor=personas.actor("worker"), session=world["session"])


def test_an_ineligible_application_is_refused_with_the_rule_and_what_is_missing(personas, world):
    career(world["worker"], world["employer"], since=D(2024, 1, 1), level=None)
    error = refused(EvaluationError.NOT_ELIGIBLE, applications.apply, actor=personas.actor("worker"),
                    session=world["session"])  # fmt: skip
    assert "不符合申报条件" in str(error.message) and "须满6年" in str(error.message)
    assert not Application.objects.exists()


def test_an_employer_applies_for_its_staff_only(personas, world):
    employer = personas.actor("employer")
    application = applications.apply(actor=employer, session=world["session"], person=world["worker"])
    assert (application.employer_id, application.channel) == (world["employer"].pk, "employer")
    stranger = Person.objects.get(user=personas.user("worker", outsider=True))
    from django.http import Http404

    with pytest.raises(Http404):
        applications.apply(actor=employer, session=world["session"], person=stranger)


def test_direct_recognition_waives_what_the_employer_records(personas, world):
    career(world["worker"], world["employer"], since=D(2025, 1, 1), level=None)  # two years short of nothing
    employer = personas.actor("employer")
    refused(EvaluationError.WAIVER_REQUIRED, applications.apply, actor=employer, session=world["session"],
            person=world["worker"], kind="direct", performance_evidence="获得全市园林技能竞赛一等奖")  # fmt: skip
    refused(EvaluationError.EVIDENCE_REQUIRED, applications.apply, actor=employer, session=world["session"],
            person=world["worker"], kind="direct", waived=["years"])  # fmt: skip
    application = applications.apply(actor=employer, session=world["session"], person=world["worker"], kind="direct",
                                     waived=["years"], performance_evidence="获得全市园林技能竞赛一等奖，主持古树复壮项目")  # fmt: skip
    assert application.waived == ["years"] and application.kind == "direct"
    refused(EvaluationError.WAIVER_REQUIRED, applications.apply, actor=personas.actor("worker"),
            session=session_for(personas.organisation("evaluation"), state="registration"), kind="direct")  # fmt: skip


def test_registration_closes_on_its_date_and_with_the_session(personas, world):
    session = world["session"]
    EvaluationSession.objects.filter(pk=session.pk).update(registration_closes=D(2026, 12, 1), theory_on=D(2027, 5, 10))
    session.refresh_from_db()
    refused(EvaluationError.REGISTRATION_CLOSED, applications.apply, actor=personas.actor("worker"), session=session)
    EvaluationSession.objects.filter(pk=session.pk).update(registration_closes=D(2027, 4, 20), state=SessionState.EXAMINING)
    from django.http import Http404

    with pytest.raises(Http404):  # no longer open: the worker no longer sees it
        applications.apply(actor=personas.actor("worker"), session=session)


def test_an_employer_institution_evaluates_its_own_staff_only(personas, world):
    own = session_for(personas.organisation("employer", outsider=True), state="registration", institution_type="Y")
    # The worker's employer is not that institution: the session is not even offered.
    from django.http import Http404

    with pytest.raises(Http404):
        applications.apply(actor=personas.actor("worker"), session=own)
    Employment.objects.create(person=world["worker"], employer=personas.organisation("employer", outsider=True),
                              occupation=Occupation.objects.get(code=GREENING), start_date=D(2016, 1, 1))  # fmt: skip
    assert applications.apply(actor=personas.actor("worker"), session=own).session_id == own.pk


def test_the_institution_reviews_and_sees_the_applicant(personas, world):
    institution = personas.actor("evaluation")
    application = applications.apply(actor=personas.actor("worker"), session=world["session"])
    assert personas.client("evaluation").get(world["worker"].get_absolute_url()).status_code == 200
    with pytest.raises(TransitionFormError):
        perform(application, "refuse", actor=institution, data={})
    perform(application, "accept", actor=institution, data={})
    assert Application.objects.get(pk=application.pk).state == ApplicationState.ACCEPTED
    perform(application, "refuse", actor=institution, data={"comment": "工作年限证明与社保记录不符"})
    application.refresh_from_db()
    assert (application.state, application.refusal_reason) == (ApplicationState.REFUSED, "工作年限证明与社保记录不符")


def test_a_withdrawn_application_leaves_room_for_a_new_one(personas, world):
    worker = personas.actor("worker")
    first = applications.apply(actor=worker, session=world["session"])
    perform(first, "withdraw", actor=worker, data={})
    second = applications.apply(actor=worker, session=world["session"])
    assert second.ticket != first.ticket and second.state == ApplicationState.SUBMITTED


def test_the_worker_sees_the_eligibility_before_applying_on_a_phone_page(personas, world):
    client = personas.client("worker")
    session_page = client.get(world["session"].get_absolute_url()).content.decode()
    assert 'data-testid="apply"' in session_page
    form = client.get(reverse("evaluation:apply", args=[world["session"].pk])).content.decode()
    assert "您符合申报条件" in form
    response = client.post(reverse("evaluation:apply", args=[world["session"].pk]))
    assert response.status_code == 302
    application = Application.objects.get()
    assert response.url == application.get_absolute_url()
    assert application.ticket in client.get(response.url).content.decode()


def test_the_employer_applies_by_id_number_on_the_page(personas, world):
    from talentbase.registry.protection import reveal_id_number

    client = personas.client("employer")
    number = reveal_id_number(world["worker"])
    response = client.post(reverse("evaluation:apply", args=[world["session"].pk]),
                           {"id_type": "ric", "id_number": number, "kind": "regular"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Application.objects.get().employer_id == world["employer"].pk


def test_the_institution_accepts_on_the_page_and_the_api_lists_the_application(personas, world):
    application = applications.apply(actor=personas.actor("worker"), session=world["session"])
    client = personas.client("evaluation")
    page = client.get(application.get_absolute_url()).content.decode()
    assert 'data-transition="accept"' in page and 'data-transition="refuse"' in page
    response = client.post(reverse("evaluation:application-transition", args=[application.pk, "accept"]))
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).state == ApplicationState.ACCEPTED
    body = client.get(reverse("evaluationapplication-list"), {"session": world["session"].pk}).json()
    assert [row["ticket"] for row in body["results"]] == [application.ticket]
    # The API takes an application as the page does, and refuses the same way.
    career(world["worker"], world["employer"], since=D(2026, 1, 1), level=None)
    other = session_for(personas.organisation("evaluation"), level="level3", state="registration")
    answer = personas.client("employer").post(reverse("evaluationapplication-list"), {
        "session": other.pk, "person": world["worker"].pk, "kind": "regular"}, content_type="application/json")  # fmt: skip
    assert answer.status_code == 400 and answer.json()["code"] == "not_eligible"
