"""Sessions: drafted under an acknowledged plan's line, by a version in force, within a filing in force on
every exam day; opening registration checks again; who sees an open session."""

import datetime

import pytest
from django.urls import reverse

from talentbase.catalog.models import Occupation
from talentbase.core import scoping
from talentbase.core.tests.refusals import refused
from talentbase.core.workflow import TransitionFormError, perform
from talentbase.evaluation import sessions
from talentbase.evaluation.errors import EvaluationError
from talentbase.evaluation.models import EvaluationSession, PlanState, SessionState, StandardVersion
from talentbase.evaluation.tests.helpers import YEAR, acknowledged_line, filing_for, session_for, version_for
from talentbase.orgs.models import EvaluationFiling, FilingState
from talentbase.registry.models import Employment, Person

pytestmark = pytest.mark.django_db

D = datetime.date
GREENING = "4-09-10-01"


@pytest.fixture
def ready(personas):
    institution = personas.organisation("evaluation")
    occupation = Occupation.objects.get(code=GREENING)
    filing = filing_for(institution, occupation, valid_to=D(YEAR, 6, 30))
    line = acknowledged_line(institution, occupation)
    return {"actor": personas.actor("evaluation"), "filing": filing, "line": line, "version": version_for(occupation)}


def values(ready, **changes):
    return {"plan_line": ready["line"], "version": ready["version"], "name": "园林绿化工四级 2027 第1批",
            "registration_closes": D(YEAR, 4, 20), "theory_on": D(YEAR, 5, 10), "practical_on": D(YEAR, 5, 11),
            "review_on": None, "venue": "上海市徐汇区", "capacity": 40, **changes}  # fmt: skip


def test_a_session_takes_its_occupation_level_and_filing_from_its_line_and_dates(ready):
    session = sessions.create_session(actor=ready["actor"], values=values(ready))
    assert (session.occupation_id, session.level_id, session.filing_id) == (
        ready["line"].occupation_id, ready["line"].level_id, ready["filing"].pk)
    assert session.state == SessionState.DRAFT


def test_the_rules_of_a_session(ready, personas):
    actor = ready["actor"]
    error = refused(EvaluationError.NOT_FILED, sessions.create_session, actor=actor,
                    values=values(ready, theory_on=D(YEAR, 6, 30), practical_on=D(YEAR, 7, 2)))  # fmt: skip
    assert error.field == "theory_on"  # the filing ends on 30 June
    refused(EvaluationError.SESSION_DATES, sessions.create_session, actor=actor,
            values=values(ready, registration_closes=D(YEAR, 5, 10)))  # fmt: skip
    refused(EvaluationError.SESSION_DATES, sessions.create_session, actor=actor,
            values=values(ready, practical_on=D(YEAR, 5, 9)))  # fmt: skip
    other = StandardVersion.objects.exclude(occupation_id=ready["line"].occupation_id).filter(state="filed").first()
    refused(EvaluationError.VERSION_NOT_IN_FORCE, sessions.create_session, actor=actor, values=values(ready, version=other))
    ready["line"].plan.state = PlanState.SUBMITTED
    ready["line"].plan.save()
    refused(EvaluationError.PLAN_NOT_ACKNOWLEDGED, sessions.create_session, actor=actor, values=values(ready))
    assert not EvaluationSession.objects.exists()


def test_a_level_with_a_review_needs_its_date(personas):
    institution = personas.organisation("evaluation")
    occupation = Occupation.objects.get(code=GREENING)
    filing_for(institution, occupation, levels=("level2",))
    line = acknowledged_line(institution, occupation, level="level2")
    base = {"plan_line": line, "version": version_for(occupation), "name": "技师", "registration_closes": D(YEAR, 4, 1),
            "theory_on": D(YEAR, 5, 10), "practical_on": D(YEAR, 5, 11), "venue": "徐汇", "capacity": 10}  # fmt: skip
    refused(EvaluationError.SESSION_DATES, sessions.create_session, actor=personas.actor("evaluation"),
            values={**base, "review_on": None})  # fmt: skip
    session = sessions.create_session(actor=personas.actor("evaluation"), values={**base, "review_on": D(YEAR, 5, 20)})
    assert session.review_on == D(YEAR, 5, 20)


