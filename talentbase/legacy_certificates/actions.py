"""Every write to certificate records and reports: the acting user first, scoped, audited, and the
person's level history kept in step through the registry's actions in the same transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from talentbase.catalog.models import CertificateKind, Level, Occupation
from talentbase.core import audit, private_files, scoping
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.roles import Role
from talentbase.core.workflow import take_transition
from talentbase.orgs.models import Organisation
from talentbase.orgs.queries import organisation_named, organisation_names, organisation_of
from talentbase.registry import levels, queries
from talentbase.registry.errors import RegistryError
from talentbase.registry.identity import today_in_china
from talentbase.registry.models import Employment, LevelSource, Person

from . import numbers
from .errors import CredentialError
from .models import (
    CertificateRecord,
    CertificateReport,
    Confirmation,
    RecordSource,
    RecordStatus,
    ReportKind,
    ReportState,
)

LEVEL_SOURCE = {
    CertificateKind.QUALIFICATION: LevelSource.LEGACY_CERTIFICATE,
    CertificateKind.SKILL_LEVEL: LevelSource.LEGACY_CERTIFICATE,
    CertificateKind.APPOINTMENT: LevelSource.APPOINTMENT,
}
CONFIRMERS = {Role.CITY, Role.HR}
ISSUER_ROLES = {Role.EVALUATION, Role.ASSOCIATION}
APPOINTED_LEVELS = ("principal", "chief")


# --- Rules shared by forms, actions and the import


def may_confirm(actor: Actor, record_or_issuer_ids) -> bool:
    """HR (its export) and the city bureau confirm any record; an institution confirms what it issued."""
    if actor.role in CONFIRMERS or actor.role == "system":
        return True
    if actor.role in ISSUER_ROLES:
        if isinstance(record_or_issuer_ids, CertificateRecord):
            ids = {record_or_issuer_ids.issuer_id, record_or_issuer_ids.evaluator_id}
        else:
            ids = set(record_or_issuer_ids)
        return actor.organisation_id in ids
    return False


def level_offered(occupation: Occupation, level: Level) -> bool:
    return occupation.levels.filter(pk=level.pk).exists()


def check_certificate(
    *,
    kind: str,
    number: str,
    occupation: Occupation,
    level: Level,
    issued_on: datetime.date,
    issuer: Organisation | None,
    formats=None,
    today: datetime.date | None = None,
) -> numbers.NumberCheck | None:
    """The rules of one certificate; raises DomainError with the field at fault."""
    today = today or today_in_china()
    if issued_on > today:
        raise DomainError(CredentialError.ISSUED_IN_FUTURE, _("发证日期晚于今天"), field="issued_on")
    if kind == CertificateKind.APPOINTMENT:
        if level.code not in APPOINTED_LEVELS:
            raise DomainError(
                CredentialError.APPOINTMENT_LEVEL, _("聘任只用于特级技师或首席技师"), field="level"
            )
        return None
    if level.code in APPOINTED_LEVELS and kind == CertificateKind.QUALIFICATION:
        raise DomainError(CredentialError.LEVEL_NOT_OFFERED, _("职业资格证书没有该等级"), field="level")
    if kind == CertificateKind.SKILL_LEVEL and level.national_number and not level_offered(occupation, level):
        raise DomainError(
            CredentialError.LEVEL_NOT_OFFERED,
            format_lazy(_("职业“{occupation}”不设“{level}”"), occupation=occupation.name, level=level.name),
            field="level",
        )
    try:
        return numbers.check_number(
            numbers.normalise_number(number), formats=formats if formats is not None else numbers.load_formats(),
            kind=kind, level=level, issued_on=issued_on,
            issuer_province=numbers.home_province() if issuer is not None else None,
        )  # fmt: skip
    except numbers.CertificateNumberError as problem:
        raise DomainError(problem.code, problem.message, field="number") from None


def _ensure_number_free(number: str, exclude_pk=None) -> None:
    # unscoped: a number is unique across all records, whoever recorded them
    taken = CertificateRecord.objects.filter(number=number).exclude(pk=exclude_pk)
    if number and taken.exists():
        raise DomainError(CredentialError.DUPLICATE_NUMBER, _("该证书编号已登记"), field="number")


def _sync_level(record: CertificateRecord) -> None:
    source = LEVEL_SOURCE[record.kind]
    if record.status == RecordStatus.VALID:
        levels.record_level(
            person=record.person_id, occupation=record.occupation_id, level=record.level,
            valid_from=record.issued_on, confirmed=record.is_confirmed, source_kind=source, source_id=record.pk,
        )  # fmt: skip
    else:
        levels.end_level(source_kind=source, source_id=record.pk, on=record.ended_on or record.issued_on,
                         reason=record.get_status_display())  # fmt: skip


def holder_for(
    actor: Actor, *, person: Person | None = None, id_type: str = "", id_number: str = ""
) -> Person:
    """The holder of a certificate being recorded. An issuing institution names the holder by document
    number, as printed on the certificate it issued (谁发证、谁负责): it needs no right to browse the registry,
    and sees the holder afterwards through the scope this app contributes (scopes.py). Everyone else names a
    person they already see, by number or by record."""
    if id_number:
        found = queries.person_with_id_number(id_type, id_number)
        if actor.role in ISSUER_ROLES:
            return found
        person = found
    if person is None:
        raise DomainError(RegistryError.UNKNOWN_ID, _("请填写持证人的证件号码"), field="id_number")
    return scoping.get_for(actor, Person, person.pk, "view")


def link_organisations(
    issuer_name: str, issuer: Organisation | None, evaluator_name: str, evaluator: Organisation | None
) -> tuple[Organisation | None, Organisation | None]:
    """The issuer and evaluator a certificate names, linked to their organisations when the typed name (or
    credit code) is one on the platform, so that the institution sees what it issued (scopes.py); a body
    outside the platform stays as typed text. An organisation already given is kept."""
    if issuer is None and evaluator is None and not (issuer_name or evaluator_name):
        return None, None
    names = organisation_names()
    issuer_id = None if issuer else organisation_named(issuer_name, names)
    evaluator_id = None if evaluator else organisation_named(evaluator_name, names)
    # unscoped: the organisations the certificate itself names (a reference lookup, nothing is shown)
    found = Organisation.objects.in_bulk([pk for pk in (issuer_id, evaluator_id) if pk])
    issuer = issuer or found.get(issuer_id)
    evaluator = evaluator or found.get(evaluator_id)
    return issuer, evaluator


# --- Certificate records


@transaction.atomic
def record_certificate(
    *,
    actor: Actor,
    person: Person | None = None,
    id_type: str = "",
    id_number: str = "",
    kind: str,
    number: str,
    occupation: Occupation,
    level: Level,
    issued_on: datetime.date,
    issuer_name: str = "",
    issuer: Organisation | None = None,
    evaluator_name: str = "",
    evaluator: Organisation | None = None,
    work_type: str = "",
    occupation_as_written: str = "",
    source: str = RecordSource.ENTERED,
) -> CertificateRecord:
    """Record a certificate issued outside the platform. An employer declares (its employees' certificates,
    to be confirmed); HR, the city bureau and the issuing institution record confirmed ones. The holder is
    ``person`` or the one registered with ``id_type`` and ``id_number`` (see ``holder_for``)."""
    scoping.ensure_may(actor, CertificateRecord, "add")
    if kind == CertificateKind.APPOINTMENT:
        raise DomainError(
            CredentialError.APPOINTMENT_LEVEL, _("聘任请使用“聘任特级技师/首席技师”"), field="kind"
        )
    person = holder_for(actor, person=person, id_type=id_type, id_number=id_number)
    issuer, evaluator = link_organisations(issuer_name, issuer, evaluator_name, evaluator)
    if actor.role in ISSUER_ROLES:
        # An institution records only what it issued: it is the issuer unless it named itself the evaluator.
        if actor.organisation_id not in (getattr(issuer, "pk", None), getattr(evaluator, "pk", None)):
            issuer = organisation_of(actor)
            issuer_name = issuer.name
    employer = None
    if actor.role == Role.EMPLOYER:
        employer = organisation_of(actor)
    check = check_certificate(kind=kind, number=number, occupation=occupation, level=level, issued_on=issued_on,
                              issuer=issuer)  # fmt: skip
    number = check.number if check else ""
    _ensure_number_free(number)
    confirmed = may_confirm(actor, {getattr(issuer, "pk", None), getattr(evaluator, "pk", None)})
    record = CertificateRecord(
        person=person, kind=kind, number=number, number_format_id=check.format.pk if check else None,
        occupation=occupation, occupation_as_written=occupation_as_written[:50], work_type=work_type[:50], level=level,
        issued_on=issued_on, issuer_name=(issuer_name or (issuer.name if issuer else ""))[:100], issuer=issuer,
        evaluator_name=(evaluator_name or (evaluator.name if evaluator else ""))[:100], evaluator=evaluator,
        employer=employer, source=source, created_by=actor.user,
        confirmation=Confirmation.CONFIRMED if confirmed else Confirmation.DECLARED,
        confirmed_at=timezone.now() if confirmed else None, confirmed_by=actor.user if confirmed else None,
    )  # fmt: skip
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise DomainError(CredentialError.DUPLICATE_NUMBER, _("该证书编号已登记"), field="number") from None
    _sync_level(record)
    scoping.ensure_in_scope(actor, record, "view")
    audit.audit_change(actor=actor, obj=record, before=None, verb=audit.CREATE)
    return record


@transaction.atomic
def confirm_record(*, actor: Actor, record: CertificateRecord, note: str = "") -> CertificateRecord:
    """A declared record confirmed by HR, the city bureau or the institution that issued it: it stays valid,
    and its level entry counts as confirmed from now on."""
    record = scoping.get_for(actor, CertificateRecord.objects.select_for_update(), record.pk, "change")
    if not may_confirm(actor, record):
        raise PermissionDenied
    if record.is_confirmed:
        raise DomainError(CredentialError.ALREADY_CONFIRMED, _("该证书已核实"))
    if record.status != RecordStatus.VALID:
        raise DomainError(CredentialError.NOT_VALID, _("该证书已失效，不能核实"))
    changes = {
        "confirmation": Confirmation.CONFIRMED,
        "confirmed_at": timezone.now(),
        "confirmed_by": actor.user,
    }
    take_transition(record, "confirm", actor=actor, comment=note, changes=changes)
    levels.confirm_level(source_kind=LEVEL_SOURCE[record.kind], source_id=record.pk)
    return record


def _end(
    actor: Actor,
    record: CertificateRecord,
    transition: str,
    *,
    on: datetime.date,
    reason: str,
    replaced_by=None,
):
    """Take the record out of force through its workflow; its level entry ends on the same day."""
    changes = {"ended_on": on, "end_reason": reason[:200], "replaced_by": replaced_by}
    take_transition(record, transition, actor=actor, comment=reason, changes=changes)
    _sync_level(record)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError(CredentialError.REASON_REQUIRED, _("请填写原因"), field="reason")
    return reason


@transaction.atomic
def revoke_record(*, actor: Actor, record: CertificateRecord, reason: str, on: datetime.date | None = None):
    """The certificate no longer counts from ``on`` (today by default): its level drops out at once.
    HR, the city bureau or the issuing institution only."""
    record = scoping.get_for(actor, CertificateRecord.objects.select_for_update(), record.pk, "change")
    if record.kind == CertificateKind.APPOINTMENT or not may_confirm(actor, record):
        raise PermissionDenied
    if record.status != RecordStatus.VALID:
        raise DomainError(CredentialError.NOT_VALID, _("该证书已失效"))
    on = on or today_in_china()
    if on < record.issued_on:
        raise DomainError(CredentialError.DATES, _("撤销日期不能早于发证日期"), field="on")
    _end(actor, record, "revoke", on=on, reason=_reason(reason))
    return record


@transaction.atomic
def replace_record(
    *, actor: Actor, record: CertificateRecord, number: str, issued_on: datetime.date, reason: str
) -> CertificateRecord:
    """A reissue (补办/换证): a new record with a new number for the same person, occupation and level; the old
    one is "replaced", linked to the new, and stops counting on the new one's issue date."""
    record = scoping.get_for(actor, CertificateRecord.objects.select_for_update(), record.pk, "change")
    if record.kind == CertificateKind.APPOINTMENT or not may_confirm(actor, record):
        raise PermissionDenied
    if record.status != RecordStatus.VALID:
        raise DomainError(CredentialError.NOT_VALID, _("该证书已失效"))
    reason = _reason(reason)
    if issued_on < record.issued_on:
        raise DomainError(CredentialError.DATES, _("换发日期不能早于原证书的发证日期"), field="issued_on")
    check = check_certificate(kind=record.kind, number=number, occupation=record.occupation, level=record.level,
                              issued_on=issued_on, issuer=record.issuer)  # fmt: skip
    _ensure_number_free(check.number)
    new = CertificateRecord.objects.create(
        person_id=record.person_id, kind=record.kind, number=check.number, number_format_id=check.format.pk,
        occupation_id=record.occupation_id, occupation_as_written=record.occupation_as_written,
        work_type=record.work_type, level_id=record.level_id, issued_on=issued_on, issuer_name=record.issuer_name,
        issuer_id=record.issuer_id, evaluator_name=record.evaluator_name, evaluator_id=record.evaluator_id,
        employer_id=record.employer_id, confirmation=record.confirmation, confirmed_at=record.confirmed_at,
        confirmed_by_id=record.confirmed_by_id, source=record.source, created_by=actor.user,
    )  # fmt: skip
    _sync_level(new)
    audit.audit_change(actor=actor, obj=new, before=None, verb=audit.CREATE, reason=reason)
    _end(actor, record, "replace", on=issued_on, reason=reason, replaced_by=new)
    return new


