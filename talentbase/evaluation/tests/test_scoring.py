"""Scores: each part passed at the pass mark, theory before practical where the standard says so, changes
with a reason (audited), a second person's confirmation, examiners entering only their part and never for a
candidate they must avoid, and the end of scoring."""

import csv
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from talentbase.accounts.models import User
from talentbase.catalog.models import Level
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.models import AuditEvent
from talentbase.core.roles import Role
from talentbase.core.tests.imports_support import commit, import_settings, upload  # noqa: F401
from talentbase.core.tests.refusals import refused
from talentbase.core.workflow import perform
from talentbase.evaluation import scoring
from talentbase.evaluation.errors import EvaluationError
from talentbase.evaluation.models import (
    Application,
    Assignment,
    Duty,
    EvaluationSession,
    ExaminerQualification,
    Score,
    SessionState,
    VersionLevel,
)
from talentbase.evaluation.tests.helpers import session_for
from talentbase.registry.models import Employment, Person

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def world(personas):
    session = session_for(personas.organisation("evaluation"), state="examining")
    people = list(Person.objects.filter(user__isnull=True).order_by("pk")[:3])
    applications = [
        Application.objects.create(session=session, person=person, channel="employer", applied_on=D(2026, 12, 1),
                                   ticket=f"2027{session.pk:06d}{n:04d}", state="accepted")
        for n, person in enumerate(people, start=1)
    ]  # fmt: skip
    return {"session": session, "apps": applications, "institution": personas.actor("evaluation")}


def enter(world, app, part, value, **kwargs):
    return scoring.enter_score(actor=world["institution"], application=app, part=part, value=value, **kwargs)


def test_each_part_passes_at_the_mark_and_the_result_follows(world):
    one, two, three = world["apps"]
    enter(world, one, "theory", "60")
    enter(world, one, "practical", "75.5")
    enter(world, two, "theory", "59.9")
    enter(world, two, "practical", "90")
    enter(world, three, "theory", "缺考")
    results = scoring.results(world["session"])
    assert results == {one.pk: "pass", two.pk: "fail", three.pk: "pending"}
    refused(EvaluationError.SCORE_RANGE, enter, world, three, "practical", "101")
    refused(EvaluationError.SCORE_RANGE, enter, world, three, "practical", "80.25")
    refused(EvaluationError.NOT_A_CANDIDATE, enter, world, three, "review", "80")  # 四级 has no review


def test_a_change_needs_its_reason_and_is_audited(world):
    app = world["apps"][0]
    score = enter(world, app, "theory", "58")
    refused(EvaluationError.REASON_REQUIRED, enter, world, app, "theory", "62")
    enter(world, app, "theory", "62", reason="复核时发现漏计一题")
    score.refresh_from_db()
    assert score.value == Decimal("62.0")
    event = AuditEvent.objects.filter(verb="score_change", object_id=str(score.pk)).get()
    assert event.reason == "复核时发现漏计一题" and event.changes["value"] == ["58.0", "62"]


def test_theory_before_practical_where_the_standard_says_so(world):
    session = world["session"]
    VersionLevel.objects.filter(version_id=session.version_id, level_id=session.level_id).update(theory_before_practical=True)
    app = world["apps"][0]
    refused(EvaluationError.THEORY_FIRST, enter, world, app, "practical", "80")
    enter(world, app, "theory", "50")
    refused(EvaluationError.THEORY_FIRST, enter, world, app, "practical", "80")
    assert scoring.results(session)[app.pk] == "fail"  # failed theory, no practical to sit
    VersionLevel.objects.filter(version_id=session.version_id, level_id=session.level_id).update(theory_before_practical=False)


def test_a_second_person_confirms_where_the_session_asks(personas, world):
    session = world["session"]
    EvaluationSession.objects.filter(pk=session.pk).update(confirm_scores=True)
    session.refresh_from_db()
    app = world["apps"][0]
    theory = enter(world, app, "theory", "80")
    practical = enter(world, app, "practical", "80")
    assert scoring.results(session)[app.pk] == "pending"
    refused(EvaluationError.SAME_PERSON, scoring.confirm_score, actor=world["institution"], score=theory)
    colleague = User.objects.create_user(username="colleague")
    from talentbase.accounts.models import Membership

    Membership.objects.create(user=colleague, organisation=personas.organisation("evaluation"), role=Role.EVALUATION)
    other = Actor(role=Role.EVALUATION, user=colleague, organisation_id=personas.organisation("evaluation").pk)
    scoring.confirm_score(actor=other, score=theory)
    scoring.confirm_score(actor=other, score=practical)
    assert scoring.results(session)[app.pk] == "pass"


