"""Writes for standards and evaluation norms: one verb per function, scoped, audited, and only while the
version may change (a draft or a returned norm; a filed version is never edited: a new version is)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from talentbase.catalog.models import NationalStandard
from talentbase.core import actions as core_actions
from talentbase.core import audit, scoping, workflow
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.roles import Role
from talentbase.orgs.actions import EVALUATION_KINDS
from talentbase.orgs.queries import organisation_of

from .errors import EvaluationError
from .models import EligibilityPath, StandardKind, StandardVersion, VersionLevel, VersionState
from .reference import REVIEWED_LEVELS, template_paths

EDITABLE = {VersionState.DRAFT, VersionState.RETURNED}


def _lineage(version: StandardVersion):
    # unscoped: the versions of one standard or norm, numbered and superseded together
    return StandardVersion.objects.filter(
        occupation_id=version.occupation_id, kind=version.kind, institution_id=version.institution_id
    )


def _ensure_editable(version: StandardVersion) -> None:
    if version.state not in EDITABLE:
        raise DomainError(EvaluationError.VERSION_LOCKED, _("已提交或已施行的版本不能修改；请新建版本"))


@transaction.atomic
def create_version(*, actor: Actor, values: dict) -> StandardVersion:
    """A new version: an institution drafts an evaluation norm for an occupation without a national
    standard; the city bureau enters a national standard's version. Its levels are the occupation's, and its
    eligibility paths start as the template of its generation (then edited as its own data)."""
    scoping.ensure_may(actor, StandardVersion, "add")
    occupation = values["occupation"]
    if actor.role == Role.CITY:
        values = {**values, "kind": StandardKind.NATIONAL, "institution": None}
    else:
        institution = organisation_of(actor)
        if not institution.kind_codes() & EVALUATION_KINDS:
            raise DomainError(EvaluationError.NOT_INSTITUTION, _("本单位不是评价机构，不能制定评价规范"))
        if occupation.national_standard == NationalStandard.YES:
            raise DomainError(EvaluationError.HAS_NATIONAL_STANDARD,
                              _("该职业已有国家职业技能标准，按国家标准评价，不制定评价规范"), field="occupation")  # fmt: skip
        values = {**values, "kind": StandardKind.NORM, "institution": institution}
    probe = StandardVersion(occupation=occupation, kind=values["kind"], institution=values["institution"])
    latest = _lineage(probe).aggregate(latest=Max("version"))["latest"] or 0
    values = {**values, "version": latest + 1, "state": VersionState.DRAFT}
    version = core_actions.create_object(actor=actor, model=StandardVersion, values=values)
    _copy_template(version)
    return version


def _copy_template(version: StandardVersion) -> None:
    """The occupation's national levels, and the template's paths for them (flagged: to be checked against
    the text of this standard or norm)."""
    offered = {level.code: level for level in version.occupation.levels.exclude(national_number=None)}
    from talentbase.catalog.models import Level

    every = {level.code: level for level in Level.objects.all()}
    VersionLevel.objects.bulk_create([
        VersionLevel(version=version, level=level, has_review=code in REVIEWED_LEVELS)
        for code, level in sorted(offered.items(), key=lambda item: item[1].rank)
    ])  # fmt: skip
    EligibilityPath.objects.bulk_create([
        EligibilityPath(
            version=version, level=offered[seed.level], order=order,
            required_level=every[seed.required_level] if seed.required_level else None, years=seed.years,
            years_since_level=seed.since, school=seed.school, major_in_trade=seed.major_in_trade,
            apprenticeship=seed.apprenticeship, title_grade=seed.title_grade, min_age=seed.min_age,
            description=seed.description, needs_review=True,
        )
        for order, seed in enumerate(template_paths(version.generation), start=1) if seed.level in offered
    ])  # fmt: skip


@transaction.atomic
def update_version(*, actor: Actor, version: StandardVersion, values: dict) -> StandardVersion:
    version = scoping.get_for(actor, StandardVersion.objects.select_for_update(), version.pk, "change")
    _ensure_editable(version)
    values = {k: v for k, v in values.items() if k in ("title", "code", "published_on", "exam_structure")}
    return core_actions.update_object(actor=actor, obj=version, values=values)


@transaction.atomic
def delete_version(*, actor: Actor, version: StandardVersion) -> None:
    version = scoping.get_for(actor, StandardVersion.objects.select_for_update(), version.pk, "delete")
    if version.state != VersionState.DRAFT:
        raise DomainError(EvaluationError.VERSION_LOCKED, _("只有草稿可以删除"))
    core_actions.delete_object(actor=actor, obj=version)


def _version_for_change(actor: Actor, version_id: int) -> StandardVersion:
    version = scoping.get_for(actor, StandardVersion.objects.select_for_update(), version_id, "change")
    _ensure_editable(version)
    return version


@transaction.atomic
def save_version_level(*, actor: Actor, version: StandardVersion, values: dict, level_row: VersionLevel | None = None):
    """Add or change a level of a version being drafted: the level must be one the occupation offers, and
    the theory and skill weights add up to 100."""
    version = _version_for_change(actor, version.pk)
    level = values.get("level") or (level_row.level if level_row else None)
    if level is None or not version.occupation.levels.filter(pk=level.pk).exists() or level.national_number is None:
        raise DomainError(EvaluationError.LEVEL_NOT_OFFERED, _("该职业不设此等级"), field="level")
    theory = values.get("theory_weight", level_row.theory_weight if level_row else 30)
    skill = values.get("skill_weight", level_row.skill_weight if level_row else 70)
    if theory + skill != 100:
        raise DomainError(EvaluationError.WEIGHTS, _("理论知识与操作技能权重之和应为 100"), field="skill_weight")
    if level_row is None:
        return core_actions.create_object(actor=actor, model=VersionLevel, values={**values, "version": version})
    return core_actions.update_object(actor=actor, obj=level_row, values=values)


@transaction.atomic
def delete_version_level(*, actor: Actor, level_row: VersionLevel) -> None:
    _version_for_change(actor, level_row.version_id)
    # unscoped: the paths of the level removed with it, inside the version just checked
    EligibilityPath.objects.filter(version_id=level_row.version_id, level_id=level_row.level_id).delete()
    core_actions.delete_object(actor=actor, obj=level_row)


@transaction.atomic
def save_path(*, actor: Actor, version: StandardVersion, values: dict, path: EligibilityPath | None = None):
    """Add or change an eligibility path of a version being drafted. A path names at least one condition;
    its level is one of the version's levels."""
    version = _version_for_change(actor, version.pk)
    merged = {**({f: getattr(path, f) for f in PATH_FIELDS} if path else {}), **values}
    if not version.levels.filter(level=merged.get("level")).exists():
        raise DomainError(EvaluationError.LEVEL_NOT_OFFERED, _("请先在本版本中设置该等级"), field="level")
    conditions = ("required_level", "years", "school", "apprenticeship", "title_grade", "min_age")
    if not any(merged.get(name) not in (None, "", False) for name in conditions):
        raise DomainError(EvaluationError.PATH_EMPTY, _("申报条件至少包含一项要求"), field="required_level")
    if path is None:
        return core_actions.create_object(actor=actor, model=EligibilityPath, values={**values, "version": version})
    return core_actions.update_object(actor=actor, obj=path, values=values)