@transaction.atomic
def delete_record(*, actor: Actor, record: CertificateRecord) -> None:
    """A record declared by mistake goes, with its level entry. Confirmed records stay for ever (the
    register of certificates is never thinned): they are revoked instead."""
    record = scoping.get_for(actor, CertificateRecord.objects.select_for_update(), record.pk, "delete")
    if record.is_confirmed and record.kind != CertificateKind.APPOINTMENT:
        raise DomainError(CredentialError.ALREADY_CONFIRMED, _("已核实的证书不能删除，只能撤销"))
    # unscoped: any reference to the record, seen by the actor or not, keeps it
    if record.replaces.exists() or CertificateReport.objects.filter(record=record).exists():
        raise DomainError(CredentialError.RECORD_REFERENCED, _("该证书已被其他记录引用，不能删除"))
    before = audit.snapshot(record)
    levels.drop_level(source_kind=LEVEL_SOURCE[record.kind], source_id=record.pk)
    CertificateReport.objects.filter(resulting_record=record).update(resulting_record=None)
    audit.audit_change(actor=actor, obj=record, before=before, verb=audit.DELETE)
    record.delete()


# --- Appointments (特级技师 / 首席技师, notice 三.三.6)


@transaction.atomic
def appoint(
    *, actor: Actor, person: Person | None = None, id_type: str = "", id_number: str = "", occupation: Occupation,
    level: Level, appointed_on: datetime.date, number: str = "",
) -> CertificateRecord:  # fmt: skip
    """An employer appoints one of its current employees 特级技师 or 首席技师 in an occupation: the level
    holds from that day until the appointment ends. The city bureau may record one for an employer."""
    scoping.ensure_may(actor, CertificateRecord, "add")
    if actor.role not in (Role.EMPLOYER, Role.CITY):
        raise PermissionDenied
    person = holder_for(actor, person=person, id_type=id_type, id_number=id_number)
    # unscoped: the employments of a holder already fetched in the actor's scope
    current = Employment.objects.filter(person=person, end_date__isnull=True)
    if actor.role == Role.EMPLOYER:
        current = current.filter(employer_id=actor.organisation_id)
    employment = current.order_by("-start_date").first()
    if employment is None:
        raise DomainError(CredentialError.NOT_EMPLOYED, _("只能聘任本单位在职人员"), field="person")
    check_certificate(kind=CertificateKind.APPOINTMENT, number=number, occupation=occupation, level=level,
                      issued_on=appointed_on, issuer=None)  # fmt: skip
    number = (number or "").strip()[:40]
    _ensure_number_free(number)
    record = CertificateRecord.objects.create(
        person=person, kind=CertificateKind.APPOINTMENT, number=number, occupation=occupation, level=level,
        issued_on=appointed_on, issuer_name=employment.employer.name, employer_id=employment.employer_id,
        confirmation=Confirmation.CONFIRMED, confirmed_at=timezone.now(), confirmed_by=actor.user,
        created_by=actor.user,
    )  # fmt: skip
    _sync_level(record)
    audit.audit_change(actor=actor, obj=record, before=None, verb=audit.CREATE)
    return record


