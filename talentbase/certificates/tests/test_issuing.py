"""Issuing certificates: the second factor, the filing in force on the issue date, numbers in the national
format from a locked counter (gapless, above numbers recorded before), numbers from the HR system imported
back, the level history on issue and on revocation, objections that keep a certificate back."""

import dataclasses
import datetime
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from talentbase.certificates import issuing
from talentbase.certificates.errors import CertificateError
from talentbase.certificates.models import Certificate, CertificateStatus, NumberCounter
from talentbase.core.tests.refusals import refused
from talentbase.core.workflow import perform
from talentbase.evaluation.models import Application, EvaluationSession, Objection, Score, SessionState
from talentbase.evaluation.tests.helpers import session_for
from talentbase.legacy_certificates.models import CertificateRecord
from talentbase.orgs.models import EvaluationFiling
from talentbase.registry.identity import today_in_china
from talentbase.registry.levels import level_on
from talentbase.registry.models import Person

D = datetime.date


def issuing_session(personas, *, numbering="platform"):
    session = session_for(personas.organisation("evaluation"), state="issuing")
    EvaluationFiling.objects.filter(pk=session.filing_id).update(numbering=numbering)
    people = list(Person.objects.filter(user__isnull=True).order_by("pk")[:3])
    apps = []
    for n, (person, value) in enumerate(zip(people, (80, 90, 40), strict=True), start=1):
        app = Application.objects.create(session=session, person=person, channel="employer", applied_on=D(2026, 11, 1),
                                         ticket=f"2027{session.pk:06d}{n:04d}", state="accepted")  # fmt: skip
        Score.objects.create(application=app, part="theory", value=value)
        Score.objects.create(application=app, part="practical", value=value)
        apps.append(app)
    session.refresh_from_db()
    return session, apps


def with_totp(actor):
    return dataclasses.replace(actor, second_factor=True)


@pytest.mark.django_db
def test_issuing_needs_the_second_factor_and_numbers_in_the_national_format(personas):
    session, (first, second, failed) = issuing_session(personas)
    institution = personas.actor("evaluation")
    refused(CertificateError.SECOND_FACTOR, issuing.issue_certificates, actor=institution, session=session)
    Objection.objects.create(application=second, objector_name="王某", objector_contact="x", grounds="材料不实")
    counts = issuing.issue_certificates(actor=with_totp(institution), session=session)
    assert counts == {"issued": 1, "awaiting": 0, "held": 1}
    certificate = Certificate.objects.get(application=first)
    prefix = session.filing.number_prefix(level=session.level, year=today_in_china().year)
    assert certificate.number == f"{prefix}000001" and len(certificate.number) == 22
    assert certificate.number.startswith("S000031") and certificate.number[13:16] == "264"
    assert certificate.status == CertificateStatus.VALID and certificate.issuer_id == session.institution_id
    assert level_on(first.person, session.occupation, today_in_china()) == session.level
    assert not Certificate.objects.filter(application__in=[second, failed]).exists()
    # The session is done only when the held-back candidate is settled.
    refused("scores_incomplete", perform, session, "complete", actor=institution, data={})
    objection = Objection.objects.get()
    perform(objection, "dismiss", actor=institution, data={"comment": "经核实材料属实"})
    assert issuing.issue_certificates(actor=with_totp(institution), session=session)["issued"] == 1
    assert Certificate.objects.get(application=second).number == f"{prefix}000002"
    perform(session, "complete", actor=institution, data={})
    assert EvaluationSession.objects.get(pk=session.pk).state == SessionState.COMPLETED


@pytest.mark.django_db
def test_a_counter_starts_above_a_number_recorded_before_the_platform(personas):
    session, (first, *_rest) = issuing_session(personas)
    prefix = session.filing.number_prefix(level=session.level, year=today_in_china().year)
    CertificateRecord.objects.create(person=first.person, kind="skill_level", number=f"{prefix}000007",
                                     occupation=session.occupation, level=session.level, issued_on=D(2026, 3, 1))  # fmt: skip
    issuing.issue_certificates(actor=with_totp(personas.actor("evaluation")), session=session)
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [f"{prefix}000008", f"{prefix}000009"]
    assert NumberCounter.objects.get(prefix=prefix).last_serial == 9


@pytest.mark.django_db
def test_no_certificate_outside_a_filing_in_force_on_the_issue_date(personas):
    session, _apps = issuing_session(personas)
    EvaluationFiling.objects.filter(pk=session.filing_id).update(valid_to=today_in_china() - datetime.timedelta(days=1))
    refused(CertificateError.NOT_FILED, issuing.issue_certificates, actor=with_totp(personas.actor("evaluation")),
            session=session)  # fmt: skip
    assert not Certificate.objects.exists() and not NumberCounter.objects.exists()


