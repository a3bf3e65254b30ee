"""Certificate records, the level history and workers' reports. ``a`` is the demo worker's (employed by the
demo employer in Pudong, greening; certificate declared by that employer, issued by the demo evaluation
institution), ``b`` the outsider worker's (another employer in Xuhui, forestry; confirmed by HR, issued by
the other institution)."""

import datetime

from talentbase.legacy_certificates import actions
from talentbase.legacy_certificates.models import CertificateRecord, CertificateReport
from talentbase.legacy_certificates.tests import support
from talentbase.registry.models import LevelEntry, LevelSource

from .base import ScopedAccessTests


def _records(personas):
    a = support.record(personas, role="employer", issuer=personas.organisation("evaluation"))
    b = support.record(personas, role="hr", occupation_code="5-02-03-01", outsider=True,
                       issuer=personas.organisation("evaluation", outsider=True))  # fmt: skip
    return {"a": a, "b": b}


class CertificateRecordAccess(ScopedAccessTests):
    model = CertificateRecord
    list_url = "credentials:record-list"
    detail_url = "credentials:record-detail"
    create_url = "credentials:record-create"
    delete_url = "credentials:record-delete"
    api_basename = "certificaterecord"
    access = {
        "city": {"view": "ab", "change": "ab", "delete": "ab"},
        "hr": {"view": "ab", "change": "ab"},
        "sector": {"view": "a"},
        "district": {"view": "a"},
        "evaluation": {"view": "a", "change": "a"},
        "association": {"view": "", "change": ""},
        "employer": {"view": "a", "change": "a", "delete": "a"},
        "worker": {"view": "a"},
    }

    def make_objects(self, personas):
        return _records(personas)


class LevelEntryAccess(ScopedAccessTests):
    """The level history: read by whoever reads the person; written by no role (it is derived)."""

    model = LevelEntry
    api_basename = "levelentry"
    access = {
        "city": {"view": "ab"},
        "hr": {"view": "ab"},
        "sector": {"view": "a"},
        "district": {"view": "a"},
        "employer": {"view": "a"},
        "worker": {"view": "a"},
    }

    def make_objects(self, personas):
        records = _records(personas)
        return {
            key: LevelEntry.objects.get(source_kind=LevelSource.LEGACY_CERTIFICATE, source_id=record.pk)
            for key, record in records.items()
        }


class CertificateReportAccess(ScopedAccessTests):
    model = CertificateReport
    list_url = "credentials:report-list"
    detail_url = "credentials:report-detail"
    create_url = "credentials:report-create"
    api_basename = "certificatereport"
    access = {
        "city": {"view": "ab", "change": "ab"},
        "hr": {"view": "ab"},
        "evaluation": {"view": "", "change": ""},
        "association": {"view": "", "change": ""},
        "employer": {"view": "a", "change": "a"},
        "worker": {"view": "a", "change": "a"},
    }

    def make_objects(self, personas):
        def report(outsider):
            return actions.report_certificate(
                actor=personas.actor("worker", outsider), kind="missing", occupation=support.occupation(),
                level=support.level("level4"), number="", issued_on=datetime.date(2018, 5, 1),
                issuer_name="外省某评价机构", description="证书未登记", photo=support.photo(),
            )  # fmt: skip

        return {"a": report(False), "b": report(True)}