@transaction.atomic
def end_appointment(*, actor: Actor, record: CertificateRecord, on: datetime.date, reason: str):
    record = scoping.get_for(actor, CertificateRecord.objects.select_for_update(), record.pk, "change")
    if record.kind != CertificateKind.APPOINTMENT or actor.role not in (Role.EMPLOYER, Role.CITY):
        raise PermissionDenied
    if record.status != RecordStatus.VALID:
        raise DomainError(CredentialError.NOT_VALID, _("该聘任已结束"))
    if on < record.issued_on:
        raise DomainError(CredentialError.DATES, _("结束日期不能早于聘任日期"), field="on")
    _end(actor, record, "end", on=on, reason=_reason(reason))
    return record


# --- Workers' reports


PHOTO_DIR = "reports"
PHOTO_CONTEXT = "credentials.report.photo"
MAX_PHOTO_BYTES = 8 * 1024 * 1024
# The first bytes of the picture formats phones produce; anything else is refused.
PHOTO_SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def _photo_type(head: bytes) -> str | None:
    for signature, content_type in PHOTO_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "image/heic"
    return None


def _store_photo(photo) -> tuple[str, str]:
    content = b"".join(photo.chunks()) if hasattr(photo, "chunks") else photo.read()
    if len(content) > MAX_PHOTO_BYTES:
        raise DomainError(CredentialError.PHOTO, _("照片不能超过 8 MB"), field="photo")
    content_type = _photo_type(content[:16])
    if content_type is None:
        raise DomainError(CredentialError.PHOTO, _("请上传 JPG、PNG、WebP 或 HEIC 格式的照片"), field="photo")
    relative = private_files.new_name(PHOTO_DIR, suffix=".bin")
    private_files.write(relative, content, context=PHOTO_CONTEXT)
    return relative, content_type