def _examiner(world, duty, *, employer=None):
    person = Person.objects.filter(user__isnull=True).order_by("-pk").first()
    person.user = User.objects.create_user(username=f"ex{person.pk}")
    person.save()
    Employment.objects.filter(person=person).delete()  # no job in common with a candidate unless given
    if employer is not None:
        Employment.objects.create(person=person, employer=employer, start_date=D(2010, 1, 1))
    session = world["session"]
    card = ExaminerQualification.objects.create(person=person, occupation=session.occupation,
                                                highest_level=Level.objects.get(code="level3"), card_number=f"K{person.pk}",
                                                valid_from=D(2024, 1, 1), valid_to=D(2029, 1, 1))  # fmt: skip
    Assignment.objects.create(session=session, person=person, user=person.user, duty=duty, qualification=card)
    return person, Actor(role=Role.WORKER, user=person.user)


def test_an_examiner_enters_only_their_part_and_never_for_a_candidate_to_avoid(world):
    app = world["apps"][0]
    examiner, actor = _examiner(world, Duty.PRACTICAL)
    scoring.enter_score(actor=actor, application=app, part="practical", value="88")
    refused(EvaluationError.NOT_THE_EXAMINER, scoring.enter_score, actor=actor, application=app, part="theory", value="70")
    # A relation that arose after the assignment is caught when scoring.
    employer = Employment.objects.filter(person=world["apps"][1].person).first()
    if employer is None:
        from talentbase.orgs.models import Organisation

        org = Organisation.objects.filter(kinds__code="employer").first()
        Employment.objects.create(person=world["apps"][1].person, employer=org, start_date=D(2015, 1, 1))
        employer = Employment.objects.filter(person=world["apps"][1].person).first()
    Employment.objects.create(person=examiner, employer=employer.employer, start_date=D(2020, 1, 1))
    error = refused(EvaluationError.AVOIDANCE, scoring.enter_score, actor=actor, application=world["apps"][1],
                    part="practical", value="70")  # fmt: skip
    assert "同一单位" in str(error.message)


def test_scoring_ends_when_staffed_and_every_part_is_in(world):
    session, institution = world["session"], world["institution"]
    error = refused(EvaluationError.STAFFING_INCOMPLETE, perform, session, "finish_scoring", actor=institution, data={})
    assert "监考人员" in str(error.message)
    for duty in [Duty.INVIGILATOR] * 2 + [Duty.PRACTICAL] * 3:
        _examiner(world, duty)
    refused(EvaluationError.SCORES_INCOMPLETE, perform, session, "finish_scoring", actor=institution, data={})
    for app in world["apps"]:
        enter(world, app, "theory", "70")
        enter(world, app, "practical", "70")
    perform(session, "finish_scoring", actor=institution, data={})
    assert EvaluationSession.objects.get(pk=session.pk).state == SessionState.SCORED
    refused(EvaluationError.NOT_EXAMINING, enter, world, world["apps"][0], "theory", "71", reason="晚了")


@given(text=st.one_of(st.decimals(min_value=-10, max_value=110, places=2, allow_nan=False), st.text(max_size=6)))
def test_a_typed_score_is_a_number_from_0_to_100_with_one_decimal_or_absent(text):
    try:
        value, absent = scoring.parse_score(text)
    except DomainError:
        return
    assert absent or (Decimal(0) <= value <= Decimal(100) and value == value.quantize(Decimal("0.1")))


