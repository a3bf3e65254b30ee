"""Every write to the registry: one verb per function, the acting user first, scoped and audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentbase.core import audit, scoping
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.roles import Role
from talentbase.orgs.models import Organisation
from talentbase.orgs.queries import organisation_of

from . import merging, protection, queries
from .errors import RegistryError
from .identity import (
    IdNumberError,
    PhoneError,
    check_birth_and_gender,
    check_id_number,
    check_phone,
    normalise_name,
    today_in_china,
)
from .models import (
    EducationRecord,
    Employment,
    EndReason,
    Person,
    ProfessionalTitle,
    refresh_currently_employed,
)
from .search import index_person_names

audit.register_verb("depart", gettext_lazy("办理离职"))
audit.register_verb("merge", gettext_lazy("合并重复人员"))


def _checked_identity(id_type: str, id_number: str, birth_date, gender):
    try:
        check = check_id_number(id_type, id_number)
        check_birth_and_gender(check, birth_date=birth_date, gender=gender or None)
    except IdNumberError as error:
        raise DomainError(RegistryError.INVALID_ID, error.message, field="id_number") from None
    return check


def _checked_phone(phone: str) -> str:
    if not (phone or "").strip():
        return ""
    try:
        return check_phone(phone)
    except PhoneError as error:
        raise DomainError(RegistryError.INVALID_PHONE, error.message, field="phone") from None


def _ensure_employer(organisation: Organisation) -> None:
    if "employer" not in organisation.kind_codes():
        raise DomainError(RegistryError.EMPLOYER_KIND, _("只能登记在用人单位"), field="employer")


@transaction.atomic
def register_person(
    *,
    actor: Actor,
    full_name: str,
    id_type: str,
    id_number: str,
    birth_date: datetime.date | None = None,
    gender: str = "",
    phone: str = "",
    education: str = "",
    employer: Organisation | None = None,
    start_date: datetime.date | None = None,
    position: str = "",
    occupation=None,
    work_type=None,
) -> Person:
    """Register a person under their real name (实名制); one person per ID number. An employer registers
    its own employee, so the first employment is recorded with them."""
    scoping.ensure_may(actor, Person, "add")
    full_name = normalise_name(full_name)
    if not full_name:
        raise DomainError(RegistryError.NAME_REQUIRED, _("请填写姓名"), field="full_name")
    check = _checked_identity(id_type, id_number, birth_date, gender)
    phone = _checked_phone(phone)
    if actor.role == Role.EMPLOYER:
        employer = organisation_of(actor)
    id_fields = protection.protected_id_fields(id_type, check.number)
    # unscoped: one person per ID number, whoever registered them
    if Person.objects.filter(id_number_hash=id_fields["id_number_hash"]).exists():
        raise DomainError(RegistryError.DUPLICATE_ID, _("该证件号码已登记"), field="id_number")
    person = Person(
        full_name=full_name,
        id_type=id_type,
        birth_date=check.birth_date or birth_date,
        gender=check.gender or gender,
        education=education,
        **id_fields,
        **protection.protected_phone_fields(phone),
    )
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise DomainError(RegistryError.DUPLICATE_ID, _("该证件号码已登记"), field="id_number") from None
    index_person_names([person.pk])
    audit.audit_change(actor=actor, obj=person, before=None, verb=audit.CREATE)
    if employer is not None:
        add_employment(actor=actor, person=person, employer=employer, start_date=start_date or timezone.localdate(),
                       position=position, occupation=occupation, work_type=work_type)  # fmt: skip
    scoping.ensure_in_scope(actor, person, "view")
    return person


@transaction.atomic
def update_person(
    *,
    actor: Actor,
    person: Person,
    full_name: str,
    phone: str = "",
    education: str = "",
    status: str | None = None,
) -> Person:
    """Correct a person's name, phone, education or status. The ID number is the person: it is not changed
    here (a wrong one is fixed by merging records)."""
    person = scoping.get_for(actor, Person.objects.select_for_update(), person.pk, "change")
    before = audit.snapshot(person)
    person.full_name = normalise_name(full_name)
    person.education = education
    if status:
        person.status = status
    for name, value in protection.protected_phone_fields(_checked_phone(phone)).items():
        setattr(person, name, value)
    person.save()
    index_person_names([person.pk])
    audit.audit_change(actor=actor, obj=person, before=before)
    return person


@transaction.atomic
def correct_own_phone(*, actor: Actor, phone: str) -> Person:
    """A worker corrects the phone of their own record (encrypted, hashed and masked again, audited without
    the number). A phone that another person holds too stays theirs, but cannot be a login name."""
    if actor.role != Role.WORKER:
        raise PermissionDenied
    own = queries.person_of_user(actor.user_id)
    if own is None:
        raise DomainError(RegistryError.NO_PERSON, _("您的账号尚未关联人员信息，请联系用人单位"))
    person = scoping.get_for(actor, Person.objects.select_for_update(), own.pk, "view")
    if not (phone or "").strip():
        raise DomainError(RegistryError.INVALID_PHONE, _("请填写手机号码"), field="phone")
    before = audit.snapshot(person)
    for name, value in protection.protected_phone_fields(_checked_phone(phone)).items():
        setattr(person, name, value)
    person.save(update_fields=["phone_encrypted", "phone_hash", "phone_masked", "updated_at"])
    audit.audit_change(actor=actor, obj=person, before=before, reason="own_phone")
    return person


@transaction.atomic
def add_employment(
    *,
    actor: Actor,
    person: Person,
    employer: Organisation,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    position: str = "",
    occupation=None,
    work_type=None,
    site: str = "",
    department: str = "",
) -> Employment:
    scoping.ensure_may(actor, Employment, "add")
    if actor.role == Role.EMPLOYER and employer.pk != actor.organisation_id:
        raise PermissionDenied
    _ensure_employer(employer)
    if end_date and end_date < start_date:
        raise DomainError(RegistryError.DATES, _("截止日期不能早于起始日期"), field="end_date")
    _ensure_work_type(occupation, work_type)
    employment = Employment.objects.create(person=person, employer=employer, start_date=start_date,
                                           end_date=end_date, position=position, occupation=occupation,
                                           work_type=work_type, site=site, department=department.strip())  # fmt: skip
    scoping.ensure_in_scope(actor, employment, "change")
    audit.audit_change(actor=actor, obj=employment, before=None, verb=audit.CREATE)
    return employment


def _ensure_work_type(occupation, work_type) -> None:
    if work_type is not None and work_type.occupation_id != getattr(occupation, "pk", None):
        raise DomainError(RegistryError.WORK_TYPE, _("工种须属于所选职业"), field="work_type")


@transaction.atomic
def end_employment(*, actor: Actor, employment: Employment, end_date: datetime.date) -> Employment:
    employment = scoping.get_for(actor, Employment.objects.select_for_update(), employment.pk, "change")
    if end_date < employment.start_date:
        raise DomainError(RegistryError.DATES, _("截止日期不能早于起始日期"), field="end_date")
    before = audit.snapshot(employment)
    employment.end_date = end_date
    employment.save(update_fields=["end_date"])
    audit.audit_change(actor=actor, obj=employment, before=before)
    return employment


@transaction.atomic
def record_departure(
    *, actor: Actor, employment: Employment, end_date: datetime.date, reason: str, note: str = ""
) -> Employment:
    """The worker left this employer on ``end_date`` (not before the start, not after today) for a reason
    from the list: the employment ends, so the person's current employer is no longer this one. Only the
    employer of that employment, or the city bureau, records it; audited with the fields changed."""
    employment = scoping.get_for(actor, Employment.objects.select_for_update(), employment.pk, "change")
    if employment.end_date is not None:
        raise DomainError(RegistryError.DATES, _("该任职经历已于 {date} 结束；如有错误请更正").format(
            date=employment.end_date.isoformat()), field="end_date")  # fmt: skip
    if end_date < employment.start_date:
        raise DomainError(RegistryError.DATES, _("离职日期不能早于入职日期"), field="end_date")
    if end_date > today_in_china():
        raise DomainError(RegistryError.DATES, _("离职日期不能晚于今天"), field="end_date")
    if reason not in EndReason.values:
        raise DomainError(RegistryError.END_REASON, _("请选择离职原因"), field="reason")
    note = (note or "").strip()
    if reason == EndReason.OTHER and not note:
        raise DomainError(RegistryError.END_REASON, _("离职原因为“其他”时请填写说明"), field="note")
    before = audit.snapshot(employment)
    employment.end_date, employment.end_reason, employment.end_note = end_date, reason, note[:200]
    employment.save(update_fields=["end_date", "end_reason", "end_note"])
    audit.audit_change(actor=actor, obj=employment, before=before, verb="depart")
    return employment


@transaction.atomic
def correct_employment(
    *,
    actor: Actor,
    employment: Employment,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    occupation=None,
    work_type=None,
    position: str = "",
    department: str = "",
) -> Employment:
    """Correct an employment entered wrongly (its dates, occupation and work type, position): the same
    checks as when it was added; an end date cleared makes it current again. Audited with the fields
    changed; the employer of that employment or the city bureau only."""
    employment = scoping.get_for(actor, Employment.objects.select_for_update(), employment.pk, "change")
    if end_date is not None and end_date < start_date:
        raise DomainError(RegistryError.DATES, _("截止日期不能早于起始日期"), field="end_date")
    today = today_in_china()
    if start_date > today or (end_date is not None and end_date > today):
        raise DomainError(
            RegistryError.DATES, _("日期不能晚于今天"), field="end_date" if end_date else "start_date"
        )
    _ensure_work_type(occupation, work_type)
    before = audit.snapshot(employment)
    employment.start_date, employment.end_date, employment.position = start_date, end_date, position
    employment.department = department.strip()
    employment.occupation, employment.work_type = occupation, work_type
    if end_date is None:
        employment.end_reason, employment.end_note = "", ""
    employment.save()
    audit.audit_change(actor=actor, obj=employment, before=before)
    return employment


REVEALABLE = {"id_number": protection.reveal_id_number, "phone": protection.reveal_phone}
REVEAL_ROLES = {Role.CITY, Role.HR, Role.EMPLOYER}


@transaction.atomic
def reveal(*, actor: Actor, person: Person, field: str, reason: str) -> str:
    """Show a person's full ID number or phone: needs a permitted role and a reason, and is audited."""
    if actor.role not in REVEAL_ROLES or field not in REVEALABLE:
        raise PermissionDenied
    person = scoping.get_for(actor, Person, person.pk, "view")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError(RegistryError.REASON_REQUIRED, _("请填写查看事由"), field="reason")
    audit.record_audit(actor=actor, verb=audit.REVEAL, obj=person, changes={"field": field}, reason=reason)
    return REVEALABLE[field](person)