def read_photo(report: CertificateReport) -> bytes:
    return private_files.read(report.photo_file, context=PHOTO_CONTEXT)


def route_report(person: Person, record: CertificateRecord | None, issuer_name: str) -> Organisation | None:
    """Who handles a report: the institution that issued the certificate when it is on the platform,
    otherwise the person's current employer."""
    if record is not None and record.issuer_id:
        return record.issuer
    name = (issuer_name or "").strip()
    if name:
        # unscoped: a report goes to the institution named on the certificate, whoever may see it
        institution = Organisation.objects.filter(
            name=name, kinds__code__in=["employer_evaluation", "social_evaluation", "association"]
        ).first()
        if institution is not None:
            return institution
    employment = (  # unscoped: the reporter's own current employment picks the handler
        Employment.objects.filter(person=person, end_date__isnull=True).select_related("employer")
        .order_by("-start_date", "-pk").first()
    )  # fmt: skip
    return employment.employer if employment else None


@transaction.atomic
def report_certificate(
    *,
    actor: Actor,
    kind: str,
    description: str = "",
    record: CertificateRecord | None = None,
    occupation: Occupation | None = None,
    level: Level | None = None,
    number: str = "",
    issued_on: datetime.date | None = None,
    issuer_name: str = "",
    photo=None,
) -> CertificateReport:
    """A worker reports a certificate missing from their record (with a photo of it) or one recorded
    wrongly; the report goes to the issuing institution or their employer as a task."""
    scoping.ensure_may(actor, CertificateReport, "add")
    person = queries.person_of_user(actor.user_id)
    if person is None:
        raise DomainError(CredentialError.NO_PERSON, _("您的账号尚未关联人员信息，请联系用人单位"))
    if kind == ReportKind.WRONG:
        if record is None:
            raise DomainError(CredentialError.RECORD_REQUIRED, _("请选择有误的证书"), field="record")
        record = scoping.get_for(actor, CertificateRecord, record.pk, "view")
    else:
        record = None
        if occupation is None or level is None:
            raise DomainError(
                CredentialError.DETAILS_REQUIRED, _("请填写证书的职业和等级"), field="occupation"
            )
        if photo is None:
            raise DomainError(CredentialError.PHOTO, _("请上传证书照片"), field="photo")
    if issued_on and issued_on > today_in_china():
        raise DomainError(CredentialError.ISSUED_IN_FUTURE, _("发证日期晚于今天"), field="issued_on")
    if len((description or "").strip()) < 2 and kind == ReportKind.WRONG:
        raise DomainError(CredentialError.DESCRIPTION_REQUIRED, _("请说明哪里有误"), field="description")
    if (number or "").strip():
        number = _reported_number(
            number, level=level or (record.level if record else None), issued_on=issued_on
        )
    routed_to = route_report(person, record, issuer_name)
    if routed_to is None:
        raise DomainError(
            CredentialError.NO_HANDLER, _("您目前没有在职单位，且发证机构不在平台上：请直接联系发证机构")
        )
    photo_file, photo_type = _store_photo(photo) if photo is not None else ("", "")
    try:
        report = CertificateReport.objects.create(
            person=person, kind=kind, record=record, occupation=occupation or (record.occupation if record else None),
            level=level or (record.level if record else None), number=(number or "").strip()[:40],
            issued_on=issued_on, issuer_name=issuer_name.strip()[:100], description=(description or "").strip()[:1000],
            photo_file=photo_file, photo_type=photo_type, routed_to=routed_to, created_by=actor.user,
        )  # fmt: skip
    except BaseException:
        private_files.remove(photo_file)
        raise
    audit.audit_change(actor=actor, obj=report, before=None, verb=audit.CREATE)
    return report


