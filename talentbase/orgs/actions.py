"""Writes for organisations and filings: one verb per function, scoped and audited."""

from django.db import transaction
from django.utils.translation import gettext as _

from talentbase.core import actions as core_actions
from talentbase.core import scoping, workflow
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.roles import Role

from .errors import OrgError
from .models import EvaluationFiling, InstitutionType, Organisation
from .queries import organisation_of
from .workflows import EDITABLE_STATES

EVALUATION_KINDS = {"employer_evaluation", "social_evaluation", "association"}
# What HR decides on a filing (予以备案), never the institution.
HR_DECIDES = ("filing_number", "valid_from", "valid_to", "institution_type", "ministry_code", "province_code",
              "site_serial", "numbering")  # fmt: skip


def institution_type_of(organisation: Organisation) -> str:
    """The type a new filing proposes: an employer's own institution is Y, the rest (social organisations,
    associations that evaluate) S. HR confirms it when it files."""
    return InstitutionType.EMPLOYER if "employer_evaluation" in organisation.kind_codes() else InstitutionType.SOCIAL


# What an organisation is and where (its name, code, kinds, district, sectors, whether it is active): set by the
# city or a district bureau. An organisation keeps only its own details up to date (its page's form shows no more).
IDENTITY_FIELDS = ("name", "credit_code", "kinds", "district", "sectors", "is_active")
SETS_IDENTITY = (Role.CITY, Role.SYSTEM_ADMIN, Role.DISTRICT)


def _identity_changes(organisation: Organisation, values: dict, m2m: dict) -> list[str]:
    changed = []
    for name in IDENTITY_FIELDS:
        if name in m2m:
            before = set(getattr(organisation, name).values_list("pk", flat=True))
            if before != {getattr(item, "pk", item) for item in m2m[name]}:
                changed.append(name)
        elif name in values:
            field = Organisation._meta.get_field(name)
            value = values[name]
            current = getattr(organisation, field.attname)
            if getattr(value, "pk", value) != current:
                changed.append(name)
    return changed


def save_organisation(*, actor: Actor, organisation: Organisation | None, values: dict, m2m: dict):
    """Create or change an organisation. A district bureau's new organisation lands in its own district
    (re-checked after the write); an organisation that changes itself changes only its own details."""
    if organisation is not None and actor.role not in SETS_IDENTITY:
        changed = _identity_changes(organisation, values, m2m)
        if changed:
            raise DomainError(
                OrgError.IDENTITY_NOT_OWN,
                _("单位名称、信用代码、类型、所在区、行业和启用状态由主管部门维护"),
                field=changed[0],
            )
    if actor.role == Role.DISTRICT and organisation is None:
        values = {**values, "district_id": actor.district_id}
        values.pop("district", None)
    if organisation is None:
        return core_actions.create_object(actor=actor, model=Organisation, values=values, m2m=m2m)
    return core_actions.update_object(actor=actor, obj=organisation, values=values, m2m=m2m)


def _check_filing_values(values: dict, m2m: dict) -> None:
    occupation = values.get("occupation")
    levels = m2m.get("levels") or []
    if occupation is not None:
        offered = set(occupation.levels.values_list("pk", flat=True))
        missing = [str(level) for level in levels if level.pk not in offered]
        if missing:
            raise DomainError(
                OrgError.LEVEL_NOT_OFFERED,
                _("{occupation}不设以下等级：{levels}").format(
                    occupation=occupation.name, levels="、".join(missing)
                ),
                field="levels",
            )


@transaction.atomic
def create_filing(*, actor: Actor, values: dict, m2m: dict) -> EvaluationFiling:
    """An evaluation institution drafts a filing for itself (notice 三.三.5)."""
    scoping.ensure_may(actor, EvaluationFiling, "add")
    organisation = organisation_of(actor)
    if not (organisation.kind_codes() & EVALUATION_KINDS):
        raise DomainError(OrgError.NOT_EVALUATION_INSTITUTION, _("本单位不是评价机构，不能申请备案"))
    _check_filing_values(values, m2m)
    values = {**values, "organisation": organisation, "institution_type": institution_type_of(organisation)}
    return core_actions.create_object(actor=actor, model=EvaluationFiling, values=values, m2m=m2m)


@transaction.atomic
def update_filing(*, actor: Actor, filing: EvaluationFiling, values: dict, m2m: dict) -> EvaluationFiling:
    """The institution edits its filing while it is a draft or returned; HR records the filing number and
    validity while it is submitted."""
    filing = scoping.get_for(actor, EvaluationFiling.objects.select_for_update(), filing.pk, "change")
    if actor.role == Role.HR:
        allowed = set(HR_DECIDES)
        if filing.state != "submitted":
            raise DomainError(OrgError.FILING_LOCKED, _("只能在审核中填写备案编号和有效期"))
        values = {k: v for k, v in values.items() if k in allowed}
        m2m = {}
    elif filing.state not in EDITABLE_STATES:
        raise DomainError(OrgError.FILING_LOCKED, _("已提交的备案不能修改"))
    else:
        values = {k: v for k, v in values.items() if k not in HR_DECIDES}
        _check_filing_values({"occupation": values.get("occupation", filing.occupation)}, m2m)
    return core_actions.update_object(actor=actor, obj=filing, values=values, m2m=m2m)


@transaction.atomic
def delete_filing(*, actor: Actor, filing: EvaluationFiling) -> None:
    filing = scoping.get_for(actor, EvaluationFiling.objects.select_for_update(), filing.pk, "delete")
    if filing.state != "draft":
        raise DomainError(OrgError.FILING_LOCKED, _("只有草稿可以删除"))
    core_actions.delete_object(actor=actor, obj=filing)


@transaction.atomic
def file_filing(*, actor: Actor, filing: EvaluationFiling, comment: str = "", **decided):
    """予以备案 in one step: HR gives what it decides — the filing number, the validity and what certificate
    numbering needs (type, 人社部 code, province, site serial, who numbers) — checked as on the edit page (a
    number another filing holds, reversed dates, a site serial of another institution: refused on their
    field), and the filing is filed."""
    if actor.role != Role.HR:
        raise DomainError(OrgError.FILING_LOCKED, _("只有人社部门可以予以备案"))
    values = {name: value.strip() if isinstance(value, str) else value
              for name, value in decided.items() if name in HR_DECIDES}  # fmt: skip
    filing = update_filing(actor=actor, filing=filing, m2m={}, values=values)
    return workflow.take_transition(filing, "file", actor=actor, comment=comment)


def decide_filing(*, actor: Actor, filing: EvaluationFiling, transition: str, comment: str = ""):
    return workflow.take_transition(filing, transition, actor=actor, comment=comment)
