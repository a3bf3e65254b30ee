"""An employer's batch application (单位批量申报): one row per staff member for one open session, checked as a
single application is — the ID number and name against the registry, current employment at the employer,
one application per person and session, the institution type, and eligibility computed from the registry
with a refusal that names the rule — and published with admission tickets in one transaction."""

from __future__ import annotations

import itertools

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from talentbase.core import scoping
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.imports.columns import Column, normalise_choice
from talentbase.core.imports.machinery import (
    ACTION_KEY,
    CREATE,
    LOOKUP_KEY,
    Importer,
    Outcome,
    PublishResult,
    checked_in_chunks,
    outcomes,
    register,
)
from talentbase.core.imports.models import ImportStagedRow
from talentbase.core.roles import Role
from talentbase.registry.identity import (
    IdNumberError,
    IdType,
    check_id_number,
    normalise_name,
    today_in_china,
)
from talentbase.registry.importers import ID_NUMBER, ID_TYPE, NAME, registered
from talentbase.registry.models import Employment, Person
from talentbase.registry.protection import id_number_hash

from .applications import MIN_EVIDENCE, _ticket, registration_open
from .eligibility import Checker
from .errors import EvaluationError
from .models import Application, ApplicationChannel, ApplicationKind, EvaluationSession, Score, SessionState

KIND = Column(
    "kind", _("申报方式"), width=12, aliases=("申报类型", "kind"), choices=ApplicationKind.choices,
    choice_aliases={"正常": "regular", "普通": "regular", "直认": "direct"}, help_text=_("不填为正常申报"),
)  # fmt: skip
WAIVED = Column("waived", _("突破的限制"), width=16, aliases=("直接认定突破的限制", "waived"),
                help_text=_("直接认定填写：学历、工作年限、年龄（可多项，用顿号分隔）"))  # fmt: skip
EVIDENCE = Column("evidence", _("业绩材料"), width=40, aliases=("业绩", "performance evidence"),
                  help_text=_("直接认定填写"))  # fmt: skip
COLUMNS = [NAME, ID_TYPE, ID_NUMBER, KIND, WAIVED, EVIDENCE]

WAIVER_NAMES = {normalise_choice(text): code for code, texts in
                (("education", ("学历", "education")), ("years", ("工作年限", "年限", "资历", "years")),
                 ("age", ("年龄", "age"))) for text in texts}  # fmt: skip
SEPARATORS = "、,，;；/ "



def open_sessions(actor: Actor):
    return scoping.visible_to(actor, EvaluationSession.objects.filter(state=SessionState.REGISTRATION)
                              .select_related("occupation", "level"))  # fmt: skip