def _reported_number(number: str, *, level, issued_on) -> str:
    """The number of a reported certificate, checked as the reviewer's recording of it will check it (the
    format, the year of issue, the level digit), so that a typo is caught by the worker, not the reviewer."""
    try:
        normalised = numbers.normalise_number(number)
        numbers.check_number(normalised, formats=numbers.load_formats(), level=level, issued_on=issued_on)
    except numbers.CertificateNumberError as problem:
        raise DomainError(problem.code, problem.message, field="number") from None
    return normalised


def reported_certificate(report: CertificateReport) -> dict:
    """The certificate a "missing" report describes, as the values of ``record_certificate``: its kind is the
    one its number's format says (职业技能等级证书 when the number fits none)."""
    if report.issued_on is None:
        raise DomainError(
            CredentialError.ISSUED_ON_REQUIRED,
            _("报告中没有发证日期：请联系报告人补充，或不勾选“同时登记该证书”"),
        )
    kind = CertificateKind.SKILL_LEVEL
    try:
        kind = numbers.check_number(
            numbers.normalise_number(report.number), formats=numbers.load_formats()
        ).kind
    except numbers.CertificateNumberError:
        pass
    return {"kind": kind, "number": report.number, "occupation": report.occupation, "level": report.level,
            "issued_on": report.issued_on, "issuer_name": report.issuer_name}  # fmt: skip


