"""The certificates the platform issued: the holder, the issuer, the holder's employer and district, the
sector unit of the occupation, HR and the city bureau."""

import datetime

from talentbase.catalog.models import Level, Occupation

from .base import ScopedAccessTests


def issued(personas) -> dict:
    from talentbase.certificates.models import Certificate
    from talentbase.evaluation.tests.helpers import session_for
    from talentbase.registry.models import Person

    sectors = personas.actor("sector").sector_ids
    outside = Occupation.objects.exclude(sector_id__in=sectors).order_by("code").first()
    objects = {}
    for key, outsider, code in (("a", False, "4-09-10-01"), ("b", True, outside.code)):
        session = session_for(personas.organisation("evaluation", outsider), code, state="issuing")
        objects[key] = Certificate.objects.create(
            number=f"S0000310000{key}1264000001".replace("a", "1").replace("b", "2"),
            person=Person.objects.get(user=personas.user("worker", outsider)), occupation=session.occupation,
            level=Level.objects.get(code="level4"), issued_on=datetime.date(2026, 12, 1),
            issuer=session.institution, filing=session.filing, session=session, status="valid",
        )  # fmt: skip
    return objects


class CertificateAccess(ScopedAccessTests):
    from talentbase.certificates.models import Certificate as model  # noqa: N813

    list_url = "certificates:certificate-list"
    detail_url = "certificates:certificate-detail"
    api_basename = "certificate"
    access = {
        "city": {"view": "ab"},
        "hr": {"view": "ab", "change": "ab"},
        "auditadmin": {"view": "ab"},
        "sector": {"view": "a"},
        "district": {"view": "a"},
        "evaluation": {"view": "a", "change": "a"},
        "association": {"view": "", "change": ""},
        "employer": {"view": "a"},
        "worker": {"view": "a"},
    }

    def make_objects(self, personas):
        return issued(personas)


class NumberCounterAccess(ScopedAccessTests):
    """The numbering's own state: no role reads it."""

    from talentbase.certificates.models import NumberCounter as model  # noqa: N813

    access = {}

    def make_objects(self, personas):
        from talentbase.certificates.models import NumberCounter

        return {"a": NumberCounter.objects.create(prefix="S000031000001264"),
                "b": NumberCounter.objects.create(prefix="S000031000002264")}  # fmt: skip
