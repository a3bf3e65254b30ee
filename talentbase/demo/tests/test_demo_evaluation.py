"""The demo's evaluation: every state a journey meets exists, built through the apps' own actions."""

import pytest

from talentbase.certificates.models import Certificate, CertificateStatus
from talentbase.demo.evaluation import build_evaluation
from talentbase.evaluation.models import EvaluationPlan, EvaluationSession, Objection, StandardVersion

pytestmark = pytest.mark.django_db


def test_the_demo_has_norms_plans_sessions_in_every_state_and_certificates():
    made = build_evaluation()
    assert made["sessions"] == 7
    states = set(EvaluationSession.objects.values_list("state", flat=True))
    assert states == {"completed", "publicity", "scored", "examining", "registration", "draft", "cancelled"}
    norms = set(StandardVersion.objects.filter(kind="norm").values_list("state", flat=True))
    assert {"filed", "submitted", "returned", "draft"} <= norms
    assert set(EvaluationPlan.objects.values_list("state", flat=True)) == {"acknowledged", "submitted"}
    assert Objection.objects.filter(state="open").exists()
    statuses = set(Certificate.objects.values_list("status", flat=True))
    assert statuses == {CertificateStatus.VALID, CertificateStatus.REVOKED}
    assert build_evaluation() == {}  # idempotent
    from talentbase.accounts.models import User

    assert User.objects.filter(username__in=["examiner", "supervisor"], is_demo=True).count() == 2
