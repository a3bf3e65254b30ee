"""Bulk import of rosters (花名册): persons and their current employment, through the import machinery.

Every row is checked as ``register_person`` checks one person (GB 11643 ID numbers, birth date and gender
against the number, mobile phones), on plain tuples; the same ID twice in the file is reported on both
rows; the registry is asked once per chunk which ID numbers it already holds. New persons are prepared in
the preview (ID numbers and phones encrypted in batches, lookup hashes, name keys) and written by
``registry.bulk`` with their employment at the importing employer; existing ones are refused, updated
(name, phone, education, only where the importer may change the person) or skipped, as the batch's mode
says.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from talentbase.catalog import lookups
from talentbase.core import crypto, scoping
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.imports import bulk
from talentbase.core.imports.columns import Column, normalise_choice
from talentbase.core.imports.machinery import (
    ACTION_KEY,
    CREATE,
    LOOKUP_KEY,
    SKIP,
    UPDATE,
    Importer,
    Outcome,
    PublishResult,
    checked_in_chunks,
    outcomes,
    register,
)
from talentbase.core.imports.models import ImportStagedRow
from talentbase.core.imports.values import CellValueError, parse_date
from talentbase.core.roles import Role
from talentbase.orgs.models import Organisation

from . import bulk as bulk_writes
from .errors import RegistryError
from .identity import (
    IdErrorCode,
    IdNumberError,
    IdType,
    PhoneError,
    check_birth_and_gender,
    check_id_number,
    check_phone,
    mask_id_number,
    mask_phone,
    normalise_name,
    today_in_china,
)
from .models import ID_NUMBER_CONTEXT, PHONE_CONTEXT, Education, Gender, Person
from .protection import id_number_hash, phone_hash
from .search import person_name_keys

NAME = Column(
    "full_name", _("姓名"), required=True, example="张三",
    aliases=("名字", "职工姓名", "员工姓名", "人员姓名", "name", "full name"),
    help_text=_("与证件上的姓名一致"),
)  # fmt: skip
ID_TYPE = Column(
    "id_type", _("证件类型"), choices=IdType.choices, example=str(IdType.RIC.label), width=22,
    aliases=("证件种类", "证件名称", "id type", "document type"),
    choice_aliases={"身份证": IdType.RIC, "二代身份证": IdType.RIC, "居民身份证号码": IdType.RIC,
                    "港澳通行证": IdType.HK_MACAO, "回乡证": IdType.HK_MACAO, "台胞证": IdType.TAIWAN,
                    "台湾通行证": IdType.TAIWAN, "外国人永久居留证": IdType.FOREIGN_PR, "永居证": IdType.FOREIGN_PR},
    help_text=_("不填时按居民身份证处理"),
)  # fmt: skip
ID_NUMBER = Column(
    "id_number", _("证件号码"), required=True, text=True, width=22, example="310101199001011234",
    aliases=("身份证号", "身份证号码", "身份证", "公民身份号码", "居民身份证号码", "证件号", "id number", "id no",
             "id card number"),
    help_text=_("请填为文本；居民身份证为 18 位，最后一位可以是 X"),
)  # fmt: skip
GENDER = Column(
    "gender", _("性别"), choices=Gender.choices, example="男", width=8,
    aliases=("sex", "gender"),
    choice_aliases={"男性": "M", "女性": "F", "male": "M", "female": "F", "1": "M", "2": "F"},
    help_text=_("居民身份证可不填，系统从证件号码读取；填写时须与证件号码一致"),
)  # fmt: skip
BIRTH_DATE = Column(
    "birth_date", _("出生日期"), example="1990-01-01", width=14,
    aliases=("出生年月日", "生日", "birth date", "date of birth", "birthday"),
    help_text=_("居民身份证可不填；其他证件建议填写，如 1990-01-01"),
)  # fmt: skip
PHONE = Column(
    "phone", _("手机号码"), text=True, example="13800138000", width=16,
    aliases=("手机", "手机号", "联系电话", "联系方式", "移动电话", "mobile", "phone", "mobile phone"),
    help_text=_("11 位手机号码"),
)  # fmt: skip
EDUCATION = Column(
    "education", _("学历"), choices=Education.choices, example=str(Education.VOCATIONAL.label), width=20,
    aliases=("文化程度", "最高学历", "education"),
    choice_aliases={"小学": "primary", "中专": "vocational", "技校": "vocational", "中技": "vocational",
                    "职高": "vocational", "高职": "college", "专科": "college", "大学专科": "college",
                    "本科": "bachelor", "大学本科": "bachelor", "大学": "bachelor", "硕士": "master",
                    "研究生": "master", "博士": "doctor", "技师学院": "higher_vocational"},
)  # fmt: skip
POSITION = Column(
    "position", _("岗位"), example="养护工", aliases=("岗位名称", "职务", "工作岗位", "position", "post", "job"),
)  # fmt: skip
START_DATE = Column(
    "start_date", _("入职日期"), example="2020-03-01", width=14,
    aliases=("入职时间", "进入本单位日期", "到岗日期", "start date", "hire date", "date of hire"),
    help_text=_("不填时按导入当天"),
)  # fmt: skip

EMPLOYER = Column(
    "employer", _("工作单位"), example="上海某某绿化养护有限公司", width=28,
    aliases=("用人单位", "所在单位", "单位名称", "工作单位名称", "单位", "employer", "company"),
    help_text=_("单位全称、简称或统一社会信用代码；用人单位导入时须为本单位，不填时按上传时选择的单位"),
)  # fmt: skip


def _occupation_choices():
    from talentbase.catalog.models import Occupation

    # unscoped: reference data for the template's dropdown
    return list(Occupation.objects.filter(is_active=True).order_by("code").values_list("code", "name"))


def _level_choices():
    from talentbase.catalog.models import Level

    # unscoped: the ladder for the template's dropdown
    return list(Level.objects.order_by("rank").values_list("code", "name"))


OCCUPATION = Column(
    "occupation", _("职业（工种）"), example="园林绿化工", width=24, choices=_occupation_choices,
    aliases=("职业", "职业名称", "工种职业", "occupation"),
    help_text=_("职业目录中的职业名称或编码；可在括号中写工种，如“园林绿化工（花卉园艺工）”"),
)  # fmt: skip
WORK_TYPE = Column(
    "work_type", _("工种"), example="", width=16, aliases=("工种名称", "work type"),
    help_text=_("职业目录中该职业下的工种；也可写在“职业（工种）”列的括号中"),
)  # fmt: skip
LEVEL = Column(
    "level", _("技能等级"), example="四级/中级工", width=16, choices=_level_choices,
    aliases=("等级", "职业技能等级", "技术等级", "职业资格等级", "level", "skill level"),
    help_text=_("本单位申报的等级，须填写职业；在有证书核实前记为“申报、未核实”"),
)  # fmt: skip

COLUMNS = [NAME, ID_TYPE, ID_NUMBER, GENDER, BIRTH_DATE, PHONE, EDUCATION, POSITION, START_DATE, EMPLOYER,
           OCCUPATION, WORK_TYPE, LEVEL]  # fmt: skip
BRACKETED = re.compile(r"^(?P<occupation>[^（(]+)[（(](?P<work_type>[^)）]*)[)）]\s*$")

WRITE_CHUNK = 5000


def registered(hashes: list[str]) -> dict[str, int]:
    """{ID number hash: person id} of those already in the registry: one query, raw SQL because the ORM's
    ``__in`` prepares every one of thousands of parameters in Python.

    A uniqueness check over the whole registry (as ``register_person`` makes), not a read: only keys come
    back."""
    if not hashes:
        return {}
    connection = bulk.connection_for(Person)
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        select = f"SELECT id_number_hash, id FROM {table} WHERE id_number_hash"  # noqa: S608 — from _meta
        if connection.vendor == "postgresql":
            cursor.execute(f"{select} = ANY(%s)", [hashes])
        else:
            cursor.execute(f"{select} IN ({', '.join(['%s'] * len(hashes))})", hashes)
        return dict(cursor.fetchall())


NOT_CHANGEABLE = _("该人员已登记，且不在本单位的在职人员中，不能更新其信息")
ALREADY_REGISTERED = _("该证件号码已登记；如需更新其信息，请选择“新增，并更新已有记录”或“新增，跳过已有记录”")


class RawChoices(dict):
    """Cell text as typed → code (None when unknown), memoised over a file: a roster repeats a handful of
    texts (居民身份证, 男, 本科) 10^5 times, each normalised once."""

    def __init__(self, lookup: dict):
        super().__init__()
        self.lookup = lookup

    def __missing__(self, text: str):
        code = self[text] = self.lookup.get(normalise_choice(text))
        return code


def _cell_error(column: Column, message) -> tuple[str, str]:
    return str(column.label), str(message)


def formula_errors(columns: list[Column], cells) -> list[tuple[str, str]]:
    """A cell that holds a formula's text (a CSV keeps "=A1&B1" as typed; a spreadsheet keeps its result):
    refused, as a formula without a result is in a spreadsheet."""
    return [
        _cell_error(column, format_lazy(
            _("“{value}”是公式而不是内容：请在表格中改为公式的计算结果（文字）后重新上传"), value=text[:20]))
        for column, text in zip(columns, cells, strict=False)
        if text.startswith("=")
    ]  # fmt: skip


def _choice_problem(column: Column, value: str):
    return format_lazy(
        _("“{value}”无法识别，请从下拉列表中选择：{choices}"),
        value=value,
        choices="、".join(column.choice_labels()),
    )


@register
class PersonRosterImporter(Importer):
    kind = "registry.persons"
    label = _("人员花名册")
    columns = COLUMNS
    roles = frozenset({Role.CITY, Role.EMPLOYER})
    url_prefix = "registry:import"
    template_filename = "roster-import-template.xlsx"

    def may_import(self, actor: Actor) -> bool:
        return super().may_import(actor) and scoping.may(actor, Person, "add")

    # --- the upload form: a city official chooses the employer the new persons work for

    def option_fields(self, actor: Actor) -> dict:
        if actor.role == Role.EMPLOYER:
            return {}
        queryset = scoping.visible_to(actor, Organisation).filter(kinds__code="employer").order_by("name")
        return {
            "employer": forms.ModelChoiceField(
                label=_("用人单位"), queryset=queryset, required=False,
                help_text=_("新登记的人员记为该单位的在职人员；不选则只登记人员"),
            )
        }  # fmt: skip

    def clean_options(self, actor: Actor, data: dict) -> dict:
        employer = data.get("employer")
        return {"employer_id": employer.pk} if employer else {}

    def instructions(self) -> list[str]:
        return [
            _("每行一人；同一证件号码在文件中只能出现一次。"),
            _("已登记的人员按上传时选择的方式处理：记为错误、更新姓名/手机号码/学历，或跳过。"),
            _("用人单位导入时，新登记的人员记为本单位在职人员，入职日期不填时按导入当天。"),
            _(
                "“工作单位”须为本单位（用人单位导入时），或您可导入的用人单位（市、区导入时）；不填时按上传时选择的单位。"
            ),
            _(
                "“职业（工种）”“技能等级”记入任职经历和等级记录：等级为单位申报，在有证书核实前不作为已核实等级。"
            ),
        ]

    # --- validation: plain tuples in, one outcome per row out

    def validate(self, rows, *, actor: Actor, mode: str, options: dict):
        today = today_in_china()
        id_types = RawChoices(ID_TYPE.choice_lookup())
        genders = RawChoices(GENDER.choice_lookup())
        educations = RawChoices(EDUCATION.choice_lookup())
        context = RosterContext.build(actor, options)
        chunks = checked_in_chunks(
            rows, chunk_size=self.chunk_size, key=lambda payload: payload["id_number_hash"],
            check=lambda cells: self.check_row(cells, today, id_types, genders, educations, context),
            duplicate=lambda row: _cell_error(ID_NUMBER, format_lazy(_("与第 {row} 行的证件号码重复"), row=row)),
        )  # fmt: skip
        for checked, late in chunks:
            self.compare_with_registry(checked, actor=actor, mode=mode)
            yield from outcomes(checked)
            yield from late

    def check_row(
        self, cells, today, id_types, genders, educations, context=None
    ) -> tuple[list, dict | None, list]:
        (name_text, type_text, number_text, gender_text, birth_text, phone_text, education_text, position,
         start_text, employer_text, occupation_text, work_type_text, level_text) = cells  # fmt: skip
        errors: list[tuple[str, str]] = []
        warnings: list[tuple[str, str]] = []
        errors += formula_errors(COLUMNS, cells)
        name = normalise_name(name_text)
        if not name:
            errors.append(_cell_error(NAME, _("请填写姓名")))
        elif not any(char.isalpha() for char in name):
            errors.append(_cell_error(NAME, format_lazy(
                _("姓名应为文字，这里是“{value}”：可能是公式没有计算结果或填成了数字，请改为文字"), value=name[:20])))  # fmt: skip
        elif len(name) > 50:
            errors.append(_cell_error(NAME, _("姓名不能超过 50 个字")))
        id_type = IdType.RIC
        if type_text:
            id_type = id_types[type_text]
            if id_type is None:
                errors.append(_cell_error(ID_TYPE, _choice_problem(ID_TYPE, type_text)))
        gender = ""
        if gender_text:
            gender = genders[gender_text] or ""
            if not gender:
                errors.append(_cell_error(GENDER, _("性别请填写“男”或“女”")))
        birth_date = start_date = None
        try:
            birth_date = parse_date(birth_text)
        except CellValueError as problem:
            errors.append(_cell_error(BIRTH_DATE, problem.message))
        try:
            start_date = parse_date(start_text)
        except CellValueError as problem:
            errors.append(_cell_error(START_DATE, problem.message))
        education = ""
        if education_text:
            education = educations[education_text] or ""
            if not education:
                errors.append(_cell_error(EDUCATION, _choice_problem(EDUCATION, education_text)))
        phone = ""
        if phone_text:
            try:
                phone = check_phone(phone_text)
            except PhoneError as error:
                errors.append(_cell_error(PHONE, error.message))
        if len(position) > 50:
            errors.append(_cell_error(POSITION, _("岗位不能超过 50 个字")))
        check = None
        if id_type is not None:
            try:
                check = check_id_number(id_type, number_text, today=today)
                check_birth_and_gender(check, birth_date=birth_date, gender=gender or None)
            except IdNumberError as error:
                column = {
                    IdErrorCode.BIRTH_DATE_MISMATCH: BIRTH_DATE,
                    IdErrorCode.GENDER_MISMATCH: GENDER,
                }.get(error.code, ID_NUMBER)
                errors.append(_cell_error(column, error.message))
                if column is ID_NUMBER:
                    check = None
        if check is not None:
            warnings += [_cell_error(ID_NUMBER, warning) for warning in check.warnings]
        job = (context or RosterContext()).check_job(employer_text, occupation_text, work_type_text, level_text,
                                                     errors, warnings)  # fmt: skip
        birth_date = (check.birth_date if check else None) or birth_date
        if start_date is not None:
            if start_date > today:
                errors.append(_cell_error(START_DATE, _("入职日期晚于今天")))
            elif birth_date is not None and start_date <= birth_date:
                errors.append(_cell_error(START_DATE, _("入职日期早于出生日期")))
        if check is None:
            return errors, None, warnings
        payload = {
            ACTION_KEY: CREATE,
            "full_name": name,
            "id_type": str(id_type),
            "id_number": check.number,
            "id_number_hash": id_number_hash(id_type, check.number),
            "birth_date": birth_date.isoformat() if birth_date else None,
            "gender": check.gender or gender,
            "phone": phone,
            "education": education,
            "position": position,
            "start_date": (start_date or today).isoformat(),
            **job,
        }
        return errors, payload, warnings

    def compare_with_registry(self, checked, *, actor: Actor, mode: str) -> None:
        """One query for the chunk: which ID numbers the registry holds already (across all employers, as
        ``register_person`` checks), then the mode decides; an update needs the right to change the person."""
        # Rows with other errors too: "already registered" is never hidden behind a duplicate or a typo.
        hashes = [payload["id_number_hash"] for _n, _errors, payload, _w in checked if payload]
        if not hashes:
            return
        existing = registered(hashes)
        if not existing:
            return
        changeable: set[int] = set()
        if mode == UPDATE and scoping.may(actor, Person, "change"):
            changeable = set(
                scoping.visible_to(actor, Person, "change")
                .filter(pk__in=list(existing.values()))
                .values_list("pk", flat=True)
            )
        for _number, errors, payload, _warnings in checked:
            if not payload:
                continue
            person_id = existing.get(payload["id_number_hash"])
            if person_id is None:
                continue
            if errors:
                if mode == UPDATE and person_id not in changeable:
                    errors.append(_cell_error(ID_NUMBER, NOT_CHANGEABLE))
                elif mode not in (SKIP, UPDATE):
                    errors.append(_cell_error(ID_NUMBER, ALREADY_REGISTERED))
                continue
            if mode == SKIP:
                payload[ACTION_KEY] = SKIP
            elif mode == UPDATE and person_id in changeable:
                payload[ACTION_KEY] = UPDATE
                payload["person_id"] = person_id
            elif mode == UPDATE:
                errors.append(_cell_error(ID_NUMBER, NOT_CHANGEABLE))
            else:
                errors.append(_cell_error(ID_NUMBER, ALREADY_REGISTERED))

    # --- staging, during the preview: what is kept holds no ID number or phone in clear, and everything the
    # publication needs is computed here (encryption, hashes, masks, pinyin keys), outside its transaction

    def prepare(self, payloads: list[dict], *, actor: Actor, options: dict) -> list[dict]:
        id_tokens = iter(crypto.encrypt_many(
            [p["id_number"] for p in payloads if p[ACTION_KEY] == CREATE], context=ID_NUMBER_CONTEXT
        ))  # fmt: skip
        phone_tokens = iter(
            crypto.encrypt_many([p["phone"] for p in payloads if p["phone"]], context=PHONE_CONTEXT)
        )
        prepared = []
        for payload in payloads:
            phone = payload["phone"]
            row = {
                ACTION_KEY: payload[ACTION_KEY], LOOKUP_KEY: payload["id_number_hash"],
                "full_name": payload["full_name"], "search_keys": person_name_keys(payload["full_name"]),
                "education": payload["education"],
                "phone_encrypted": next(phone_tokens) if phone else "", "phone_hash": phone_hash(phone) if phone else "",
                "phone_masked": mask_phone(phone) if phone else "",
            }  # fmt: skip
            if payload[ACTION_KEY] == CREATE:
                number = payload["id_number"]
                row.update({
                    "id_type": payload["id_type"], "id_number_encrypted": next(id_tokens),
                    "id_number_hash": payload["id_number_hash"], "id_number_masked": mask_id_number(number),
                    "birth_date": payload["birth_date"], "gender": payload["gender"],
                    "position": payload["position"], "start_date": payload["start_date"],
                })  # fmt: skip
            else:
                row["person_id"] = payload["person_id"]
            for key in JOB_KEYS:
                if payload.get(key) is not None:
                    row[key] = payload[key]
            if payload[ACTION_KEY] == UPDATE and payload.get("level_id"):
                row["start_date"] = payload["start_date"]
            prepared.append(row)
        return prepared

    # --- at commit: what changed in the registry since the preview

    def recheck(self, batch, *, actor: Actor, since):
        """One join of the staged rows with the registry on the ID number's hash: a person registered since
        the preview (a create: refused, or skipped in skip mode), a person to update who changed after the
        preview started or is gone, or is no longer the importer's to change (refused)."""
        connection = bulk.connection_for(Person)
        quote = connection.ops.quote_name
        staged, persons = quote(ImportStagedRow._meta.db_table), quote(Person._meta.db_table)
        sql = (
            f"SELECT s.row_number, s.action, p.id, CASE WHEN p.updated_at > %s THEN 1 ELSE 0 END "  # noqa: S608
            f"FROM {staged} s LEFT JOIN {persons} p ON p.id_number_hash = s.lookup "
            f"WHERE s.batch_id = %s AND (p.id IS NOT NULL OR s.action = %s) ORDER BY s.row_number"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [connection.ops.adapt_datetimefield_value(since), batch.pk, UPDATE])
            found = cursor.fetchall()
        to_update: dict[int, int] = {}
        for number, action, person_id, changed in found:
            if action == CREATE:
                if batch.mode == SKIP:
                    yield Outcome(number, payload={ACTION_KEY: SKIP})
                elif batch.mode == UPDATE:
                    yield Outcome(number, errors=(_cell_error(ID_NUMBER, _(
                        "该证件号码在预览后已被登记，本行未导入；如需更新其信息，请重新上传"
                    )),))  # fmt: skip
                else:
                    yield Outcome(number, errors=(_cell_error(ID_NUMBER, ALREADY_REGISTERED),))
            elif person_id is None or changed:
                yield Outcome(number, errors=(_cell_error(ID_NUMBER, _(
                    "该人员的信息在预览后已被修改或删除，本行未更新；请重新上传以重新校验"
                )),))  # fmt: skip
            else:
                to_update[person_id] = number
        ids = sorted(to_update)
        may_change = scoping.may(actor, Person, "change")
        for start in range(0, len(ids), WRITE_CHUNK):
            chunk = ids[start : start + WRITE_CHUNK]
            allowed = set()
            if may_change:
                allowed = set(
                    scoping.visible_to(actor, Person, "change")
                    .filter(pk__in=chunk)
                    .values_list("pk", flat=True)
                )
            for pk in chunk:
                if pk not in allowed:
                    yield Outcome(to_update[pk], errors=(_cell_error(ID_NUMBER, NOT_CHANGEABLE),))

    # --- publication: inside the machinery's one transaction

    def publish(self, batch, rows, *, actor: Actor) -> PublishResult:
        employer_id = self.employer_for(actor, batch.options)
        result = PublishResult()
        probe: list[int] = []
        iterator = iter(rows)
        while chunk := list(itertools.islice(iterator, WRITE_CHUNK)):
            creates = [(number, payload) for number, payload in chunk if payload[ACTION_KEY] == CREATE]
            updates = [payload for _number, payload in chunk if payload[ACTION_KEY] == UPDATE]
            creates, skipped = self.drop_registered_meanwhile(creates, batch.mode)
            result.skipped += skipped
            ids, employment_ids = bulk_writes.register_persons_bulk(
                actor=actor,
                rows=[payload for _n, payload in creates],
                employer_id=employer_id,
                with_employments=True,
            )
            result.created += len(ids)
            probe += ids[:1] + ids[-1:]
            bulk_writes.declare_levels_bulk(actor=actor, entries=[
                (person_id, payload["occupation_id"], payload["level_id"], payload["start_date"], employment_id)
                for person_id, employment_id, (_n, payload) in zip(ids, employment_ids, creates, strict=True)
                if employment_id is not None and payload.get("level_id")
            ])  # fmt: skip
            result.updated += bulk_writes.update_persons_bulk(actor=actor, rows=updates)
            bulk_writes.declare_levels_for_updates(actor=actor, employer_id=employer_id, rows=[
                payload for payload in updates if payload.get("level_id")
            ])  # fmt: skip
        # The new persons must be in the importer's scope (an employer sees its own employees); every row was
        # written the same way, so the first and last of each chunk stand for all.
        probe = sorted(set(probe))
        if probe and scoping.visible_to(actor, Person).filter(pk__in=probe).count() != len(probe):
            raise DomainError(RegistryError.OUT_OF_SCOPE, _("导入的人员不在您的管辖范围内，未导入任何数据"))
        return result

    def employer_for(self, actor: Actor, options: dict) -> int | None:
        if actor.role == Role.EMPLOYER:
            return actor.organisation_id
        employer_id = options.get("employer_id")
        if employer_id is None:
            return None
        employer = (
            scoping.visible_to(actor, Organisation).filter(pk=employer_id, kinds__code="employer").first()
        )
        if employer is None:
            raise DomainError(RegistryError.EMPLOYER_KIND, _("只能登记在用人单位"))
        return employer.pk

    def drop_registered_meanwhile(self, creates, mode: str):
        """Someone may have registered one of these persons since the rows were checked: skip them in skip
        mode, else publish nothing (the unique hash would refuse them anyway)."""
        hashes = [payload["id_number_hash"] for _n, payload in creates]
        taken = set(registered(hashes))
        if not taken:
            return creates, 0
        if mode == SKIP:
            return [(n, p) for n, p in creates if p["id_number_hash"] not in taken], len(taken)
        row = next(n for n, p in creates if p["id_number_hash"] in taken)
        raise DomainError(
            RegistryError.DUPLICATE_ID,
            format_lazy(
                _("第 {row} 行的证件号码在导入期间已被登记，未导入任何数据；请重新上传以重新校验"), row=row
            ),
        )


