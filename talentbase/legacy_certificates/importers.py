"""Bulk import of certificates issued outside the platform, through the import machinery.

The columns are those of the table evaluation institutions report upstream (姓名, 证件类型, 证件号码, 所在单位,
职业名称, 工种名称, 等级, 证书编号, 发证日期, 评价机构, 发证机构), plus an optional 证书类型 (read from the number's
format when empty). An employer's roster of its workers' certificates uses the same template, filling what
it knows.

Who imports decides what the records are: HR (its export) and the city bureau import *confirmed* records;
an evaluation institution imports confirmed records of the certificates it issued or evaluated (and only
those); an employer *declares* its employees' certificates, to be confirmed later. Unknown persons are
registered from the row (name and ID number) or reported as errors, as the user chooses. The batch mode
decides what happens to a number already recorded: an error, an update (and a confirmation, when the
importer may confirm), or a skip. Every row is checked (ID number, occupation through the 2015→2022
mapping, level offered, number format against year, level and province, the same number twice in the
file) before anything is written; publication writes persons, records and level entries in bulk.
"""

from __future__ import annotations

import functools
import itertools

from django import forms
from django.db import connection
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from talentbase.catalog import lookups
from talentbase.catalog.models import CertificateKind, Level, Occupation
from talentbase.core import crypto, scoping
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.imports import bulk
from talentbase.core.imports.columns import Column, normalise_choice
from talentbase.core.imports.machinery import (
    ACTION_KEY,
    CREATE,
    SKIP,
    UPDATE,
    Importer,
    PublishResult,
    checked_in_chunks,
    outcomes,
    register,
)
from talentbase.core.imports.values import CellValueError, parse_date
from talentbase.core.roles import Role
from talentbase.orgs.queries import organisation_named, organisation_names
from talentbase.registry import levels
from talentbase.registry.bulk import register_persons_bulk
from talentbase.registry.identity import (
    IdNumberError,
    IdType,
    check_id_number,
    mask_id_number,
    normalise_name,
    today_in_china,
)
from talentbase.registry.importers import ID_NUMBER, ID_TYPE, NAME, registered
from talentbase.registry.models import ID_NUMBER_CONTEXT, LevelSource, Person
from talentbase.registry.protection import id_number_hash

from . import numbers
from .actions import APPOINTED_LEVELS, CONFIRMERS, ISSUER_ROLES
from .errors import CredentialError
from .models import CertificateRecord, Confirmation, RecordSource

UNKNOWN_CREATE, UNKNOWN_ERROR = "create", "error"

EMPLOYER = Column(
    "employer", _("所在单位"), aliases=("工作单位", "单位名称", "用人单位", "employer"), width=24
)
OCCUPATION = Column(
    "occupation", _("职业名称"), required=True, example="园林绿化工", width=18,
    aliases=("职业", "职业（工种）", "occupation"),
    help_text=_("2022 版职业分类大典名称；旧证书上的名称（如 盆景工）会自动对应"),
)  # fmt: skip
WORK_TYPE = Column("work_type", _("工种名称"), aliases=("工种", "work type"), width=14)
LEVEL = Column(
    "level", _("等级"), required=True, example="四级/中级工", width=14,
    aliases=("技能等级", "证书等级", "职业资格等级", "level"),
    choices=lambda: [(level.code, level.name) for level in Level.objects.exclude(code="apprentice")],
    help_text=_("如 四级/中级工、中级工、四级、4"),
)  # fmt: skip
NUMBER = Column(
    "number", _("证书编号"), required=True, text=True, example="S000031000123194000001", width=26,
    aliases=("证书号", "证书号码", "编号", "certificate number"),
    help_text=_("请填为文本；职业技能等级证书 22 位，职业资格证书 16 位或 13 位"),
)  # fmt: skip
ISSUED_ON = Column(
    "issued_on", _("发证日期"), required=True, example="2019-06-30", width=14,
    aliases=("发证时间", "取证日期", "获证日期", "issue date"),
)  # fmt: skip
EVALUATOR = Column("evaluator", _("评价机构"), aliases=("鉴定机构", "评价组织", "鉴定所（站）"), width=24)
ISSUER = Column("issuer", _("发证机构"), aliases=("发证单位", "颁证机构", "issuer"), width=24)
KIND = Column(
    "kind", _("证书类型"), width=18, aliases=("证书种类", "certificate type"),
    choices=[(k, label) for k, label in CertificateKind.choices if k != CertificateKind.APPOINTMENT],
    choice_aliases={"职业资格": "qualification", "资格证书": "qualification", "技能等级证书": "skill_level",
                    "职业技能等级": "skill_level", "等级证书": "skill_level"},
    help_text=_("可不填，按证书编号的格式判断"),
)  # fmt: skip

