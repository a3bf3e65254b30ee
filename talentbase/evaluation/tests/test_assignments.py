"""Examiners and supervisors: the register's qualification, avoidance for both institution types and
declared relations, the staffing a session's rules ask for, supervisors and their reports, and the right an
assignment gives an account."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from talentbase.accounts.models import User
from talentbase.catalog.models import Level, Occupation
from talentbase.core import scoping
from talentbase.core.actor import Actor
from talentbase.core.roles import Role
from talentbase.core.tests.refusals import refused
from talentbase.evaluation import assignments, avoidance
from talentbase.evaluation.errors import EvaluationError
from talentbase.evaluation.models import (
    Application,
    Assignment,
    AvoidanceRule,
    Duty,
    EvaluationSession,
    ExaminerQualification,
)
from talentbase.evaluation.tests.helpers import session_for
from talentbase.registry.models import Employment, Person

pytestmark = pytest.mark.django_db

D = datetime.date
GREENING = "4-09-10-01"


CARD_UNTIL = D(2028, 12, 31)


def examiner(*, employer=None, level="level3", occupation=GREENING, until=CARD_UNTIL, department="") -> Person:
    """A registered person with an account and an examiner card (and, when given, a current job)."""
    person = Person.objects.filter(user__isnull=True).order_by("pk").first()  # one without an account yet
    person.user = User.objects.create_user(username=f"examiner{person.pk}", password=None)
    person.save()
    Employment.objects.filter(person=person).delete()
    if employer is not None:
        Employment.objects.create(person=person, employer=employer, start_date=D(2010, 1, 1), department=department)
    ExaminerQualification.objects.create(
        person=person, occupation=Occupation.objects.get(code=occupation), highest_level=Level.objects.get(code=level),
        card_number=f"KPY{person.pk:08d}", valid_from=D(2024, 1, 1), valid_to=until,
    )  # fmt: skip
    return person


def candidate(session, person, employer, *, department="") -> Application:
    Employment.objects.filter(person=person).delete()
    Employment.objects.create(person=person, employer=employer, start_date=D(2015, 1, 1), department=department)
    return Application.objects.create(session=session, person=person, employer=employer, channel="employer",
                                      applied_on=D(2026, 12, 1), ticket=f"T{session.pk:05d}{person.pk:06d}")  # fmt: skip


@pytest.fixture
def world(personas):
    session = session_for(personas.organisation("evaluation"), state="registration")
    worker = Person.objects.get(user=personas.user("worker"))
    employer = personas.organisation("employer")
    application = candidate(session, worker, employer)
    return {"session": session, "employer": employer, "candidate": worker, "application": application,
            "institution": personas.actor("evaluation")}  # fmt: skip


def test_an_examiner_needs_a_valid_card_for_the_occupation_and_level_and_an_account(world):
    session, institution = world["session"], world["institution"]
    low = examiner(level="level5")
    refused(EvaluationError.NOT_QUALIFIED, assignments.assign_examiner, actor=institution, session=session, person=low,
            duty=Duty.PRACTICAL)  # fmt: skip
    expired = examiner(until=D(2027, 5, 1))  # the practical exam is on 11 May 2027
    refused(EvaluationError.NOT_QUALIFIED, assignments.assign_examiner, actor=institution, session=session,
            person=expired, duty=Duty.PRACTICAL)  # fmt: skip
    other_trade = examiner(occupation="5-02-03-01")
    refused(EvaluationError.NOT_QUALIFIED, assignments.assign_examiner, actor=institution, session=session,
            person=other_trade, duty=Duty.PRACTICAL)  # fmt: skip
    ok = examiner()
    assignment = assignments.assign_examiner(actor=institution, session=session, person=ok, duty=Duty.PRACTICAL)
    assert assignment.user_id == ok.user_id and assignment.qualification.person_id == ok.pk
    refused(EvaluationError.WRONG_DUTY, assignments.assign_examiner, actor=institution, session=session, person=ok,
            duty=Duty.PRACTICAL)  # fmt: skip
    no_account = examiner()
    no_account.user = None
    no_account.save()
    refused(EvaluationError.NO_ACCOUNT, assignments.assign_examiner, actor=institution, session=session,
            person=no_account, duty=Duty.INVIGILATOR)  # fmt: skip


def test_a_social_organisations_examiner_never_marks_a_candidate_of_their_own_employer(world):
    colleague = examiner(employer=world["employer"])
    error = refused(EvaluationError.AVOIDANCE, assignments.assign_examiner, actor=world["institution"],
                    session=world["session"], person=colleague, duty=Duty.PRACTICAL)  # fmt: skip
    assert world["application"].ticket in str(error.message) and "同一单位" in str(error.message)
    assert not Assignment.objects.filter(person=colleague).exists()


def test_a_declared_relation_excludes_the_pair_whatever_the_institution(world):
    stranger = examiner()
    assignments.declare_relation(actor=world["institution"], examiner=stranger, candidate=world["candidate"],
                                 kind="kin", note="表兄弟")  # fmt: skip
    error = refused(EvaluationError.AVOIDANCE, assignments.assign_examiner, actor=world["institution"],
                    session=world["session"], person=stranger, duty=Duty.PRACTICAL)  # fmt: skip
    assert "亲属" in str(error.message)


def test_an_employer_institution_avoids_the_examiners_own_department_and_takes_some_from_outside(personas):
    employer = personas.organisation("employer")
    session = session_for(employer, state="registration", institution_type="Y")
    actor = Actor(role=Role.EVALUATION, user=personas.user("employer"), organisation_id=employer.pk)
    worker = Person.objects.get(user=personas.user("worker"))
    candidate(session, worker, employer, department="养护一部")
    same = examiner(employer=employer, department="养护一部")
    refused(EvaluationError.AVOIDANCE, assignments.assign_examiner, actor=actor, session=session, person=same,
            duty=Duty.PRACTICAL)  # fmt: skip
    colleagues = [examiner(employer=employer, department="养护二部") for _ in range(3)]
    for person in colleagues:
        assignments.assign_examiner(actor=actor, session=session, person=person, duty=Duty.PRACTICAL)
    share = AvoidanceRule.objects.get(institution_type="Y").outside_share
    assert share and any("外单位考评员" in gap for gap in avoidance.staffing_gaps(session))


def test_staffing_follows_the_candidates_and_the_rules(world):
    session, institution = world["session"], world["institution"]
    gaps = avoidance.staffing_gaps(session)
    assert any("监考人员须至少 2 名" in gap for gap in gaps) and any("操作技能考评员须至少 3 名" in gap for gap in gaps)
    for duty in [Duty.INVIGILATOR] * 2 + [Duty.PRACTICAL] * 3:
        assignments.assign_examiner(actor=institution, session=session, person=examiner(), duty=duty)
    assert avoidance.staffing_gaps(session) == []
    assignments.assign_examiner(actor=institution, session=session, person=examiner(), duty=Duty.PRACTICAL)
    assert avoidance.staffing_gaps(session) == ["操作技能考评员须为奇数"]


def test_hr_assigns_an_external_supervisor_who_alone_files_the_report(personas, world):
    session = world["session"]
    hr = personas.actor("hr")
    with pytest.raises(PermissionDenied):
        assignments.assign_supervisor(actor=world["institution"], session=session, person=examiner(),
                                      duty=Duty.INTERNAL_SUPERVISOR)  # fmt: skip
    supervisor = examiner()
    refused(EvaluationError.WRONG_DUTY, assignments.assign_supervisor, actor=hr, session=session, person=supervisor,
            duty=Duty.EXTERNAL_SUPERVISOR)  # fmt: skip  (an external one names the body it acts for)
    refused(EvaluationError.WRONG_DUTY, assignments.assign_supervisor, actor=hr, session=session, person=supervisor,
            duty=Duty.EXTERNAL_SUPERVISOR, acting_for=session.institution)  # fmt: skip
    assert avoidance.supervision_gaps(session) == ["尚未指派质量督导员"]
    assignment = assignments.assign_supervisor(actor=hr, session=session, person=supervisor,
                                               duty=Duty.EXTERNAL_SUPERVISOR, acting_for=personas.organisation("association"))  # fmt: skip
    assert avoidance.supervision_gaps(session) == ["1 名质量督导员尚未提交督导报告"]
    supervisor_actor = Actor(role=Role.WORKER, user=supervisor.user)
    someone_else = personas.actor("worker")
    with pytest.raises(Exception):  # noqa: B017 — another account does not even see the assignment
        assignments.file_report(actor=someone_else, assignment=assignment, report="x" * 30)
    refused(EvaluationError.REPORT_REQUIRED, assignments.file_report, actor=supervisor_actor, assignment=assignment,
            report="太短")  # fmt: skip
    assignments.file_report(actor=supervisor_actor, assignment=assignment,
                            report="考场秩序良好，身份核验严格，考评员按评分标准独立评分，未发现违规行为。")  # fmt: skip
    assert avoidance.supervision_gaps(session) == []


def test_an_assignment_shows_its_account_the_session_and_its_candidates_until_removed(world):
    person = examiner()
    actor = Actor(role=Role.WORKER, user=person.user)
    session = world["session"]
    EvaluationSession.objects.filter(pk=session.pk).update(state="examining")  # no longer open to everyone
    assert not scoping.visible_to(actor, EvaluationSession).filter(pk=session.pk).exists()
    assignment = assignments.assign_examiner(actor=world["institution"], session=session, person=person,
                                             duty=Duty.PRACTICAL)  # fmt: skip
    assert scoping.visible_to(actor, EvaluationSession).filter(pk=session.pk).exists()
    assert list(scoping.visible_to(actor, Application).values_list("pk", flat=True)) == [world["application"].pk]
    refused(EvaluationError.REPORT_REQUIRED, assignments.remove_assignment, actor=world["institution"],
            assignment=assignment, reason="")  # fmt: skip
    assignments.remove_assignment(actor=world["institution"], assignment=assignment, reason="本人申请回避")
    assert not scoping.visible_to(actor, Application).exists()


def test_the_session_page_shows_the_staff_and_what_is_missing(personas, world):
    from django.urls import reverse

    from talentbase.registry.protection import reveal_id_number

    client = personas.client("evaluation")
    page = client.get(world["session"].get_absolute_url()).content.decode()
    assert 'data-testid="assign"' in page and "监考人员须至少 2 名" in page
    person = examiner()
    response = client.post(reverse("evaluation:assign", args=[world["session"].pk]),
                           {"id_type": "ric", "id_number": reveal_id_number(person), "duty": "invigilator"})  # fmt: skip
    assert response.status_code == 302
    colleague = examiner(employer=world["employer"])
    refused_page = client.post(reverse("evaluation:assign", args=[world["session"].pk]),
                               {"id_type": "ric", "id_number": reveal_id_number(colleague), "duty": "practical"})  # fmt: skip
    assert refused_page.status_code == 400 and "须回避" in refused_page.content.decode()
    assignment = Assignment.objects.get(person=person)
    examiner_client = personas.client(None)
    examiner_client.force_login(person.user, backend="django.contrib.auth.backends.ModelBackend")
    tasks = examiner_client.get(reverse("evaluation:assignment-list"))
    assert tasks.status_code == 200 and assignment.get_absolute_url() in tasks.content.decode()
    removed = client.post(reverse("evaluation:assignment-remove", args=[assignment.pk]), {"reason": "调整考场"})
    assert removed.status_code == 302 and not Assignment.objects.get(pk=assignment.pk).active
