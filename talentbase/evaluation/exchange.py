"""Exchange with the HR department's system (issue 15, 9): a session's candidate table and its results and
certificate table exported in the HR layout (``ExchangeLayout``: columns and their order as data), the
upload recorded (it closes registration), and the numbers the HR system assigned imported back
(``certificates.numbers`` in evaluation/importers.py: a preview catches every conflict first)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentbase.core import audit, scoping, workflow
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.registry.protection import reveal_id_number

from .errors import EvaluationError
from .models import Application, EvaluationSession, ExchangeLayout, LayoutKind

# Every field a layout may name, and how to read it from an application, its certificate (if any), its
# session and its result (pass, fail or pending).
FIELDS = {
    "name": lambda a, c, s, r: a.person.full_name,
    "id_type": lambda a, c, s, r: a.person.get_id_type_display(),
    "id_number": lambda a, c, s, r: reveal_id_number(a.person),
    "gender": lambda a, c, s, r: a.person.get_gender_display(),
    "birth_date": lambda a, c, s, r: a.person.birth_date,
    "education": lambda a, c, s, r: a.person.get_education_display(),
    "employer": lambda a, c, s, r: a.employer.name if a.employer else "",
    "occupation_code": lambda a, c, s, r: s.occupation.code,
    "occupation_name": lambda a, c, s, r: s.occupation.name,
    "level_number": lambda a, c, s, r: s.level.national_number,
    "level_name": lambda a, c, s, r: s.level.name,
    "ticket": lambda a, c, s, r: a.ticket,
    "kind": lambda a, c, s, r: a.get_kind_display(),
    "theory": lambda a, c, s, r: _score(a, "theory"),
    "practical": lambda a, c, s, r: _score(a, "practical"),
    "review": lambda a, c, s, r: _score(a, "review"),
    "result": lambda a, c, s, r: {"pass": _("合格"), "fail": _("不合格")}.get(r, _("待定")),
    "certificate_number": lambda a, c, s, r: (c.number or "") if c else "",
    "issued_on": lambda a, c, s, r: c.issued_on if c else "",
    "institution": lambda a, c, s, r: s.institution.name,
    "site_serial": lambda a, c, s, r: s.filing.site_serial,
}

DEFAULT_LAYOUTS = {
    LayoutKind.CANDIDATES: [["姓名", "name"], ["证件类型", "id_type"], ["证件号码", "id_number"], ["性别", "gender"],
                            ["出生日期", "birth_date"], ["文化程度", "education"], ["工作单位", "employer"],
                            ["职业编码", "occupation_code"], ["职业名称", "occupation_name"], ["申报等级", "level_number"],
                            ["准考证号", "ticket"], ["申报方式", "kind"]],
    LayoutKind.RESULTS: [["准考证号", "ticket"], ["姓名", "name"], ["证件号码", "id_number"], ["职业编码", "occupation_code"],
                         ["等级", "level_number"], ["理论知识成绩", "theory"], ["操作技能成绩", "practical"],
                         ["综合评审成绩", "review"], ["评定结果", "result"], ["证书编号", "certificate_number"],
                         ["发证日期", "issued_on"], ["评价机构", "institution"], ["机构序号", "site_serial"]],
}  # fmt: skip

audit.register_verb("hr_export", gettext_lazy("导出人社系统交换表"))


def _score(application, part):
    for score in application.scores.all():
        if score.part == part:
            return _("缺考") if score.absent else score.value
    return ""


def layout(kind: str) -> list[list[str]]:
    # unscoped: reference data
    row = ExchangeLayout.objects.filter(kind=kind).first()
    columns = row.columns if row else DEFAULT_LAYOUTS[kind]
    return [[header, field] for header, field in columns if field in FIELDS]


def table(*, actor: Actor, session: EvaluationSession, kind: str) -> tuple[list[str], list[list]]:
    """The table in the HR layout, with the full ID numbers the HR system needs: for the session's institution
    and HR only, and audited as an export of personal data."""
    from talentbase.core.roles import Role

    session = scoping.get_for(actor, EvaluationSession.objects.select_related("occupation", "level", "institution",
                                                                               "filing"), session.pk, "view")  # fmt: skip
    if not (actor.role == Role.HR or session.institution_id == actor.organisation_id):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    from . import scoring

    results = scoring.results(session)
    columns = layout(kind)
    states = ["submitted", "accepted"] if kind == LayoutKind.CANDIDATES else ["accepted"]
    # unscoped: the session's own candidates, for its institution or HR (checked above)
    applications = (Application.objects.filter(session=session, state__in=states).select_related("person", "employer")
                    .prefetch_related("scores").order_by("ticket"))  # fmt: skip
    certificates = {}
    if kind == LayoutKind.RESULTS:
        from talentbase.certificates.models import Certificate

        certificates = {c.application_id: c for c in Certificate.objects.filter(session=session)}  # unscoped: as above
    rows = [[FIELDS[field](a, certificates.get(a.pk), session, results.get(a.pk)) for _header, field in columns]
            for a in applications]  # fmt: skip
    audit.record_audit(actor=actor, verb="hr_export", obj=session, changes={"table": kind, "rows": len(rows)})
    return [header for header, _field in columns], rows


@transaction.atomic
def record_upload(*, actor: Actor, session: EvaluationSession, comment: str = "") -> EvaluationSession:
    """The candidate table was uploaded to the HR system: registration closes."""
    workflow.take_transition(session, "record_upload", actor=actor, comment=comment,
                             changes={"uploaded_at": timezone.now()})  # fmt: skip
    return session


def ready_to_upload(session: EvaluationSession, actor: Actor) -> None:
    # unscoped: the session's own candidates
    if not Application.objects.filter(session=session, state="accepted").exists():
        raise DomainError(EvaluationError.NOT_A_CANDIDATE, _("尚无已受理的考生，无需报送"))