@pytest.mark.django_db
def test_numbers_from_the_hr_system_are_checked_and_make_the_certificate_valid(personas):
    session, (first, second, _failed) = issuing_session(personas, numbering="hr_system")
    counts = issuing.issue_certificates(actor=with_totp(personas.actor("evaluation")), session=session)
    assert counts == {"issued": 0, "awaiting": 2, "held": 0}
    certificate = Certificate.objects.get(application=first)
    assert certificate.status == CertificateStatus.AWAITING_NUMBER and certificate.number is None
    assert level_on(first.person, session.occupation, today_in_china()) is None  # not valid yet
    hr = personas.actor("hr")
    refused(CertificateError.NUMBER_FORMAT, issuing.assign_number, actor=hr, certificate=certificate, number="123")
    wrong_year = "S00003100012325" + "4000031"
    refused(CertificateError.NUMBER_FORMAT, issuing.assign_number, actor=hr, certificate=certificate, number=wrong_year)
    good = "S00003100099926" + "4000031"
    issuing.assign_number(actor=hr, certificate=certificate, number=good)
    certificate.refresh_from_db()
    assert (certificate.status, certificate.number) == (CertificateStatus.VALID, good)
    assert level_on(first.person, session.occupation, today_in_china()) == session.level
    other = Certificate.objects.get(application=second)
    refused(CertificateError.NUMBER_TAKEN, issuing.assign_number, actor=hr, certificate=other, number=good)


@pytest.mark.django_db
def test_revocation_takes_the_level_away_from_that_date(personas):
    session, (first, *_rest) = issuing_session(personas)
    issuing.issue_certificates(actor=with_totp(personas.actor("evaluation")), session=session)
    certificate = Certificate.objects.get(application=first)
    from talentbase.core.workflow import TransitionFormError

    with pytest.raises(TransitionFormError):
        perform(certificate, "revoke", actor=personas.actor("hr"), data={})
    perform(certificate, "revoke", actor=personas.actor("hr"), data={"comment": "考试作弊，经查实"})
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED and certificate.revoked_on == today_in_china()
    assert level_on(first.person, session.occupation, today_in_china()) is None
    assert level_on(first.person, session.occupation, today_in_china() - datetime.timedelta(days=1)) is None  # issued today


@pytest.mark.django_db
def test_the_worker_sees_the_certificate_at_once_and_the_pages(personas):
    session, (first, *_rest) = issuing_session(personas)
    # The worker persona is the first candidate here.
    worker = Person.objects.get(user=personas.user("worker"))
    Application.objects.filter(pk=first.pk).update(person=worker)
    # A colleague of the institution signed in without the second factor is refused, with the reason.
    from talentbase.accounts.models import Membership, User
    from tests.personas import login_client

    colleague = User.objects.create_user(username="no-totp")
    Membership.objects.create(user=colleague, organisation=session.institution, role="evaluation")
    without = login_client(personas.client(None), colleague)
    assert 'data-testid="issue"' in without.get(session.get_absolute_url()).content.decode()
    response = without.post(reverse("certificates:issue", args=[session.pk]), follow=True)
    assert "动态口令" in response.content.decode() and not Certificate.objects.exists()
    # The demo institution's login has its TOTP: it issues from the page.
    issued = personas.client("evaluation").post(reverse("certificates:issue", args=[session.pk]), follow=True)
    assert "已颁发 2 张证书" in issued.content.decode()
    certificate = Certificate.objects.get(application=first)
    mine = personas.client("worker").get(reverse("certificates:certificate-list"))
    assert mine.status_code == 200 and certificate.number in mine.content.decode()
    assert personas.client("worker").get(certificate.get_absolute_url()).status_code == 200
    person_page = personas.client("employer").get(worker.get_absolute_url()).content.decode()
    assert 'data-testid="platform-certificates"' in person_page
    api = personas.client("worker").get(reverse("certificate-list")).json()
    assert [row["number"] for row in api["results"]] == [certificate.number]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the concurrency proof runs on PostgreSQL")
def test_sixteen_threads_take_numbers_without_duplicates_or_gaps():
    prefix = "S00003100012326" + "4"
    taken: list[str] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def worker():
        try:
            for _ in range(25):
                from django.db import transaction

                with transaction.atomic():
                    number = issuing.allocate_number(prefix)
                with lock:
                    taken.append(number)
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    serials = sorted(int(number[-6:]) for number in taken)
    assert len(taken) == len(set(taken)) == 400
    assert serials == list(range(1, 401))