JOB_KEYS = ("employer_id", "occupation_id", "work_type_id", "level_id")


@dataclass
class RosterContext:
    """What the job columns are checked against, read once per file: the employers the importer may name
    (an employer: itself alone; the city: the employers in its scope, by name, short name or 统一社会信用代码),
    the occupations (names, codes, earlier names), their work types and the ladder."""

    own_employer: int | None = None
    employers: dict | None = None
    occupations: dict | None = None
    work_types: dict | None = None
    work_type_owners: dict | None = None
    levels: dict | None = None
    offered: set | None = None
    occupation_names: dict | None = None

    @classmethod
    def build(cls, actor: Actor, options: dict) -> RosterContext:
        from talentbase.catalog.models import Occupation

        employers: dict[str, int] = {}
        queryset = scoping.visible_to(actor, Organisation).filter(kinds__code="employer")
        if actor.role == Role.EMPLOYER:
            queryset = queryset.filter(pk=actor.organisation_id)
        for pk, name, short_name, credit_code in queryset.values_list(
            "pk", "name", "short_name", "credit_code"
        ):
            for text in (name, short_name, credit_code):
                if text:
                    employers.setdefault(normalise_choice(text), pk)
        work_types = lookups.work_type_lookup()
        owners: dict[str, set] = {}
        for (occupation_id, name), pk in work_types.items():
            owners.setdefault(name, set()).add((occupation_id, pk))
        return cls(
            own_employer=actor.organisation_id if actor.role == Role.EMPLOYER else options.get("employer_id"),
            employers=employers, occupations=lookups.occupation_lookup(), work_types=work_types,
            work_type_owners=owners, levels=lookups.level_lookup(),
            offered=set(Occupation.levels.through.objects.values_list("occupation_id", "level_id")),
            occupation_names=dict(Occupation.objects.values_list("pk", "name")),
        )  # fmt: skip

    def check_job(self, employer_text, occupation_text, work_type_text, level_text, errors, warnings) -> dict:
        """The employment's employer, occupation and work type, and the declared level, of one row."""
        job: dict = {}
        if employer_text and self.employers is not None:
            employer_id = self.employers.get(normalise_choice(employer_text))
            if employer_id is None:
                errors.append(_cell_error(EMPLOYER, format_lazy(
                    _("“{value}”不是本单位，也不是您可导入的用人单位：请填写本单位的全称或统一社会信用代码"),
                    value=employer_text[:50])))  # fmt: skip
            else:
                job["employer_id"] = employer_id
        occupation_id = work_type_id = None
        if occupation_text and self.occupations is not None:
            bracketed = BRACKETED.match(occupation_text)
            if bracketed and not work_type_text:
                work_type_text = bracketed["work_type"].strip()
            occupation_id = self.occupations.get(lookups.name_key(occupation_text))
            if occupation_id is None and not bracketed:
                # Only a work type named: its occupation, when one occupation has it.
                owners = self.work_type_owners.get(normalise_choice(occupation_text), set())
                if len(owners) == 1:
                    ((occupation_id, work_type_id),) = owners
                    work_type_text = ""
            if occupation_id is None:
                errors.append(_cell_error(OCCUPATION, format_lazy(
                    _("职业“{value}”不在职业目录中：请填写目录中的职业名称或编码"), value=occupation_text[:50])))  # fmt: skip
        if work_type_text and self.work_types is not None:
            if occupation_id is None and not occupation_text:
                errors.append(_cell_error(WORK_TYPE, _("填写工种时请同时填写职业")))
            elif occupation_id is not None:
                work_type_id = self.work_types.get((occupation_id, normalise_choice(work_type_text)))
                if work_type_id is None:
                    errors.append(_cell_error(WORK_TYPE, format_lazy(
                        _("工种“{value}”不是职业“{occupation}”下的工种：请从职业目录的工种中选择"),
                        value=work_type_text[:50], occupation=self.occupation_names.get(occupation_id, ""))))  # fmt: skip
        if level_text and self.levels is not None:
            level = self.levels.get(normalise_choice(level_text))
            if level is None:
                errors.append(_cell_error(LEVEL, format_lazy(
                    _("“{value}”不是技能等级：请填写{levels}之一"), value=level_text[:20],
                    levels="、".join(lv.name for lv in sorted(set(self.levels.values()), key=lambda lv: lv.rank)))))  # fmt: skip
            elif not occupation_text:
                errors.append(_cell_error(LEVEL, _("填写技能等级时请同时填写职业")))
            elif occupation_id is not None:
                job["level_id"] = level.pk
                if (occupation_id, level.pk) not in self.offered:
                    warnings.append(_cell_error(LEVEL, format_lazy(
                        _("职业“{occupation}”未设置“{level}”：请核对"),
                        occupation=self.occupation_names.get(occupation_id, ""), level=level.name)))  # fmt: skip
        if (occupation_text or level_text) and not job.get("employer_id") and self.own_employer is None:
            if self.employers is not None:
                errors.append(
                    _cell_error(EMPLOYER, _("填写职业或技能等级时请填写工作单位，或在上传时选择用人单位"))
                )
        if occupation_id is not None:
            job["occupation_id"] = occupation_id
        if work_type_id is not None:
            job["work_type_id"] = work_type_id
        return job
