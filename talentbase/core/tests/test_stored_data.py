"""What was stored before core's files became packages still reads (issue 12, item 7): files encrypted
under their contexts ("core.imports.file", "core.export.file", "credentials.report.photo"), an export's
encrypted query, and an audit chain whose events name the models of before ("core.exportjob").

The fixtures in tests/fixtures/stored/ were written by the code of before the move (commit 2fbd842:
``core.imports.machinery.write_private``, ``core.export_jobs.FILE_CONTEXT``, ``core.audit.event_hash``) with
the fixed keys below; they are read here through the new module paths."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from talentbase.core import audit, crypto, private_files
from talentbase.core.actor import system_actor
from talentbase.core.exports import background
from talentbase.core.imports import machinery
from talentbase.core.jobs.actions import read_result
from talentbase.core.jobs.models import Job
from talentbase.core.models import AuditEvent
from talentbase.legacy_certificates.actions import PHOTO_CONTEXT

STORED = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "stored"
FIXED_KEYS = "fixture1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
FIXED_HMAC_KEY = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="


@pytest.fixture
def keys_of_before(settings):
    settings.TALENTBASE_PII_KEYS = FIXED_KEYS
    settings.TALENTBASE_PII_HMAC_KEY = FIXED_HMAC_KEY
    settings.MEDIA_ROOT = STORED
    crypto.reset_keyring_cache()
    yield settings
    crypto.reset_keyring_cache()


def test_the_encryption_contexts_are_those_of_before():
    assert machinery.FILE_CONTEXT == "core.imports.file"
    assert (background.FILE_CONTEXT, background.QUERY_CONTEXT) == ("core.export.file", "core.export.query")
    assert PHOTO_CONTEXT == "credentials.report.photo"


def test_an_uploaded_roster_written_before_the_move_still_decrypts(keys_of_before):
    assert machinery.read_private("import-roster.bin").decode().startswith("姓名,证件号码\n张三,")


def test_a_report_photo_written_before_the_move_still_decrypts(keys_of_before):
    assert private_files.read("report-photo.bin", context=PHOTO_CONTEXT).startswith(b"\x89PNG")


def test_a_finished_export_written_before_the_move_still_downloads_through_its_job(keys_of_before, personas):
    query = (STORED / "export-query.txt").read_text()
    job = Job.objects.create(kind="export", owner=personas.user("employer"), state="succeeded",
                             result_file="export-persons.bin", result_filename="persons.xlsx",
                             arguments={"url_name": "registry:person-list", "query": query})  # fmt: skip
    _job, content = read_result(personas.actor("employer"), job)
    assert content.decode() == "姓名\n张三\n"
    assert (
        crypto.decrypt(job.arguments["query"], context=background.QUERY_CONTEXT) == "status=active&name=张三"
    )
    # A file cannot be passed off as another kind's: the import context does not open it.
    with pytest.raises(crypto.DecryptionError):
        private_files.read("export-persons.bin", context=machinery.FILE_CONTEXT)


def test_audit_events_written_before_the_move_still_verify():
    """Each event of the chain of before, with its old model labels, hashes as it did and links to the
    previous one: what ``audit_verify`` checks of every event."""
    previous = None
    for row in json.loads((STORED / "audit-chain.json").read_text()):
        stored_hash = row.pop("hash")
        event = AuditEvent(**{**row, "at": datetime.datetime.fromisoformat(row["at"])})
        assert audit.event_hash(event) == stored_hash, f"event #{event.seq} no longer hashes as it did"
        assert previous is None or event.prev_hash == previous
        previous = stored_hash
    assert {row["object_type"] for row in json.loads((STORED / "audit-chain.json").read_text())} >= {
        "core.exportjob", "core.importbatch"}  # fmt: skip


def test_the_chain_with_events_on_the_models_of_before_verifies(personas, capsys):
    audit.record_audit(
        actor=system_actor(), verb="export_purge", object_type="core.exportjob", changes={"files": 1}
    )
    audit.record_audit(actor=system_actor(), verb="import_reap", object_type="core.importbatch", object_id="12",
                       changes={"state": "committing", "attempts": 1, "outcome": "requeued"})  # fmt: skip
    call_command("audit_verify")
    assert "audit chain intact" in capsys.readouterr().out