COLUMNS = [NAME, ID_TYPE, ID_NUMBER, EMPLOYER, OCCUPATION, WORK_TYPE, LEVEL, NUMBER, ISSUED_ON, EVALUATOR, ISSUER,
           KIND]  # fmt: skip

RECORD_COLUMNS = [
    "id", "person_id", "kind", "number", "number_format_id", "occupation_id", "occupation_as_written", "work_type",
    "level_id", "issued_on", "issuer_name", "issuer_id", "evaluator_name", "evaluator_id", "employer_id",
    "confirmation", "confirmed_at", "confirmed_by_id", "status", "ended_on", "end_reason", "replaced_by_id",
    "source", "import_batch_id", "created_by_id", "created_at", "updated_at",
]  # fmt: skip


@functools.lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    """``normalise_choice`` remembered: the same employer, institution and level names repeat on every row."""
    return normalise_choice(text)



def existing_numbers(values: list[str]) -> dict[str, tuple[int, int, str]]:
    """{number: (record id, person id, confirmation)} of the numbers already recorded: one query."""
    if not values:
        return {}
    # unscoped: a number is unique across all records, whoever recorded them
    rows = CertificateRecord.objects.filter(number__in=values).values_list(
        "number", "pk", "person_id", "confirmation"
    )
    return {number: (pk, person_id, confirmation) for number, pk, person_id, confirmation in rows}