@transaction.atomic
def add_title(*, actor: Actor, person: Person, name: str, grade: str, issued_on: datetime.date, specialty: str = "",
              issued_by: str = "", certificate_number: str = "") -> ProfessionalTitle:  # fmt: skip
    """Record a professional title (职称) of a person the actor may change."""
    scoping.ensure_may(actor, ProfessionalTitle, "add")
    person = scoping.get_for(actor, Person, person.pk, "change")
    if issued_on > timezone.localdate():
        raise DomainError(RegistryError.DATES, _("取得日期不能晚于今天"), field="issued_on")
    title = ProfessionalTitle.objects.create(person=person, name=name.strip(), grade=grade, issued_on=issued_on,
                                             specialty=specialty, issued_by=issued_by,
                                             certificate_number=certificate_number)  # fmt: skip
    audit.audit_change(actor=actor, obj=title, before=None, verb=audit.CREATE)
    return title


@transaction.atomic
def add_education(*, actor: Actor, person: Person, school_type: str, school: str, completed_on: datetime.date,
                  major: str = "", trade=None, certificate_number: str = "") -> EducationRecord:  # fmt: skip
    """Record a school finished or an apprenticeship completed, for a person the actor may change."""
    scoping.ensure_may(actor, EducationRecord, "add")
    person = scoping.get_for(actor, Person, person.pk, "change")
    if completed_on > timezone.localdate():
        raise DomainError(RegistryError.DATES, _("毕业或期满日期不能晚于今天"), field="completed_on")
    if person.birth_date and completed_on <= person.birth_date:
        raise DomainError(RegistryError.DATES, _("毕业或期满日期应晚于出生日期"), field="completed_on")
    record = EducationRecord.objects.create(
        person=person, school_type=school_type, school=school.strip(), completed_on=completed_on,
        major=major.strip(), trade=trade, certificate_number=certificate_number.strip(),
    )  # fmt: skip
    audit.audit_change(actor=actor, obj=record, before=None, verb=audit.CREATE)
    return record


