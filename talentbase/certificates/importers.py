"""Numbers the HR system assigned, imported back (issue 15, 9): one row per certificate awaiting its number,
found by admission ticket. The preview catches every conflict before anything is saved — an unknown
candidate, a candidate with no certificate awaiting (failed, or numbered already), a number in the wrong
format for the certificate's year and level, a number taken (in the registry, or twice in the file), an ID
number that is not the candidate's."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from talentbase.core import scoping
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.imports.columns import Column
from talentbase.core.imports.machinery import (
    ACTION_KEY,
    CREATE,
    Importer,
    PublishResult,
    checked_in_chunks,
    outcomes,
    register,
)
from talentbase.core.roles import Role
from talentbase.registry.identity import IdNumberError, IdType, check_id_number
from talentbase.registry.protection import id_number_hash

from . import issuing
from .errors import CertificateError
from .models import Certificate, CertificateStatus

TICKET = Column("ticket", _("准考证号"), required=True, text=True, width=18, aliases=("准考证", "ticket"))
ID_NUMBER = Column("id_number", _("证件号码"), text=True, width=22, aliases=("身份证号", "身份证号码", "id number"),
                   help_text=_("可不填；填写时须与考生一致"))  # fmt: skip
NUMBER = Column("number", _("证书编号"), required=True, text=True, width=26, aliases=("证书号", "number"))



def sessions_awaiting(actor: Actor):
    from talentbase.evaluation.models import EvaluationSession

    awaiting = Certificate.objects.filter(status=CertificateStatus.AWAITING_NUMBER).values("session_id")  # unscoped: a subquery of the sessions scoped below
    return scoping.visible_to(actor, EvaluationSession.objects.filter(pk__in=awaiting))


@register
class NumberImporter(Importer):
    kind = "certificates.numbers"
    label = _("人社系统证书编号")
    columns = [TICKET, ID_NUMBER, NUMBER]
    roles = frozenset({Role.HR, Role.EVALUATION, Role.ASSOCIATION})
    url_prefix = "certificates:number-import"
    template_filename = "certificate-number-import-template.xlsx"

    def may_import(self, actor: Actor) -> bool:
        return super().may_import(actor) and scoping.may(actor, Certificate, "change")

    def option_fields(self, actor: Actor) -> dict:
        return {"session": forms.ModelChoiceField(label=_("考评批次"), queryset=sessions_awaiting(actor))}

    def clean_options(self, actor: Actor, data: dict) -> dict:
        return {"session_id": data["session"].pk}

    def upload_help(self) -> str:
        return _("先选择考评批次并上传人社系统返回的编号表：系统逐行校验（准考证号、是否待编号、编号格式与年份等级、是否已被使用、证件号码），显示预览后由您确认提交；提交前不会写入任何数据。")

    def instructions(self) -> list[str]:
        return [_("每行一张待编号的证书，按准考证号对应；证书编号 22 位，须与发证年份和等级一致。")]

    def validate(self, rows, *, actor: Actor, mode: str, options: dict):
        from talentbase.evaluation.models import Application

        session = sessions_awaiting(actor).filter(pk=options["session_id"]).first()
        if session is None:
            raise DomainError(CertificateError.NOT_AWAITING, _("该批次没有待编号的证书"))
        # unscoped: the session's own candidates and certificates, for its institution or HR (scoped above)
        candidates = {ticket: (pk, key) for pk, ticket, key in Application.objects.filter(session=session)
                      .values_list("pk", "ticket", "person__id_number_hash")}  # fmt: skip
        found = Certificate.objects.filter(session=session).select_related("level")  # unscoped: as above
        certificates = {c.application_id: c for c in found}

        def check(cells):
            ticket_text, id_text, number_text = cells
            candidate = candidates.get((ticket_text or "").strip())
            if candidate is None:
                return [TICKET.error(_("本批次没有该准考证号的考生"))], None
            application_id, key = candidate
            errors = []
            if (id_text or "").strip():
                try:
                    number = check_id_number(IdType.RIC, id_text).number
                    if id_number_hash(IdType.RIC, number) != key:
                        errors.append(ID_NUMBER.error(_("证件号码与该准考证号的考生不符")))
                except IdNumberError as error:
                    errors.append(ID_NUMBER.error(error.message))
            certificate = certificates.get(application_id)
            if certificate is None:
                return [*errors, TICKET.error(_("该考生没有取得证书（不合格或尚未发证），不能登记编号"))], None
            if certificate.status != CertificateStatus.AWAITING_NUMBER:
                return [*errors, NUMBER.error(_("该证书已有编号"))], None
            try:
                number = issuing.check_assigned_number(number_text, certificate)
            except DomainError as error:
                return [*errors, NUMBER.error(error.message)], None
            return errors, {ACTION_KEY: CREATE, "certificate_id": certificate.pk, "number": number}

        chunks = checked_in_chunks(
            rows, chunk_size=self.chunk_size, key=lambda payload: payload["number"], check=check,
            duplicate=lambda row: NUMBER.error(format_lazy(_("与第 {row} 行的证书编号重复"), row=row)),
        )  # fmt: skip
        for checked, late in chunks:
            yield from outcomes(checked)
            yield from late

    def publish(self, batch, rows, *, actor: Actor) -> PublishResult:
        result = PublishResult()
        for _number, payload in rows:
            issuing.assign_number(actor=actor, certificate=Certificate(pk=payload["certificate_id"]),
                                  number=payload["number"])  # fmt: skip
            result.created += 1
        return result
