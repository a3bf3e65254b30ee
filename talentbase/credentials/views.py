"""Pages for certificate records, appointments, workers' reports and a worker's own certificates and levels."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from talentbase.catalog.models import CertificateKind
from talentbase.core import scoping
from talentbase.core.errors import DomainError
from talentbase.core.navigation import register_menu
from talentbase.core.roles import Role
from talentbase.core.tables import Column
from talentbase.core.views import (
    ActorRequiredMixin,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectListView,
    apply_domain_error,
)
from talentbase.registry import levels, queries
from talentbase.registry.models import LevelEntry
from talentbase.registry.sections import register_section

from . import actions, forms
from .models import CertificateRecord, CertificateReport, RecordStatus, ReportKind


class RecordListView(ObjectListView):
    model = CertificateRecord
    filterset_class = forms.RecordFilter
    default_ordering = "-issued_on"
    create_url_name = "credentials:record-create"
    export_name = "certificate-records"
    title = gettext_lazy("证书记录")
    columns = [
        Column("person.full_name", gettext_lazy("持证人")),
        Column("person.id_number_masked", gettext_lazy("证件号码")),
        Column("kind", gettext_lazy("证书类型")),
        Column("number", gettext_lazy("证书编号"), order_by="number", link=True),
        Column("occupation.name", gettext_lazy("职业")),
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
    template_name = "credentials/record_detail.html"
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = context["object"]
        may_change = scoping.in_scope(self.actor, record, "change")
        is_appointment = record.kind == CertificateKind.APPOINTMENT
        valid = record.status == RecordStatus.VALID
        issuer_side = may_change and actions.may_confirm(self.actor, record)
        context.update({
            "can_confirm": issuer_side and valid and not record.is_confirmed,
            "can_revoke": issuer_side and valid and not is_appointment,
            "can_replace": issuer_side and valid and not is_appointment,
            "can_end": may_change and valid and is_appointment and self.actor.role in (Role.EMPLOYER, Role.CITY),
            "confirm_form": forms.ConfirmForm(actor=self.actor),
            "revoke_form": forms.RevokeForm(actor=self.actor),
            "replace_form": forms.ReplaceForm(actor=self.actor),
            "end_form": forms.EndAppointmentForm(actor=self.actor),
        })  # fmt: skip
        return context


class RecordActionView(ActorRequiredMixin, View):
    """The buttons of a record: confirm, revoke, replace (reissue), end an appointment."""

    ACTIONS = {
        "confirm": (forms.ConfirmForm, actions.confirm_record, gettext_lazy("已核实")),
        "revoke": (forms.RevokeForm, actions.revoke_record, gettext_lazy("已撤销")),
        "replace": (forms.ReplaceForm, actions.replace_record, gettext_lazy("已登记换发的证书")),
        "end": (forms.EndAppointmentForm, actions.end_appointment, gettext_lazy("聘任已结束")),
    }

    def post(self, request, pk, name):
        if name not in self.ACTIONS:
            return HttpResponse(status=404)
        record = scoping.get_for(self.actor, CertificateRecord, pk, "change")
        form_class, action, done = self.ACTIONS[name]
        form = form_class(request.POST, actor=self.actor)
        if not form.is_valid():
            messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
            return redirect(record.get_absolute_url())
        try:
            result = action(actor=self.actor, record=record, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect(record.get_absolute_url())
        messages.success(request, str(done))
        return redirect(result.get_absolute_url())


class FormPageView(ActorRequiredMixin, TemplateView):
    template_name = "core/object_form.html"
    form_class = None
    title = ""

    def check(self):
        scoping.ensure_may(self.actor, CertificateRecord, "add")

    def render_form(self, form, status=200):
        return self.render_to_response({"form": form, "title": self.title}, status=status)

    def get(self, request, *args, **kwargs):
        self.check()
        return self.render_form(self.form_class(actor=self.actor, **self.form_kwargs()))

    def form_kwargs(self):
        return {}

    def post(self, request, *args, **kwargs):
        self.check()
        form = self.form_class(request.POST, request.FILES, actor=self.actor, **self.form_kwargs())
        if form.is_valid():
            try:
                saved = self.perform(form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已保存"))
                return redirect(saved.get_absolute_url())
        return self.render_form(form, status=400)


class RecordCreateView(FormPageView):
    form_class = forms.RecordCreateForm
    title = gettext_lazy("登记证书")

    def perform(self, values):
        return actions.record_certificate(actor=self.actor, **values)


class AppointView(FormPageView):
    form_class = forms.AppointmentForm
    title = gettext_lazy("聘任特级技师/首席技师")

    def check(self):
        super().check()
        if self.actor.role not in (Role.EMPLOYER, Role.CITY):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied

    def perform(self, values):
        return actions.appoint(actor=self.actor, **values)


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
    title = gettext_lazy("证书问题报告")
    columns = [
        Column("person.full_name", gettext_lazy("报告人")),
        Column("kind", gettext_lazy("报告类型"), link=True),
        Column("occupation.name", gettext_lazy("职业")),
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
    fields = ReportListView.columns + [
        Column("issued_on", gettext_lazy("发证日期")),
        Column("issuer_name", gettext_lazy("发证机构")),
        Column("record", gettext_lazy("有误的证书")),
        Column("description", gettext_lazy("说明")),
        Column("outcome", gettext_lazy("处理结果")),
        Column("resulting_record", gettext_lazy("登记的证书")),
    ]

    def get_context_data(self, **kwargs):
        from talentbase.core import workflow

        context = super().get_context_data(**kwargs)
        report = context["object"]
        names = {t.name for t in workflow.available_transitions(report, self.actor)}
        context.update({
            "can_resolve": "resolve" in names,
            "can_decline": "reject" in names,
            "can_withdraw": "withdraw" in names,
            "may_record": report.kind == ReportKind.MISSING and scoping.may(self.actor, CertificateRecord, "add"),
            "resolve_form": forms.ResolveForm(actor=self.actor),
            "decline_form": forms.DeclineForm(actor=self.actor),
            "decisions": workflow.decision_history(report),
        })  # fmt: skip
        return context


class ReportCreateView(FormPageView):
    form_class = forms.ReportForm
    title = gettext_lazy("报告缺少或有误的证书")

    def check(self):
        scoping.ensure_may(self.actor, CertificateReport, "add")

    def perform(self, values):
        return actions.report_certificate(actor=self.actor, **values)


class ReportActionView(ActorRequiredMixin, View):
    def post(self, request, pk, name):
        report = scoping.get_for(self.actor, CertificateReport, pk, "change")
        try:
            if name == "resolve":
                form = forms.ResolveForm(request.POST, actor=self.actor)
                if not form.is_valid():
                    raise DomainError("outcome_required", _("请填写处理结果"))
                actions.resolve_report(actor=self.actor, report=report, outcome=form.cleaned_data["outcome"],
                                       record=form.cleaned_data["record_certificate"])  # fmt: skip
            elif name == "reject":
                form = forms.DeclineForm(request.POST, actor=self.actor)
                if not form.is_valid():
                    raise DomainError("outcome_required", _("请填写不予受理的原因"))
                actions.decline_report(actor=self.actor, report=report, outcome=form.cleaned_data["outcome"])
            elif name == "withdraw":
                from talentbase.core.workflow import take_transition

                take_transition(report, "withdraw", actor=self.actor)
            else:
                return HttpResponse(status=404)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("操作成功"))
        return redirect(report.get_absolute_url())


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
