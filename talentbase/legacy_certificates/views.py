"""Pages for certificate records, appointments, workers' reports and a worker's own certificates and levels."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from talentbase.core import scoping
from talentbase.core.navigation import register_menu
from talentbase.core.roles import Role
from talentbase.core.tables import Column
from talentbase.core.views import (
    ActorRequiredMixin,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    TransitionView,
)
from talentbase.registry import levels, queries
from talentbase.registry.models import LevelEntry, Person
from talentbase.registry.sections import register_section

from . import actions, forms
from .models import CertificateRecord, CertificateReport


class RecordListView(ObjectListView):
    model = CertificateRecord
    filterset_class = forms.RecordFilter
    default_ordering = "-issued_on"
    create_url_name = "credentials:record-create"
    export_name = "certificate-records"
    columns = [
        Column("person.full_name", gettext_lazy("持证人")),
        Column("person.id_number_masked", gettext_lazy("证件号码")),
        Column("kind", gettext_lazy("证书类型")),
        Column("number", gettext_lazy("证书编号"), order_by="number", link=True),
        Column("occupation.display_name", gettext_lazy("职业")),
        Column("level", gettext_lazy("等级")),
        Column("issued_on", gettext_lazy("发证日期"), order_by="issued_on"),
        Column("issuer_name", gettext_lazy("发证机构")),
        Column("confirmation", gettext_lazy("核实状态")),
        Column("status", gettext_lazy("状态")),
    ]

    def base_queryset(self):
        return CertificateRecord.objects.select_related("person", "occupation", "level")


class RecordDetailView(ObjectDetailView):
    model = CertificateRecord
    transition_url_name = "credentials:record-action"
    delete_url_name = "credentials:record-delete"
    fields = RecordListView.columns[:4] + [
        Column("occupation", gettext_lazy("职业")),
        Column("occupation_as_written", gettext_lazy("证书上的职业名称")),
        Column("work_type", gettext_lazy("工种")),
        Column("level", gettext_lazy("等级")),
        Column("issued_on", gettext_lazy("发证日期")),
        Column("issuer_name", gettext_lazy("发证机构")),
        Column("evaluator_name", gettext_lazy("评价机构")),
        Column("employer", gettext_lazy("用人单位")),
        Column("confirmation", gettext_lazy("核实状态")),
        Column("status", gettext_lazy("状态")),
        Column("ended_on", gettext_lazy("失效日期")),
        Column("end_reason", gettext_lazy("失效原因")),
        Column("replaced_by", gettext_lazy("换发后的证书")),
        Column("source", gettext_lazy("来源")),
    ]


    template_name = "credentials/record_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        # The holder's page and the report the record came from, each only when the reader sees it (a link
        # that would answer 404 is not offered); the report's photo shows on the record for the reviewer.
        # A role that may never read persons or reports (sector, district) sees the record without them.
        context["holder"] = (
            scoping.visible_to(self.actor, Person).filter(pk=record.person_id).first()
            if scoping.may(self.actor, Person, "view")
            else None
        )
        context["source_reports"] = (
            list(scoping.visible_to(self.actor, CertificateReport).filter(resulting_record=record).order_by("pk"))
            if scoping.may(self.actor, CertificateReport, "view")
            else []
        )
        return context


class RecordActionView(TransitionView):
    """The buttons of a record (confirm, revoke, replace, end an appointment): credentials/workflows.py."""

    model = CertificateRecord


class RecordCreateView(ObjectFormView):
    model = CertificateRecord
    form_class = forms.RecordCreateForm
    title = gettext_lazy("登记证书")

    def perform(self, form, obj):
        return actions.record_certificate(actor=self.actor, **form.cleaned_data)


class AppointView(ObjectFormView):
    model = CertificateRecord
    form_class = forms.AppointmentForm
    title = gettext_lazy("聘任特级技师/首席技师")

    def get_object(self):
        if self.actor.role not in (Role.EMPLOYER, Role.CITY):
            raise PermissionDenied
        return super().get_object()

    def perform(self, form, obj):
        return actions.appoint(actor=self.actor, **form.cleaned_data)


class RecordDeleteView(ObjectDeleteView):
    model = CertificateRecord
    success_url_name = "credentials:record-list"

    def perform(self, obj):
        actions.delete_record(actor=self.actor, record=obj)


# --- Reports


class ReportListView(ObjectListView):
    model = CertificateReport
    filterset_class = forms.ReportFilter
    default_ordering = "-created_at"
    export_name = "certificate-reports"
    columns = [
        Column("person.full_name", gettext_lazy("报告人")),
        Column("kind", gettext_lazy("报告类型"), link=True),
        Column("occupation.display_name", gettext_lazy("职业")),
        Column("level", gettext_lazy("等级")),
        Column("number", gettext_lazy("证书编号")),
        Column("routed_to", gettext_lazy("处理单位")),
        Column("state", gettext_lazy("状态"), order_by="state"),
        Column("created_at", gettext_lazy("报告时间"), order_by="created_at"),
    ]

    def base_queryset(self):
        return CertificateReport.objects.select_related("person", "occupation", "level", "routed_to")


class ReportDetailView(ObjectDetailView):
    model = CertificateReport
    template_name = "credentials/report_detail.html"
    transition_url_name = "credentials:report-action"
    fields = ReportListView.columns + [
        Column("issued_on", gettext_lazy("发证日期")),
        Column("issuer_name", gettext_lazy("发证机构")),
        Column("record", gettext_lazy("有误的证书")),
        Column("description", gettext_lazy("说明")),
        Column("outcome", gettext_lazy("处理结果")),
        Column("resulting_record", gettext_lazy("登记的证书")),
    ]


class ReportCreateView(ObjectFormView):
    model = CertificateReport
    form_class = forms.ReportForm
    title = gettext_lazy("报告缺少或有误的证书")

    def perform(self, form, obj):
        return actions.report_certificate(actor=self.actor, **form.cleaned_data)


class ReportActionView(TransitionView):
    """Resolve, decline or withdraw a report: credentials/workflows.py."""

    model = CertificateReport


class ReportPhotoView(ActorRequiredMixin, View):
    """The photo of a report, decrypted for those who see the report; never cached by the browser."""

    def get(self, request, pk):
        report = scoping.get_for(self.actor, CertificateReport, pk, "view")
        if not report.photo_file:
            return HttpResponse(status=404)
        response = HttpResponse(actions.read_photo(report), content_type=report.photo_type)
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- A worker's own certificates and levels


class MyLevelsView(ActorRequiredMixin, TemplateView):
    """On a phone: the levels per occupation with their history, the certificates with their status, the
    reports and their outcome, and a button to report a missing or wrong certificate."""

    template_name = "credentials/my_levels.html"

    def get_context_data(self, **kwargs):
        scoping.ensure_may(self.actor, CertificateReport, "add")
        context = super().get_context_data(**kwargs)
        person = queries.person_of_user(self.actor.user_id)
        records = reports = []
        history = current = []
        if person is not None:
            records = (
                scoping.visible_to(self.actor, CertificateRecord)
                .filter(person=person)
                .select_related("occupation", "level")
            )
            reports = (
                scoping.visible_to(self.actor, CertificateReport)
                .filter(person=person)
                .select_related("occupation", "level", "routed_to")
            )
            history = levels.level_history(person)
            current = levels.current_of(history)
        context.update({"title": _("我的证书与等级"), "person": person, "records": records, "reports": reports,
                        "history": history, "current": current})  # fmt: skip
        return context


register_menu(
    section="credentials", label=gettext_lazy("证书记录"), url_name="credentials:record-list",
    roles=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EVALUATION, Role.ASSOCIATION, Role.EMPLOYER],
    order=320, icon="award", description=gettext_lazy("已有职业资格、职业技能等级证书与特级技师/首席技师聘任"),
)  # fmt: skip
register_menu(
    section="credentials", label=gettext_lazy("证书问题报告"), url_name="credentials:report-list",
    roles=[Role.CITY, Role.HR, Role.EVALUATION, Role.ASSOCIATION, Role.EMPLOYER], order=330, icon="flag",
    description=gettext_lazy("从业人员报告的缺少或有误的证书"),
    count=lambda actor: actions.open_reports_for(actor).count(),
)  # fmt: skip
register_menu(
    section="credentials", label=gettext_lazy("导入证书"), url_name="credentials:import-list",
    roles=[Role.CITY, Role.HR, Role.EVALUATION, Role.ASSOCIATION, Role.EMPLOYER], order=322, icon="upload",
    description=gettext_lazy("从 Excel 批量登记已有证书"),
)  # fmt: skip
register_menu(
    section="credentials", label=gettext_lazy("聘任特级技师/首席技师"), url_name="credentials:appoint",
    roles=[Role.EMPLOYER, Role.CITY], order=325, icon="person-badge",
    description=gettext_lazy("登记本单位聘任的特级技师、首席技师"),
)  # fmt: skip
register_menu(
    section="credentials", label=gettext_lazy("我的证书与等级"), url_name="credentials:my-levels",
    roles=[Role.WORKER], order=310, icon="award", description=gettext_lazy("证书、技能等级历史，报告缺少的证书"),
)  # fmt: skip


def _levels_context(actor, person) -> dict:
    scoping.ensure_may(actor, LevelEntry, "view")
    history = levels.level_history(person)
    return {"current": levels.current_of(history), "history": history}


register_section(
    key="levels", title=gettext_lazy("技能等级"), template="credentials/sections/levels.html", order=5,
    rows=lambda actor, person: [],
    context=_levels_context,
)  # fmt: skip
register_section(
    key="certificates", title=gettext_lazy("证书"), template="credentials/sections/certificates.html", order=6,
    rows=lambda actor, person: scoping.visible_to(actor, CertificateRecord).filter(person=person)
    .select_related("occupation", "level"),
    context=lambda actor, person: {"can_add": scoping.may(actor, CertificateRecord, "add")},
)  # fmt: skip