PATH_FIELDS = ("level", "order", "required_level", "years", "years_since_level", "school", "major_in_trade",
               "apprenticeship", "title_grade", "min_age", "description", "needs_review")  # fmt: skip


@transaction.atomic
def delete_path(*, actor: Actor, path: EligibilityPath) -> None:
    _version_for_change(actor, path.version_id)
    core_actions.delete_object(actor=actor, obj=path)


# --- The workflow's effects


def ready_to_submit(version: StandardVersion, actor: Actor) -> None:
    """A version goes to review with at least one level, and a path for every level."""
    levels = list(version.levels.select_related("level"))
    if not levels:
        raise DomainError(EvaluationError.NO_LEVELS, _("请至少设置一个等级"))
    with_paths = set(version.paths.values_list("level_id", flat=True))
    missing = [str(row.level) for row in levels if row.level_id not in with_paths]
    if missing:
        raise DomainError(EvaluationError.LEVEL_WITHOUT_PATH,
                          _("以下等级尚无申报条件：{levels}").format(levels="、".join(missing)))  # fmt: skip


@transaction.atomic
def put_in_force(*, actor: Actor, version: StandardVersion, effective_from: datetime.date,
                 hr_filing_number: str = "", comment: str = "", transition: str = "file") -> StandardVersion:  # fmt: skip
    """HR files a norm the city bureau approved (or the city bureau publishes a national version): in force
    from ``effective_from``; the lineage's version in force until now is superseded, and sessions that used
    it keep it."""
    version = scoping.get_for(actor, StandardVersion.objects.select_for_update(), version.pk, "view")
    workflow.take_transition(version, transition, actor=actor, comment=comment, changes={
        "effective_from": effective_from, "hr_filing_number": (hr_filing_number or "").strip(),
    })  # fmt: skip
    older = _lineage(version).filter(state=VersionState.FILED).exclude(pk=version.pk)
    for previous in older.select_for_update():
        before = audit.snapshot(previous)
        previous.state = VersionState.SUPERSEDED
        previous.save(update_fields=["state", "updated_at"])
        audit.audit_change(actor=actor, obj=previous, before=before)
    version.refresh_from_db()
    return version


def publish_national(*, actor: Actor, version: StandardVersion, effective_from: datetime.date, comment: str = ""):
    return put_in_force(actor=actor, version=version, effective_from=effective_from, comment=comment,
                        transition="publish")  # fmt: skip