def test_a_filing_revoked_after_the_draft_stops_the_opening_and_shows_on_the_session(ready, personas):
    session = sessions.create_session(actor=ready["actor"], values=values(ready))
    EvaluationFiling.objects.filter(pk=ready["filing"].pk).update(state=FilingState.REVOKED)
    refused(EvaluationError.NOT_FILED, perform, session, "open", actor=ready["actor"], data={})
    assert EvaluationSession.objects.get(pk=session.pk).state == SessionState.DRAFT
    page = personas.client("evaluation").get(session.get_absolute_url()).content.decode()
    assert 'data-testid="filing-warning"' in page and "已撤销" in page


def test_open_close_and_cancel(ready, personas):
    actor = ready["actor"]
    session = sessions.create_session(actor=actor, values=values(ready))
    perform(session, "open", actor=actor, data={})
    assert EvaluationSession.objects.get(pk=session.pk).state == SessionState.REGISTRATION
    refused(EvaluationError.SESSION_LOCKED, sessions.update_session, actor=actor, session=session, values={"capacity": 50})
    with pytest.raises(TransitionFormError):
        perform(session, "cancel", actor=actor, data={})
    perform(session, "close_registration", actor=actor, data={})
    assert EvaluationSession.objects.get(pk=session.pk).state == SessionState.EXAMINING
    second = sessions.create_session(actor=actor, values=values(ready, name="第2批"))
    perform(second, "cancel", actor=actor, data={"comment": "报名人数不足"})
    assert EvaluationSession.objects.get(pk=second.pk).state == SessionState.CANCELLED


def test_an_open_session_of_a_social_organisation_is_seen_by_every_employer_and_worker(personas):
    session = session_for(personas.organisation("evaluation"), state="registration")
    for outsider in (False, True):
        assert scoping.visible_to(personas.actor("employer", outsider), EvaluationSession).filter(pk=session.pk).exists()
        assert personas.client("worker", outsider).get(session.get_absolute_url()).status_code == 200
    # Once registration closes it is the institution's and the bureaus' again.
    EvaluationSession.objects.filter(pk=session.pk).update(state=SessionState.EXAMINING)
    assert personas.client("worker").get(session.get_absolute_url()).status_code == 404


def test_an_employer_institutions_session_is_seen_by_its_own_staff_only(personas):
    employer = personas.organisation("employer")
    own = session_for(employer, state="registration", institution_type="Y")
    assert personas.client("employer").get(own.get_absolute_url()).status_code == 200
    assert personas.client("employer", outsider=True).get(own.get_absolute_url()).status_code == 404
    worker = Person.objects.get(user=personas.user("worker"))
    employed_here = Employment.objects.filter(person=worker, employer=employer, end_date__isnull=True).exists()
    assert personas.client("worker").get(own.get_absolute_url()).status_code == (200 if employed_here else 404)
    draft = session_for(personas.organisation("evaluation"))
    assert personas.client("employer").get(draft.get_absolute_url()).status_code == 404


def test_the_session_pages(ready, personas):
    client = personas.client("evaluation")
    form = client.get(reverse("evaluation:session-create"))
    assert form.status_code == 200 and str(ready["line"].pk) in form.content.decode()
    data = {k: (v.pk if hasattr(v, "pk") else ("" if v is None else v)) for k, v in values(ready).items()}
    bad = client.post(reverse("evaluation:session-create"), {**data, "theory_on": f"{YEAR}-06-30", "practical_on": f"{YEAR}-07-01"})
    assert bad.status_code == 400 and "没有覆盖该职业等级的有效备案" in bad.content.decode()
    assert client.post(reverse("evaluation:session-create"), data).status_code == 302
    session = EvaluationSession.objects.get()
    page = client.get(session.get_absolute_url()).content.decode()
    assert 'data-transition="open"' in page and "有效" in page
    assert client.post(reverse("evaluation:session-transition", args=[session.pk, "open"])).status_code == 302
    assert client.get(reverse("evaluation:session-edit", args=[session.pk])).status_code == 404