@register
class ApplicationImporter(Importer):
    kind = "evaluation.applications"
    label = _("评价申报")
    columns = COLUMNS
    roles = frozenset({Role.EMPLOYER})
    url_prefix = "evaluation:application-import"
    template_filename = "application-import-template.xlsx"

    def option_fields(self, actor: Actor) -> dict:
        return {"session": forms.ModelChoiceField(label=_("考评批次"), queryset=open_sessions(actor))}

    def clean_options(self, actor: Actor, data: dict) -> dict:
        return {"session_id": data["session"].pk}

    def upload_help(self) -> str:
        return _("先选择考评批次并上传名单：系统逐行校验（证件号码与姓名、是否本单位在职、是否已申报、申报条件），显示预览后由您确认提交；提交前不会写入任何数据。")

    def instructions(self) -> list[str]:
        return [
            _("每行一名本单位在职人员；同一人在文件中只能出现一次。"),
            _("申报条件按人员在登记库中的等级、从业年限、学历和职称计算；不符合的行列为错误，并写明所缺条件。"),
            _("直接认定须填写突破的限制和业绩材料。"),
        ]

    def session(self, actor: Actor, options: dict) -> EvaluationSession:
        try:
            return open_sessions(actor).get(pk=options["session_id"])
        except EvaluationSession.DoesNotExist:
            raise DomainError(EvaluationError.REGISTRATION_CLOSED, _("该批次已不在报名中")) from None

    # --- validation

    def validate(self, rows, *, actor: Actor, mode: str, options: dict):
        session = self.session(actor, options)
        context = {"today": today_in_china(), "id_types": ID_TYPE.choice_lookup(), "kinds": KIND.choice_lookup()}
        chunks = checked_in_chunks(
            rows, chunk_size=self.chunk_size, key=lambda payload: payload["id_number_hash"],
            check=lambda cells: self.check_row(cells, context),
            duplicate=lambda row: ID_NUMBER.error(format_lazy(_("与第 {row} 行的证件号码重复"), row=row)),
        )  # fmt: skip
        for checked, late in chunks:
            self.compare_with_registry(checked, actor=actor, session=session, today=context["today"])
            yield from outcomes(checked)
            yield from late

    def check_row(self, cells, context) -> tuple[list, dict | None]:
        name_text, type_text, id_text, kind_text, waived_text, evidence_text = cells
        errors: list[tuple[str, str]] = []
        name = normalise_name(name_text)
        if not name:
            errors.append(NAME.error(_("请填写姓名")))
        id_type = IdType.RIC
        if type_text:
            id_type = context["id_types"].get(normalise_choice(type_text))
            if id_type is None:
                errors.append(ID_TYPE.error(format_lazy(_("“{value}”无法识别"), value=type_text)))
        number = None
        if id_type is not None:
            try:
                number = check_id_number(id_type, id_text, today=context["today"]).number
            except IdNumberError as error:
                errors.append(ID_NUMBER.error(error.message))
        kind = ApplicationKind.REGULAR
        if (kind_text or "").strip():
            kind = context["kinds"].get(normalise_choice(kind_text))
            if kind is None:
                errors.append(KIND.error(format_lazy(_("“{value}”无法识别"), value=kind_text)))
        waived: list[str] = []
        for part in _split(waived_text):
            code = WAIVER_NAMES.get(normalise_choice(part))
            if code is None:
                errors.append(WAIVED.error(format_lazy(_("“{value}”不是可突破的限制（学历、工作年限、年龄）"), value=part)))
            elif code not in waived:
                waived.append(code)
        evidence = (evidence_text or "").strip()
        if kind == ApplicationKind.DIRECT:
            if not waived:
                errors.append(WAIVED.error(_("直接认定须填写突破的限制")))
            if len(evidence) < MIN_EVIDENCE:
                errors.append(EVIDENCE.error(format_lazy(_("直接认定须填写业绩材料（至少 {n} 个字）"), n=MIN_EVIDENCE)))
        elif waived:
            errors.append(WAIVED.error(_("正常申报不能突破限制；直接认定请在“申报方式”中填写")))
        if errors or number is None:
            return errors, None
        return errors, {
            ACTION_KEY: CREATE, "full_name": name, "id_number_hash": id_number_hash(id_type, number), "kind": kind,
            "waived": sorted(waived), "evidence": evidence[:4000],
        }  # fmt: skip

    def compare_with_registry(self, checked, *, actor: Actor, session: EvaluationSession, today) -> None:
        """Per chunk: who is registered under these numbers and with which name, who works at the employer
        now, who has applied already; then eligibility, person by person."""
        valid = [(errors, p) for _n, errors, p, _w in checked if p and not errors]
        if not valid:
            return
        persons = registered([p["id_number_hash"] for _e, p in valid])
        ids = list(persons.values())
        # unscoped: the names and employment of the persons the file names, compared and never shown
        names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "full_name"))
        current = Employment.objects.filter(end_date__isnull=True)  # unscoped: as above
        staff = set(current.filter(person_id__in=ids, employer_id=actor.organisation_id).values_list("person_id", flat=True))
        at_institution = staff
        if session.filing.institution_type == "Y" and session.institution_id != actor.organisation_id:
            at_institution = set()
        standing = Application.objects.exclude(state="withdrawn")  # unscoped: the one-per-session rule
        applied = set(standing.filter(session=session, person_id__in=ids).values_list("person_id", flat=True))
        checker = Checker(session.version, session.level)
        for errors, payload in valid:
            person_id = persons.get(payload["id_number_hash"])
            if person_id is None:
                errors.append(ID_NUMBER.error(_("该人员尚未登记：请先在花名册中登记")))
                continue
            if normalise_name(names.get(person_id, "")) != payload["full_name"]:
                errors.append(NAME.error(_("姓名与登记库中该证件号码的姓名不符")))
                continue
            if person_id not in staff:
                errors.append(ID_NUMBER.error(_("不是本单位在职人员")))
                continue
            if person_id not in at_institution:
                errors.append(ID_NUMBER.error(_("用人单位评价机构只评价本单位职工")))
                continue
            if person_id in applied:
                errors.append(ID_NUMBER.error(_("已申报本批次")))
                continue
            result = checker.check(person_id, today, waived=payload["waived"])
            if not result.eligible:
                errors.append(ID_NUMBER.error(format_lazy(_("不符合申报条件：{why}"), why=result.refusal())))
                continue
            payload.update({"person_id": person_id, "eligible_by_id": result.met.pk,
                            "eligibility_note": result.met.description[:500], LOOKUP_KEY: str(person_id)})  # fmt: skip

    def recheck(self, batch, *, actor: Actor, since):
        """Persons who applied to the session (on a page, by themselves) after the preview started."""
        session_id = batch.options["session_id"]
        staged = ImportStagedRow.objects.filter(batch=batch)  # unscoped: this batch's own staged rows
        standing = Application.objects.exclude(state="withdrawn")  # unscoped: the one-per-session rule
        applied = set(standing.filter(session_id=session_id, created_at__gte=since).values_list("person_id", flat=True))
        for row_number, lookup in staged.values_list("row_number", "lookup"):
            if lookup and int(lookup) in applied:
                yield Outcome(row_number, errors=(ID_NUMBER.error(_("已申报本批次")),))

    # --- publication, inside the machinery's one transaction

    def publish(self, batch, rows, *, actor: Actor) -> PublishResult:
        session = scoping.get_for(actor, EvaluationSession.objects.select_for_update(), batch.options["session_id"], "view")
        today = today_in_china()
        registration_open(session, today)
        result = PublishResult()
        iterator = iter(rows)
        while chunk := list(itertools.islice(iterator, 2000)):
            applications = []
            for _number, payload in chunk:
                application = Application(
                    session=session, person_id=payload["person_id"], employer_id=actor.organisation_id,
                    kind=payload["kind"], channel=ApplicationChannel.BATCH, applied_on=today,
                    eligible_by_id=payload["eligible_by_id"], eligibility_note=payload["eligibility_note"],
                    waived=payload["waived"], performance_evidence=payload["evidence"], created_by=actor.user,
                )  # fmt: skip
                applications.append(application)
            first = _ticket(session)
            serial = int(first[-4:])
            for offset, application in enumerate(applications):
                application.ticket = f"{first[:-4]}{serial + offset:04d}"
            Application.objects.bulk_create(applications)
            result.created += len(applications)
        return result