@register
class CertificateImporter(Importer):
    kind = "credentials.certificates"
    label = _("证书")
    columns = COLUMNS
    roles = frozenset({Role.CITY, Role.HR, Role.EVALUATION, Role.ASSOCIATION, Role.EMPLOYER})
    url_prefix = "credentials:import"
    template_filename = "certificate-import-template.xlsx"

    def may_import(self, actor: Actor) -> bool:
        return super().may_import(actor) and scoping.may(actor, CertificateRecord, "add")

    def option_fields(self, actor: Actor) -> dict:
        return {
            "unknown_persons": forms.ChoiceField(
                label=_("尚未登记的人员"), initial=UNKNOWN_ERROR,
                choices=[(UNKNOWN_ERROR, _("列为错误，不导入该行")), (UNKNOWN_CREATE, _("按表中的姓名和证件号码登记"))],
            )
        }  # fmt: skip

    def clean_options(self, actor: Actor, data: dict) -> dict:
        return {"unknown_persons": data.get("unknown_persons") or UNKNOWN_ERROR}

    def upload_help(self) -> str:
        return _("先上传文件：系统逐行校验（持证人证件号码、证书编号与发证日期和等级是否相符、职业与等级、发证机构、文件内重复、是否已登记），显示预览后由您确认提交；提交前不会写入任何数据。")

    def instructions(self) -> list[str]:
        return [
            _("每行一张证书；证书编号在文件中只能出现一次。"),
            _("人社部门、市局和发证的评价机构导入的证书记为“已核实”；用人单位导入的记为“申报（待核实）”。"),
            _("评价机构只能导入本机构颁发或评价的证书；“发证机构”不填时按本机构处理。"),
            _("证书编号中的年份、等级和省份须与发证日期、等级和发证机构一致。"),
        ]

    # --- validation

    def validate(self, rows, *, actor: Actor, mode: str, options: dict):
        context = {
            "today": today_in_china(),
            "id_types": ID_TYPE.choice_lookup(),
            "kinds": KIND.choice_lookup(),
            "occupations": lookups.occupation_lookup(active_only=False),
            "levels": lookups.level_lookup(),
            "organisations": organisation_names(),
            "formats": numbers.load_formats(),
            "offered": set(Occupation.levels.through.objects.values_list("occupation_id", "level_id")),
            "occupation_names": dict(Occupation.objects.values_list("pk", "name")),
            "confirms": actor.role in CONFIRMERS,
        }
        chunks = checked_in_chunks(
            rows, chunk_size=self.chunk_size, key=lambda payload: payload["number"],
            check=lambda cells: self.check_row(cells, actor, context),
            duplicate=lambda row: NUMBER.error(format_lazy(_("与第 {row} 行的证书编号重复"), row=row)),
        )  # fmt: skip
        for checked, late in chunks:
            self.compare_with_registry(checked, actor=actor, mode=mode, options=options)
            yield from outcomes(checked)
            yield from late

    def check_row(self, cells, actor: Actor, context) -> tuple[list, dict | None]:
        (name_text, type_text, id_text, employer_text, occupation_text, work_type, level_text, number_text,
         issued_text, evaluator_text, issuer_text, kind_text) = cells  # fmt: skip
        errors: list[tuple[str, str]] = []
        name = normalise_name(name_text)
        if not name:
            errors.append(NAME.error(_("请填写姓名")))
        id_type = IdType.RIC
        if type_text:
            id_type = context["id_types"].get(_norm(type_text))
            if id_type is None:
                errors.append(ID_TYPE.error(format_lazy(_("“{value}”无法识别"), value=type_text)))
        id_check = None
        if id_type is not None:
            try:
                id_check = check_id_number(id_type, id_text, today=context["today"])
            except IdNumberError as error:
                errors.append(ID_NUMBER.error(error.message))
        occupation_id = context["occupations"].get(lookups.name_key(occupation_text)) or context["occupations"].get(
            (occupation_text or "").strip()
        )
        if occupation_id is None and work_type:
            occupation_id = context["occupations"].get(lookups.name_key(work_type))
        if occupation_id is None:
            errors.append(OCCUPATION.error(format_lazy(
                _("职业名称“{value}”无法识别：请填写 2022 版职业分类大典中的名称，或请市局补充职业对照"),
                value=occupation_text or "")))  # fmt: skip
        level = context["levels"].get(_norm(level_text))
        if level is None:
            errors.append(
                LEVEL.error(format_lazy(_("等级“{value}”无法识别，请填写如 四级/中级工"), value=level_text))
            )
        kind = None
        if kind_text:
            kind = context["kinds"].get(_norm(kind_text))
            if kind is None:
                errors.append(KIND.error(format_lazy(_("“{value}”无法识别"), value=kind_text)))
        issued_on = None
        try:
            issued_on = parse_date(issued_text)
            if issued_on is None:
                errors.append(ISSUED_ON.error(_("请填写发证日期")))
            elif issued_on > context["today"]:
                errors.append(ISSUED_ON.error(_("发证日期晚于今天")))
                issued_on = None
        except CellValueError as problem:
            errors.append(ISSUED_ON.error(problem.message))
        organisations = context["organisations"]
        issuer_id = organisation_named(issuer_text, organisations)
        evaluator_id = organisation_named(evaluator_text, organisations)
        if actor.role in ISSUER_ROLES:
            if not issuer_text and not evaluator_text:
                issuer_id = actor.organisation_id
            if actor.organisation_id not in (issuer_id, evaluator_id):
                errors.append(ISSUER.error(_("只能导入本机构颁发或评价的证书")))
        employer_id = organisation_named(employer_text, organisations)
        check = None
        try:
            number = numbers.normalise_number(number_text)
            check = numbers.check_number(
                number, formats=context["formats"], kind=kind, level=level, issued_on=issued_on,
                issuer_province=numbers.home_province() if issuer_id else None,
            )  # fmt: skip
        except numbers.CertificateNumberError as problem:
            errors.append(NUMBER.error(problem.message))
        if check is not None and level is not None and occupation_id is not None:
            if (
                check.kind == CertificateKind.SKILL_LEVEL
                and level.national_number
                and ((occupation_id, level.pk) not in context["offered"])
            ):
                errors.append(LEVEL.error(format_lazy(_("职业“{occupation}”不设“{level}”"),
                                                        occupation=context["occupation_names"][occupation_id],
                                                        level=level.name)))  # fmt: skip
            if check.kind == CertificateKind.QUALIFICATION and level.code in APPOINTED_LEVELS:
                errors.append(LEVEL.error(_("职业资格证书没有该等级")))
        if errors or check is None or id_check is None or level is None:
            return errors, None
        confirmed = context["confirms"] or (
            actor.role in ISSUER_ROLES and actor.organisation_id in (issuer_id, evaluator_id)
        )
        payload = {
            ACTION_KEY: CREATE,
            "full_name": name,
            "id_type": str(id_type),
            "id_number": id_check.number,
            "id_number_hash": id_number_hash(id_type, id_check.number),
            "birth_date": id_check.birth_date.isoformat() if id_check.birth_date else None,
            "gender": id_check.gender or "",
            "kind": check.kind,
            "number": check.number,
            "number_format_id": check.format.pk,
            "occupation_id": occupation_id,
            "occupation_as_written": (occupation_text or "").strip()[:50],
            "work_type": (work_type or "").strip()[:50],
            "level_id": level.pk,
            "issued_on": issued_on.isoformat(),
            "issuer_name": (issuer_text or "").strip()[:100],
            "issuer_id": issuer_id,
            "evaluator_name": (evaluator_text or "").strip()[:100],
            "evaluator_id": evaluator_id,
            "employer_id": actor.organisation_id if actor.role == Role.EMPLOYER else employer_id,
            "confirmed": confirmed,
        }
        return errors, payload

    def compare_with_registry(self, checked, *, actor: Actor, mode: str, options: dict) -> None:
        """Per chunk: which holders are registered (and, for an employer, its own), which numbers are
        recorded already; the batch's options and mode decide."""
        valid = [(n, errors, p) for n, errors, p, _w in checked if p and not errors]
        if not valid:
            return
        persons = registered([p["id_number_hash"] for _n, _e, p in valid])
        visible: set[int] = set()
        if actor.role == Role.EMPLOYER and persons:
            visible = set(scoping.visible_to(actor, Person).filter(pk__in=list(persons.values()))
                          .values_list("pk", flat=True))  # fmt: skip
        recorded = existing_numbers([p["number"] for _n, _e, p in valid])
        create_unknown = options.get("unknown_persons") == UNKNOWN_CREATE
        for _number, errors, payload in valid:
            person_id = persons.get(payload["id_number_hash"])
            if person_id is None and not create_unknown:
                errors.append(
                    ID_NUMBER.error(_("该人员尚未登记：请先登记，或上传时选择“按表中的姓名和证件号码登记”"))
                )
                continue
            if person_id is not None and actor.role == Role.EMPLOYER and person_id not in visible:
                errors.append(ID_NUMBER.error(_("该人员不是本单位的职工，不能申报其证书")))
                continue
            payload["person_id"] = person_id
            existing = recorded.get(payload["number"])
            if existing is None:
                continue
            record_id, holder_id, confirmation = existing
            if holder_id != person_id:
                errors.append(NUMBER.error(_("该证书编号已登记在另一人名下")))
            elif mode == SKIP:
                payload[ACTION_KEY] = SKIP
            elif mode == UPDATE:
                if confirmation == Confirmation.CONFIRMED and not payload["confirmed"]:
                    errors.append(NUMBER.error(_("该证书已核实，申报不能修改它")))
                    continue
                payload[ACTION_KEY] = UPDATE
                payload["record_id"] = record_id
            else:
                errors.append(NUMBER.error(_("该证书编号已登记；如需更新，请选择“新增，并更新已有记录”")))

    # --- staging: the ID numbers of persons to register are encrypted here

    def prepare(self, payloads, *, actor: Actor, options: dict):
        new = [p for p in payloads if p[ACTION_KEY] == CREATE and p.get("person_id") is None]
        tokens = iter(crypto.encrypt_many([p["id_number"] for p in new], context=ID_NUMBER_CONTEXT))
        for payload in payloads:
            number = payload.pop("id_number")
            if payload[ACTION_KEY] == CREATE and payload.get("person_id") is None:
                payload["id_number_encrypted"] = next(tokens)
                payload["id_number_masked"] = mask_id_number(number)
        return payloads

    # --- publication, inside the machinery's one transaction

    def publish(self, batch, rows, *, actor: Actor) -> PublishResult:
        result = PublishResult()
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        iterator = iter(rows)
        while chunk := list(itertools.islice(iterator, 5000)):
            creates = [p for _n, p in chunk if p[ACTION_KEY] == CREATE]
            updates = [p for _n, p in chunk if p[ACTION_KEY] == UPDATE]
            creates, skipped = self.drop_recorded_meanwhile(creates, batch.mode)
            result.skipped += skipped
            self.register_new_persons(creates, actor=actor)
            result.created += self.write_records(creates, batch=batch, actor=actor, now=now)
            result.updated += self.write_updates(updates, actor=actor)
        return result

    def drop_recorded_meanwhile(self, creates, mode: str):
        taken = set(existing_numbers([p["number"] for p in creates]))
        if not taken:
            return creates, 0
        if mode == SKIP:
            return [p for p in creates if p["number"] not in taken], len(
                [p for p in creates if p["number"] in taken]
            )
        raise DomainError(
            CredentialError.DUPLICATE_NUMBER_DURING_IMPORT,
            _("有证书编号在导入期间已被登记，未导入任何数据；请重新上传以重新校验"),
        )

    def register_new_persons(self, creates, *, actor: Actor) -> None:
        """Holders not registered at preview: registered once each (one person may hold several
        certificates in the file), or found if someone registered them meanwhile."""
        new = [p for p in creates if p.get("person_id") is None]
        if not new:
            return
        found = registered(sorted({p["id_number_hash"] for p in new}))
        unique: dict[str, dict] = {}
        for payload in new:
            if payload["id_number_hash"] not in found:
                unique.setdefault(payload["id_number_hash"], payload)
        # An employer declares its employees' certificates: a holder it registers works there from today.
        employer_id = actor.organisation_id if actor.role == Role.EMPLOYER else None
        ids = register_persons_bulk(actor=actor, rows=list(unique.values()), employer_id=employer_id)
        found.update(zip(unique, ids, strict=True))
        for payload in new:
            payload["person_id"] = found[payload["id_number_hash"]]

    def write_records(self, creates, *, batch, actor: Actor, now) -> int:
        if not creates:
            return 0
        user_id = actor.user_id
        ids = bulk.allocate_ids(CertificateRecord, len(creates))
        source = {Role.EMPLOYER: RecordSource.EMPLOYER_IMPORT, Role.EVALUATION: RecordSource.INSTITUTION_IMPORT,
                  Role.ASSOCIATION: RecordSource.INSTITUTION_IMPORT}.get(batch.actor_snapshot.get("role"),
                                                                         RecordSource.HR_IMPORT)  # fmt: skip
        bulk.insert_rows(CertificateRecord, RECORD_COLUMNS, (
            (pk, p["person_id"], p["kind"], p["number"], p["number_format_id"], p["occupation_id"],
             p["occupation_as_written"], p["work_type"], p["level_id"], p["issued_on"], p["issuer_name"],
             p["issuer_id"], p["evaluator_name"], p["evaluator_id"], p["employer_id"],
             Confirmation.CONFIRMED if p["confirmed"] else Confirmation.DECLARED,
             now if p["confirmed"] else None, user_id if p["confirmed"] else None, "valid", None, "", None,
             source, batch.pk, user_id, now, now)
            for pk, p in zip(ids, creates, strict=True)
        ))  # fmt: skip
        # Positional: keywords cost twice as much per row, and the NewLevel fields name them.
        levels.record_levels_bulk(actor=actor, entries=(
            levels.NewLevel(p["person_id"], p["occupation_id"], p["level_id"], p["issued_on"], p["confirmed"],
                            LevelSource.LEGACY_CERTIFICATE, pk)
            for pk, p in zip(ids, creates, strict=True)
        ))  # fmt: skip
        return len(ids)

    def write_updates(self, updates, *, actor: Actor) -> int:
        """Records already there, brought up to date from the row (and confirmed, when the importer may)."""
        for payload in updates:
            # unscoped: a record the preview matched in the importer's scope, locked to be updated
            record = CertificateRecord.objects.select_for_update().filter(pk=payload["record_id"]).first()
            if record is None:
                raise DomainError(
                    CredentialError.RECORD_MISSING, _("要更新的证书记录已被删除，未导入任何数据；请重新上传")
                )
            fields = {
                "occupation_id": payload["occupation_id"], "level_id": payload["level_id"],
                "issued_on": payload["issued_on"], "work_type": payload["work_type"] or record.work_type,
                "issuer_name": payload["issuer_name"] or record.issuer_name,
                "issuer_id": payload["issuer_id"] or record.issuer_id,
                "evaluator_name": payload["evaluator_name"] or record.evaluator_name,
                "evaluator_id": payload["evaluator_id"] or record.evaluator_id,
            }  # fmt: skip
            if payload["confirmed"] and not record.is_confirmed:
                fields.update(
                    confirmation=Confirmation.CONFIRMED,
                    confirmed_at=timezone.now(),
                    confirmed_by_id=actor.user_id,
                )
            CertificateRecord.objects.filter(pk=record.pk).update(**fields, updated_at=timezone.now())
            record.refresh_from_db()
            if record.status == "valid":
                levels.record_level(person=record.person_id, occupation=record.occupation_id, level=record.level,
                                    valid_from=record.issued_on, confirmed=record.is_confirmed,
                                    source_kind=LevelSource.LEGACY_CERTIFICATE, source_id=record.pk)  # fmt: skip
        return len(updates)
