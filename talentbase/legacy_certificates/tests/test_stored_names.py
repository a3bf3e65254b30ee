"""The app moved to talentbase/legacy_certificates (its name says it holds certificates from before the
platform); what was stored under its first name still reads."""

import pytest
from django.apps import apps

from talentbase.core import workflow
from talentbase.core.models import Decision
from talentbase.core.private_files import new_name, read, write
from talentbase.legacy_certificates.actions import PHOTO_CONTEXT
from talentbase.legacy_certificates.models import CertificateRecord, CertificateReport

from . import support


def test_the_label_tables_and_stored_names_are_those_of_before_the_move():
    assert apps.get_app_config("credentials").name == "talentbase.legacy_certificates"
    assert apps.get_model("credentials.certificaterecord") is CertificateRecord
    assert CertificateRecord._meta.db_table == "credentials_certificaterecord"
    assert CertificateReport._meta.label_lower == "credentials.certificatereport"
    assert PHOTO_CONTEXT == "credentials.report.photo"


@pytest.mark.django_db
def test_a_decision_row_written_under_the_old_label_still_shows_in_the_history(personas):
    record = support.record(personas)
    Decision.objects.create(object_type="credentials.certificaterecord", object_id=str(record.pk),
                            transition="revoke", from_state="valid", to_state="revoked", role="hr")  # fmt: skip
    assert [d["action"] for d in workflow.decision_history(record)] == ["撤销"]


def test_a_photo_encrypted_under_the_old_context_still_decrypts(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    relative = new_name("reports", suffix=".bin")
    write(relative, b"\x89PNG", context="credentials.report.photo")
    assert read(relative, context=PHOTO_CONTEXT) == b"\x89PNG"