@transaction.atomic
def merge_persons(*, actor: Actor, keep: Person, duplicate: Person, reason: str) -> Person:
    """Merge two records of one person: the duplicate's employment, titles, levels and the records of other apps
    (registered in ``registry.merging``) move to the record kept, its
    login moves too when the kept record has none, and the duplicate is deleted. City bureau only; audited
    with both record numbers and the reason (no personal data)."""
    if actor.role != Role.CITY:
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError(RegistryError.REASON_REQUIRED, _("请填写合并事由"), field="reason")
    keep = scoping.get_for(actor, Person.objects.select_for_update(), keep.pk, "change")
    duplicate = scoping.get_for(actor, Person.objects.select_for_update(), duplicate.pk, "change")
    if keep.pk == duplicate.pk:
        raise DomainError(RegistryError.SAME_PERSON, _("不能与自身合并"), field="duplicate")
    moved = merging.move_references(from_person=duplicate, to_person=keep)
    if duplicate.user_id and not keep.user_id:
        user_id = duplicate.user_id
        Person.objects.filter(pk=duplicate.pk).update(user=None)
        Person.objects.filter(pk=keep.pk).update(user_id=user_id)
        moved["login"] = 1
    duplicate_id = duplicate.pk
    duplicate.delete()
    refresh_currently_employed([keep.pk])  # the employments moved by UPDATE, which no save() saw
    audit.record_audit(actor=actor, verb="merge", obj=keep, changes={"merged_person": duplicate_id, "moved": moved},
                       reason=reason)  # fmt: skip
    return keep
