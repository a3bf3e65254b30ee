"""Every route of evaluation and certificates answered once on its page and its API: the transition buttons
through the API (``…/transition/`` and ``…/transitions/``), the supervisor's report, a declared relation, a
score confirmed, an objection resolved on its page, a number recorded on a certificate page and through the
API, a revocation on the page."""

import dataclasses
import datetime

import pytest
from django.urls import reverse

from talentbase.accounts.models import Membership, User
from talentbase.catalog.models import Occupation
from talentbase.certificates import issuing
from talentbase.certificates.models import Certificate, CertificateStatus
from talentbase.core.roles import Role
from talentbase.evaluation import actions, plans
from talentbase.evaluation.models import (
    Application,
    Assignment,
    DeclaredRelation,
    EvaluationSession,
    Objection,
    Score,
)
from talentbase.evaluation.tests.helpers import session_for
from talentbase.orgs.models import EvaluationFiling
from talentbase.registry.models import Person
from talentbase.registry.protection import reveal_id_number

pytestmark = pytest.mark.django_db

D = datetime.date


def api(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_the_api_buttons_of_versions_plans_sessions_and_applications(personas):
    evaluation = personas.client("evaluation")
    occupation = Occupation.objects.filter(national_standard="unknown").order_by("code").first()
    norm = actions.create_version(actor=personas.actor("evaluation"), values={
        "occupation": occupation, "title": "规范", "generation": "2023"})  # fmt: skip
    assert evaluation.get(reverse("standardversion-transitions", args=[norm.pk])).status_code == 200
    answer = api(evaluation, reverse("standardversion-transition", args=[norm.pk]), {"transition": "submit"})
    assert answer.status_code == 200 and answer.json()["to_state"] == "submitted"

    plan = plans.create_plan(actor=personas.actor("evaluation"), year=2028)
    assert evaluation.get(reverse("evaluationplan-transitions", args=[plan.pk])).status_code == 200
    refused = api(evaluation, reverse("evaluationplan-transition", args=[plan.pk]), {"transition": "submit"})
    assert refused.status_code == 400 and refused.json()["code"] == "plan_empty"
    from talentbase.evaluation.models import PlanState

    type(plan).objects.filter(pk=plan.pk).update(state=PlanState.SUBMITTED)
    hr = personas.client("hr")
    done = api(hr, reverse("evaluationplan-transition", args=[plan.pk]), {"transition": "return", "comment": "请补充"})
    assert done.status_code == 200 and done.json()["to_state"] == "returned"

    session = session_for(personas.organisation("evaluation"))
    assert evaluation.get(reverse("evaluationsession-transitions", args=[session.pk])).status_code == 200
    opened = api(evaluation, reverse("evaluationsession-transition", args=[session.pk]), {"transition": "cancel",
                                                                                          "comment": "人数不足"})  # fmt: skip
    assert opened.status_code == 200 and opened.json()["to_state"] == "cancelled"

    open_session = session_for(personas.organisation("evaluation"), state="registration")
    worker = Person.objects.get(user=personas.user("worker"))
    application = Application.objects.create(session=open_session, person=worker, channel="worker",
                                             applied_on=D(2026, 12, 1), ticket="20279999990001")  # fmt: skip
    assert evaluation.get(reverse("evaluationapplication-transitions", args=[application.pk])).status_code == 200
    accepted = api(evaluation, reverse("evaluationapplication-transition", args=[application.pk]),
                   {"transition": "accept"})  # fmt: skip
    assert accepted.status_code == 200 and accepted.json()["to_state"] == "accepted"


def test_the_supervisor_reports_and_relations_scores_and_objections_on_their_pages(personas):
    session = session_for(personas.organisation("evaluation"), state="examining")
    person = Person.objects.filter(user__isnull=True).order_by("pk").first()
    person.user = User.objects.create_user(username="demo-supervisor")
    person.save()
    Membership.objects.create(user=person.user, organisation=personas.organisation("employer"), role=Role.WORKER)
    assignment = Assignment.objects.create(session=session, person=person, user=person.user,
                                           duty="external_supervisor", acting_for=personas.organisation("association"))  # fmt: skip
    supervisor = personas.client(None)
    from tests.personas import login_client

    login_client(supervisor, person.user)
    page = supervisor.get(assignment.get_absolute_url())
    assert page.status_code == 200 and "提交督导报告" in page.content.decode()
    done = supervisor.post(reverse("evaluation:assignment-report", args=[assignment.pk]),
                           {"report": "考场秩序良好，身份核验严格，评分独立规范，未发现违规。"})  # fmt: skip
    assert done.status_code == 302 and Assignment.objects.get(pk=assignment.pk).reported_at

    institution = personas.client("evaluation")
    candidate = Person.objects.get(user=personas.user("worker"))
    assert institution.get(reverse("evaluation:relation-create")).status_code == 200
    declared = institution.post(reverse("evaluation:relation-create"), {
        "examiner_id_number": reveal_id_number(person), "candidate_id_number": reveal_id_number(candidate),
        "kind": "mentor", "note": "师徒"})  # fmt: skip
    assert declared.status_code == 302 and DeclaredRelation.objects.filter(examiner=person, candidate=candidate).exists()

    EvaluationSession.objects.filter(pk=session.pk).update(confirm_scores=True)
    application = Application.objects.create(session=session, person=candidate, channel="worker", state="accepted",
                                             applied_on=D(2026, 12, 1), ticket="20279999990002")  # fmt: skip
    colleague = User.objects.create_user(username="entered-by")
    score = Score.objects.create(application=application, part="theory", value=70, entered_by=colleague)
    confirmed = institution.post(reverse("evaluation:score-confirm", args=[score.pk]))
    assert confirmed.status_code == 302 and Score.objects.get(pk=score.pk).confirmed_at is not None

    objection = Objection.objects.create(application=application, objector_name="王某", objector_contact="x",
                                         grounds="材料不实")  # fmt: skip
    resolved = institution.post(reverse("evaluation:objection-transition", args=[objection.pk, "dismiss"]),
                                {"comment": "经核实属实"})  # fmt: skip
    assert resolved.status_code == 302 and Objection.objects.get(pk=objection.pk).state == "dismissed"


def test_a_number_recorded_and_a_certificate_revoked_on_the_page_and_the_api(personas):
    session = session_for(personas.organisation("evaluation"), state="issuing")
    EvaluationFiling.objects.filter(pk=session.filing_id).update(numbering="hr_system")
    people = list(Person.objects.filter(user__isnull=True).order_by("pk")[:2])
    for n, person in enumerate(people, start=1):
        app = Application.objects.create(session=session, person=person, channel="employer", state="accepted",
                                         applied_on=D(2026, 11, 1), ticket=f"2027888888{n:04d}")  # fmt: skip
        Score.objects.create(application=app, part="theory", value=80)
        Score.objects.create(application=app, part="practical", value=80)
    issuing.issue_certificates(actor=dataclasses.replace(personas.actor("evaluation"), second_factor=True),
                               session=session)  # fmt: skip
    first, second = Certificate.objects.order_by("pk")
    from talentbase.registry.identity import today_in_china

    yy = f"{today_in_china():%y}"
    hr = personas.client("hr")
    assert hr.get(reverse("certificates:certificate-number", args=[first.pk])).status_code == 200
    page = hr.post(reverse("certificates:certificate-number", args=[first.pk]), {"number": f"S000031000999{yy}4000101"})
    assert page.status_code == 302 and Certificate.objects.get(pk=first.pk).status == CertificateStatus.VALID
    answer = api(hr, reverse("certificate-number", args=[second.pk]), {"number": f"S000031000999{yy}4000102"})
    assert answer.status_code == 200 and answer.json()["status"] == "valid"
    assert hr.get(reverse("certificate-transitions", args=[second.pk])).status_code == 200
    revoked = api(hr, reverse("certificate-transition", args=[second.pk]), {"transition": "revoke", "comment": "作弊"})
    assert revoked.status_code == 200 and revoked.json()["to_state"] == "revoked"
    on_page = hr.post(reverse("certificates:certificate-transition", args=[first.pk, "revoke"]), {"comment": "冒名"})
    assert on_page.status_code == 302 and Certificate.objects.get(pk=first.pk).status == CertificateStatus.REVOKED