def _split(text: str) -> list[str]:
    parts = [text or ""]
    for separator in SEPARATORS:
        parts = [piece for part in parts for piece in part.split(separator)]
    return [part for part in parts if part.strip()]


# --- Scores (成绩导入): one row per candidate of one session being examined, found by admission ticket.

TICKET = Column("ticket", _("准考证号"), required=True, text=True, width=18, aliases=("准考证", "ticket"))
CANDIDATE = Column("name", _("姓名"), width=10, aliases=("考生姓名", "name"))
THEORY = Column("theory", _("理论知识考试"), width=12, aliases=("理论", "理论成绩", "理论知识", "theory"),
                help_text=_("0–100，或填“缺考”；不填表示不录入"))  # fmt: skip
PRACTICAL = Column("practical", _("操作技能考核"), width=12, aliases=("操作", "操作成绩", "技能", "practical"))
REVIEW = Column("review", _("综合评审"), width=12, aliases=("评审", "评审成绩", "review"))
REASON = Column("reason", _("修改原因"), width=20, aliases=("原因", "reason"), help_text=_("修改已录入的成绩时必填"))


def examining_sessions(actor: Actor):
    return scoping.visible_to(actor, EvaluationSession.objects.filter(state=SessionState.EXAMINING), "change")


@register
class ScoreImporter(Importer):
    kind = "evaluation.scores"
    label = _("成绩")
    columns = [TICKET, CANDIDATE, THEORY, PRACTICAL, REVIEW, REASON]
    roles = frozenset({Role.EVALUATION, Role.ASSOCIATION})
    url_prefix = "evaluation:score-import"
    template_filename = "score-import-template.xlsx"

    def option_fields(self, actor: Actor) -> dict:
        return {"session": forms.ModelChoiceField(label=_("考评批次"), queryset=examining_sessions(actor))}

    def clean_options(self, actor: Actor, data: dict) -> dict:
        return {"session_id": data["session"].pk}

    def upload_help(self) -> str:
        return _("先选择考评批次并上传成绩表：系统逐行校验（准考证号与姓名、成绩范围、先理论后操作、修改须填原因），显示预览后由您确认提交；提交前不会写入任何数据。")

    def instructions(self) -> list[str]:
        return [_("每行一名考生，按准考证号对应；成绩为 0 至 100 的数字（最多一位小数），或“缺考”。"),
                _("已录入的成绩如需修改，请在“修改原因”中写明；修改会记入审计日志。")]  # fmt: skip

    def session(self, actor: Actor, options: dict) -> EvaluationSession:
        try:
            return examining_sessions(actor).get(pk=options["session_id"])
        except EvaluationSession.DoesNotExist:
            raise DomainError(EvaluationError.NOT_EXAMINING, _("该批次不在考评阶段，不能导入成绩")) from None

    def validate(self, rows, *, actor: Actor, mode: str, options: dict):
        from .scoring import parse_score, parts_of, version_level

        session = self.session(actor, options)
        rules = version_level(session)
        parts = parts_of(session, rules)
        # unscoped: the session's own candidates and scores, checked by the institution that runs it
        candidates = {ticket: (pk, name) for pk, ticket, name in Application.objects.filter(
            session=session, state="accepted").values_list("pk", "ticket", "person__full_name")}
        existing: dict[int, dict] = {}
        for application_id, part, value, absent in Score.objects.filter(application__session=session).values_list(
                "application_id", "part", "value", "absent"):  # unscoped: as above
            existing.setdefault(application_id, {})[part] = (value, absent)
        columns = {"theory": THEORY, "practical": PRACTICAL, "review": REVIEW}

        def check(cells):
            ticket_text, name_text, theory_text, practical_text, review_text, reason_text = cells
            errors: list[tuple[str, str]] = []
            ticket = (ticket_text or "").strip()
            found = candidates.get(ticket)
            if found is None:
                return [TICKET.error(_("本批次没有该准考证号的已受理考生"))], None
            application_id, name = found
            if name_text and normalise_name(name_text) != normalise_name(name):
                errors.append(CANDIDATE.error(_("姓名与该准考证号的考生不符")))
            values = {}
            for part, text in (("theory", theory_text), ("practical", practical_text), ("review", review_text)):
                if not (text or "").strip():
                    continue
                if part not in parts:
                    errors.append(columns[part].error(_("该等级没有此考核科目")))
                    continue
                try:
                    number, absent = parse_score(text)
                except DomainError as error:
                    errors.append(columns[part].error(error.message))
                    continue
                values[part] = (number, absent)
            before = existing.get(application_id, {})
            theory = values.get("theory") or before.get("theory")
            theory_ok = theory is not None and not theory[1] and theory[0] is not None and theory[0] >= rules.pass_mark
            if rules.theory_before_practical and not theory_ok:
                for part in ("practical", "review"):
                    if part in values:
                        errors.append(columns[part].error(_("须先通过理论知识考试")))
            changed = [part for part, value in values.items() if part in before and before[part] != value]
            if changed and len((reason_text or "").strip()) < 2:
                errors.append(REASON.error(_("修改已录入的成绩须填写原因")))
            if not values and not errors:
                errors.append(THEORY.error(_("请至少填写一项成绩")))
            return errors, {ACTION_KEY: CREATE, "application_id": application_id, "ticket": ticket,
                            "values": {p: ("缺考" if a else str(n)) for p, (n, a) in values.items()},
                            "reason": (reason_text or "").strip()[:200]}  # fmt: skip

        chunks = checked_in_chunks(
            rows, chunk_size=self.chunk_size, key=lambda payload: payload["ticket"], check=check,
            duplicate=lambda row: TICKET.error(format_lazy(_("与第 {row} 行的准考证号重复"), row=row)),
        )  # fmt: skip
        for checked, late in chunks:
            yield from outcomes(checked)
            yield from late

    def publish(self, batch, rows, *, actor: Actor) -> PublishResult:
        from .scoring import enter_score

        result = PublishResult()
        for _number, payload in rows:
            application = Application(pk=payload["application_id"])
            for part, text in payload["values"].items():
                enter_score(actor=actor, application=application, part=part, value=text,
                            absent=text == "缺考", reason=payload["reason"])  # fmt: skip
            result.created += 1
        return result
