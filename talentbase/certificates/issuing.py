"""Issuing certificates (notice 三.三.5: 谁评价、谁发证、谁负责): after publicity, the institution issues a
certificate to every candidate who passed and against whom no objection is open or upheld — only under a
filing in force on the issue date, and only with the second factor. Numbers are taken from a counter per
16-character prefix, locked while a number is taken (gapless and unique under concurrency), or, for an
institution the HR system numbers, imported back later (the certificate waits as "awaiting number" and is
not yet valid). A valid certificate enters the person's level history at once; a revoked one leaves it from
its revocation date."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentbase.core import audit, scoping, workflow
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.legacy_certificates import numbers
from talentbase.legacy_certificates.models import CertificateRecord
from talentbase.orgs.models import Numbering
from talentbase.orgs.queries import filing_in_force
from talentbase.registry import levels
from talentbase.registry.identity import today_in_china
from talentbase.registry.models import LevelSource

from .errors import CertificateError
from .models import Certificate, CertificateStatus, NumberCounter

SERIAL_DIGITS = 6
LAST_SERIAL = 10**SERIAL_DIGITS - 1

audit.register_verb("issue", gettext_lazy("颁发证书"))
audit.register_verb("number_assigned", gettext_lazy("登记人社系统证书编号"))


def highest_serial_in_use(prefix: str) -> int:
    """The highest serial any number under this prefix already has (certificates recorded from before the
    platform included), so that a new counter starts above it."""
    # unscoped: the uniqueness of numbers across every record, keys only
    taken = list(Certificate.objects.filter(number__startswith=prefix).values_list("number", flat=True))
    taken += list(CertificateRecord.objects.filter(number__startswith=prefix).values_list("number", flat=True))
    serials = [int(number[len(prefix):]) for number in taken if number[len(prefix):].isdigit()]
    return max(serials, default=0)


def allocate_numbers(prefix: str, count: int = 1) -> list[str]:
    """The next ``count`` numbers under ``prefix``: the counter row locked until the caller's transaction
    ends, so a number is taken once, and numbers rolled back are taken again (no gap)."""
    if count < 1:
        return []
    with transaction.atomic():
        counter = NumberCounter.objects.select_for_update().filter(prefix=prefix).first()
        if counter is None:
            try:
                with transaction.atomic():
                    NumberCounter.objects.create(prefix=prefix, last_serial=highest_serial_in_use(prefix))
            except IntegrityError:  # another issuer created it first: take its row, locked
                pass
            counter = NumberCounter.objects.select_for_update().get(prefix=prefix)
        if counter.last_serial + count > LAST_SERIAL:
            raise DomainError(CertificateError.SERIAL_EXHAUSTED, _("编号前缀 {prefix} 的序号已用完").format(prefix=prefix))
        first = counter.last_serial + 1
        counter.last_serial += count
        counter.save(update_fields=["last_serial"])
        return [f"{prefix}{serial:0{SERIAL_DIGITS}d}" for serial in range(first, first + count)]


def allocate_number(prefix: str) -> str:
    return allocate_numbers(prefix, 1)[0]


def _enter_level(certificate: Certificate) -> None:
    levels.record_level(person=certificate.person_id, occupation=certificate.occupation_id, level=certificate.level,
                        valid_from=certificate.issued_on, confirmed=True, source_kind=LevelSource.PLATFORM_CERTIFICATE,
                        source_id=certificate.pk)  # fmt: skip


def ensure_second_factor(actor: Actor) -> None:
    if not (actor.second_factor or actor.is_system):
        raise DomainError(CertificateError.SECOND_FACTOR, _("颁发证书须使用动态口令（TOTP）登录：请在个人设置中启用后重新登录"))


CERTIFICATE_COLUMNS = ["id", "kind", "number", "person_id", "occupation_id", "work_type", "level_id", "issued_on",
                       "issuer_id", "filing_id", "session_id", "application_id", "status", "revoked_on",
                       "revocation_reason", "issued_by_id", "created_at", "updated_at"]  # fmt: skip


@transaction.atomic
def issue_certificates(*, actor: Actor, session) -> dict:
    """Issue the session's certificates: one per candidate who passed with no objection open or upheld, not
    yet issued. Returns how many were issued, how many await their number, how many are held back.

    Written in bulk (a session may have thousands of candidates; bench/issue_certificates.py): the numbers
    taken in one lock of the counter, the rows and their level entries inserted together, one audit event
    naming the session and the numbers."""
    from django.utils import timezone

    from talentbase.core.imports import bulk
    from talentbase.evaluation import publicity, scoring
    from talentbase.evaluation.models import EvaluationSession, SessionState

    ensure_second_factor(actor)
    session = scoping.get_for(actor, EvaluationSession.objects.select_for_update(), session.pk, "change")
    if session.state != SessionState.ISSUING:
        raise DomainError(CertificateError.NOT_ISSUING, _("公示期满后方可颁发证书"))
    today = today_in_china()
    filing = filing_in_force(organisation_id=session.institution_id, occupation_id=session.occupation_id,
                             level_id=session.level_id, on=today)  # fmt: skip
    if filing is None:
        raise DomainError(CertificateError.NOT_FILED, _("今日本机构没有覆盖该职业等级的有效备案，不能发证"))
    platform_numbers = filing.numbering == Numbering.PLATFORM
    if platform_numbers and (not filing.site_serial or not filing.institution_type):
        raise DomainError(CertificateError.NUMBERING_DATA, _("备案缺少机构类型或站点序号，请人社部门补充"))
    level = session.level
    passed = {pk for pk, result in scoring.results(session).items() if result == "pass"}
    # unscoped: the session's own candidates and objections, under its lock
    issued = set(Certificate.objects.filter(session=session).values_list("application_id", flat=True))
    objected = publicity.held_back(session)
    wanted = passed - issued - objected
    due = sorted(row for row in session.applications.filter(state="accepted").values_list("ticket", "pk", "person_id")
                 if row[1] in wanted)  # fmt: skip  (a filter by 10^4 ids cost PostgreSQL more than the rows)
    counts = {"issued": 0 if not platform_numbers else len(due), "awaiting": 0 if platform_numbers else len(due),
              "held": len((passed - issued) & objected)}  # fmt: skip
    if not due:
        return counts
    numbers_taken = allocate_numbers(filing.number_prefix(level=level, year=today.year), len(due)) if platform_numbers \
        else [None] * len(due)  # fmt: skip
    ids = bulk.allocate_ids(Certificate, len(due))
    connection = bulk.connection_for(Certificate)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    status = CertificateStatus.VALID if platform_numbers else CertificateStatus.AWAITING_NUMBER
    bulk.insert_rows(Certificate, CERTIFICATE_COLUMNS, (
        (pk, "skill_level", number, person_id, session.occupation_id, "", level.pk, today, session.institution_id,
         filing.pk, session.pk, application_id, status, None, "", actor.user_id, now, now)
        for pk, number, (_ticket, application_id, person_id) in zip(ids, numbers_taken, due, strict=True)
    ))  # fmt: skip
    if platform_numbers:
        levels.record_levels_bulk(actor=actor, entries=(
            levels.NewLevel(person_id, session.occupation_id, level.pk, today, True, LevelSource.PLATFORM_CERTIFICATE, pk)
            for pk, (_ticket, _application_id, person_id) in zip(ids, due, strict=True)
        ))  # fmt: skip
    audit.record_audit(actor=actor, verb="issue", obj=session, changes={
        "certificates": len(due), "first": numbers_taken[0] or "", "last": numbers_taken[-1] or "",
    })  # fmt: skip
    return counts


@transaction.atomic
def assign_number(*, actor: Actor, certificate: Certificate, number: str) -> Certificate:
    """A number the HR system assigned, recorded on a certificate awaiting it: checked for format (year,
    level, province) and uniqueness; the certificate is then valid and enters the level history."""
    certificate = scoping.get_for(actor, Certificate.objects.select_for_update(), certificate.pk, "change")
    if certificate.status != CertificateStatus.AWAITING_NUMBER:
        raise DomainError(CertificateError.NOT_AWAITING, _("该证书不在待编号状态"))
    number = check_assigned_number(number, certificate)
    certificate.number, certificate.status = number, CertificateStatus.VALID
    certificate.save(update_fields=["number", "status", "updated_at"])
    _enter_level(certificate)
    audit.record_audit(actor=actor, verb="number_assigned", obj=certificate, changes={"number": number})
    return certificate


def check_assigned_number(text: str, certificate: Certificate) -> str:
    try:
        number = numbers.normalise_number(text)
        check = numbers.check_number(number, formats=numbers.load_formats(), kind="skill_level",
                                     level=certificate.level, issued_on=certificate.issued_on)  # fmt: skip
    except numbers.CertificateNumberError as error:
        raise DomainError(CertificateError.NUMBER_FORMAT, error.message, field="number") from None
    # unscoped: uniqueness across every record
    if Certificate.objects.filter(number=check.number).exclude(pk=certificate.pk).exists() or \
            CertificateRecord.objects.filter(number=check.number).exists():  # fmt: skip
        raise DomainError(CertificateError.NUMBER_TAKEN, _("该证书编号已被使用"), field="number")
    return check.number


def revoke(*, actor: Actor, certificate: Certificate, comment: str, revoked_on: datetime.date | None = None):
    """Revoked with a reason: the level it gave stops counting from the revocation date."""
    on = revoked_on or today_in_china()
    workflow.take_transition(certificate, "revoke", actor=actor, comment=comment,
                             changes={"revoked_on": on, "revocation_reason": comment.strip()[:500]})  # fmt: skip
    levels.end_level(source_kind=LevelSource.PLATFORM_CERTIFICATE, source_id=certificate.pk, on=on,
                     reason=_("证书撤销"))  # fmt: skip
    return certificate


def may_revoke(certificate: Certificate, actor: Actor) -> bool:
    return actor.role in ("hr", "city") or certificate.issuer_id == actor.organisation_id


def remaining(session) -> int:
    """Candidates who passed and have no certificate yet, unless an objection against them was upheld (they
    never will): an objection still open keeps the session open."""
    from talentbase.evaluation import scoring
    from talentbase.evaluation.models import ObjectionState

    passed = [pk for pk, result in scoring.results(session).items() if result == "pass"]
    # unscoped: the session's own candidates
    pending = session.applications.filter(pk__in=passed, certificate__isnull=True)
    return pending.exclude(objections__state=ObjectionState.UPHELD).distinct().count()