@transaction.atomic
def resolve_report(
    *, actor: Actor, report: CertificateReport, outcome: str, record: bool = False, number: str = ""
) -> CertificateReport:
    """Resolve a report with the outcome written down; with ``record`` the certificate a "missing" report
    describes is recorded at the same time (declared by an employer, confirmed by the issuing institution),
    under ``number`` when the reviewer corrected the reported one (read off the photo)."""
    report = scoping.get_for(actor, CertificateReport.objects.select_for_update(), report.pk, "change")
    resulting = None
    if record and report.kind == ReportKind.MISSING:
        values = reported_certificate(report)
        if (number or "").strip():
            values["number"] = number.strip()
        # record_certificate checks that the actor may record for this person (an employer: its worker).
        resulting = record_certificate(actor=actor, person=report.person, source=RecordSource.REPORT, **values)
    take_transition(report, "resolve", actor=actor, comment=outcome,
                    changes={"outcome": outcome.strip()[:1000], "resulting_record": resulting})  # fmt: skip
    report.refresh_from_db()
    return report


@transaction.atomic
def decline_report(*, actor: Actor, report: CertificateReport, outcome: str) -> CertificateReport:
    report = scoping.get_for(actor, CertificateReport.objects.select_for_update(), report.pk, "change")
    take_transition(
        report, "reject", actor=actor, comment=outcome, changes={"outcome": outcome.strip()[:1000]}
    )
    report.refresh_from_db()
    return report


def open_reports_for(actor: Actor):
    return scoping.visible_to(actor, CertificateReport).filter(state=ReportState.OPEN)