def test_the_score_sheet_page_and_the_entry_form(personas, world):
    client = personas.client("evaluation")
    sheet = client.get(reverse("evaluation:score-sheet", args=[world["session"].pk]))
    assert sheet.status_code == 200 and world["apps"][0].ticket in sheet.content.decode()
    url = reverse("evaluation:score-entry", args=[world["apps"][0].pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"part_theory": "abc", "part_practical": ""})
    assert bad.status_code == 400 and "0 至 100" in bad.content.decode()
    assert client.post(url, {"part_theory": "81", "part_practical": "缺考"}).status_code == 302
    assert {s.part: (s.value, s.absent) for s in Score.objects.filter(application=world["apps"][0])} == {
        "theory": (Decimal("81.0"), False), "practical": (None, True)}


def test_scores_imported_from_a_sheet(personas, world, import_settings, tmp_path, django_capture_on_commit_callbacks):  # noqa: F811
    one, two, three = world["apps"]
    path = tmp_path / "成绩.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["准考证号", "姓名", "理论知识考试", "操作技能考核", "综合评审", "修改原因"])
        writer.writerow([one.ticket, one.person.full_name, "78", "85", "", ""])
        writer.writerow([two.ticket, "错名", "70", "70", "", ""])
        writer.writerow(["20270000000000", "", "70", "", "", ""])
        writer.writerow([three.ticket, "", "缺考", "", "", ""])
    actor = world["institution"]
    batch = upload(django_capture_on_commit_callbacks, actor, path, kind="evaluation.scores", policy="valid_only",
                   options={"session_id": world["session"].pk})  # fmt: skip
    from talentbase.core.imports.models import ImportRowError

    errors = {e.row_number: e.message for e in ImportRowError.objects.filter(batch=batch)}
    assert set(errors) == {3, 4} and "姓名" in errors[3] and "准考证号" in errors[4]
    commit(django_capture_on_commit_callbacks, actor, batch)
    assert scoring.results(world["session"]) == {one.pk: "pass", two.pk: "pending", three.pk: "pending"}
    assert Score.objects.get(application=three, part="theory").absent
    # The import pages.
    client = personas.client("evaluation")
    for name in ("list", "create", "template"):
        assert client.get(reverse(f"evaluation:score-import-{name}")).status_code == 200
    for name in ("detail", "progress", "errors"):
        assert client.get(reverse(f"evaluation:score-import-{name}", args=[batch.pk])).status_code == 200
    other = type(batch).objects.create(kind="evaluation.scores", organisation_id=batch.organisation_id,
                                       created_by=batch.created_by, original_filename="x.csv", file_format="csv",
                                       state="previewed", options={"session_id": world["session"].pk})  # fmt: skip
    assert client.post(reverse("evaluation:score-import-cancel", args=[other.pk])).status_code == 302
    again = upload(django_capture_on_commit_callbacks, actor, path, kind="evaluation.scores", policy="valid_only",
                   options={"session_id": world["session"].pk})  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("evaluation:score-import-commit", args=[again.pk]),
                           {"policy": "valid_only"}).status_code == 302  # fmt: skip



def test_a_part_passed_in_an_earlier_session_within_the_kept_years_is_not_sat_again(personas, world):
    from django.urls import reverse as url

    person = world["apps"][0].person
    earlier = session_for(personas.organisation("evaluation"), state="scored")
    EvaluationSession.objects.filter(pk=earlier.pk).update(registration_closes=D(2026, 4, 20), theory_on=D(2026, 5, 10),
                                                           practical_on=D(2026, 5, 11))  # fmt: skip
    before = Application.objects.create(session=earlier, person=person, channel="worker", applied_on=D(2026, 4, 1),
                                        ticket="20260000000001", state="accepted")  # fmt: skip
    Score.objects.create(application=before, part="theory", value=75)
    Score.objects.create(application=before, part="practical", value=50)
    app = world["apps"][0]
    enter(world, app, "practical", "72")
    assert scoring.results(world["session"])[app.pk] == "pass"  # theory kept from May 2026
    sheet = personas.client("evaluation").get(url("evaluation:score-sheet", args=[world["session"].pk]))
    assert 'data-testid="kept-part"' in sheet.content.decode()
    # Beyond the kept years it must be sat again.
    VersionLevel.objects.filter(version_id=world["session"].version_id, level_id=world["session"].level_id).update(
        kept_years=0)
    assert scoring.results(world["session"])[app.pk] == "pending"
