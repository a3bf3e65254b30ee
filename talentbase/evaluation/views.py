"""Pages for standards and evaluation norms, their levels and eligibility paths."""

from django.utils.translation import gettext_lazy as _

from talentbase.core import scoping
from talentbase.core.navigation import register_menu
from talentbase.core.roles import Role
from talentbase.core.tables import Column
from talentbase.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    TransitionView,
)

from . import actions, applications, forms, plans, sessions
from .actions import EDITABLE
from .models import (
    Application,
    EligibilityPath,
    EvaluationPlan,
    EvaluationSession,
    PlanLine,
    StandardVersion,
    VersionLevel,
)
from .scopes import INSTITUTIONS, PLAN_READERS, READERS, SESSION_READERS


class VersionListView(ObjectListView):
    model = StandardVersion
    filterset_class = forms.VersionFilter
    default_ordering = "occupation__code"
    create_url_name = "evaluation:version-create"
    detail_url_name = "evaluation:version-detail"
    export_name = "standards"
    columns = [
        Column("title", _("名称"), order_by="title", link=True),
        Column("occupation", _("职业"), order_by="occupation__code"),
        Column("kind", _("类型"), order_by="kind"),
        Column("institution", _("制定机构")),
        Column("version", _("版本"), order_by="version"),
        Column("generation", _("申报条件模板")),
        Column("effective_from", _("施行日期"), order_by="effective_from"),
        Column("state", _("状态"), order_by="state"),
    ]

    def base_queryset(self):
        return StandardVersion.objects.select_related("occupation", "institution")


class VersionDetailView(ObjectDetailView):
    model = StandardVersion
    template_name = "evaluation/version_detail.html"
    edit_url_name = "evaluation:version-edit"
    delete_url_name = "evaluation:version-delete"
    transition_url_name = "evaluation:version-transition"
    fields = VersionListView.columns + [
        Column("code", _("标准编号")),
        Column("published_on", _("发布日期")),
        Column("hr_filing_number", _("人社备案编号")),
        Column("exam_structure", _("考核方式")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.object
        editable = version.state in EDITABLE and scoping.in_scope(self.actor, version, "change")
        context["can_change"] = context["can_change"] and editable
        context["can_delete"] = context["can_delete"] and editable and version.state == "draft"
        context["editable"] = editable
        context["version_levels"] = list(version.levels.select_related("level"))
        context["paths"] = list(version.paths.select_related("level", "required_level"))
        return context


class VersionFormView(ObjectFormView):
    model = StandardVersion
    form_class = forms.VersionForm

    def get_object(self):
        version = super().get_object()
        if version is not None and version.state not in EDITABLE:
            from django.http import Http404

            raise Http404
        return version

    def perform(self, form, obj):
        values, _m2m = form.model_values()
        if obj is None:
            return actions.create_version(actor=self.actor, values=values)
        return actions.update_version(actor=self.actor, version=obj, values=values)


class VersionDeleteView(ObjectDeleteView):
    model = StandardVersion
    success_url_name = "evaluation:version-list"

    def perform(self, obj):
        actions.delete_version(actor=self.actor, version=obj)


class VersionTransitionView(TransitionView):
    model = StandardVersion


class VersionPartFormView(ObjectFormView):
    """A level or a path of a version: created under the version's URL, changed under its own."""

    def get_object(self):
        if "version" in self.kwargs:
            scoping.ensure_may(self.actor, self.model, "add")
            self.version = scoping.get_for(self.actor, StandardVersion, self.kwargs["version"], "change")
            return None
        obj = scoping.get_for(self.actor, self.model, self.kwargs["pk"], "change")
        self.version = obj.version
        return obj

    def form_kwargs(self, obj) -> dict:
        return {**super().form_kwargs(obj), "version": self.version}

    def success_url(self, saved) -> str:
        return self.version.get_absolute_url()


class VersionLevelFormView(VersionPartFormView):
    model = VersionLevel
    form_class = forms.VersionLevelForm

    def perform(self, form, obj):
        values, _m2m = form.model_values()
        return actions.save_version_level(actor=self.actor, version=self.version, values=values, level_row=obj)


class VersionLevelDeleteView(ObjectDeleteView):
    model = VersionLevel

    def perform(self, obj):
        actions.delete_version_level(actor=self.actor, level_row=obj)
        self.success_url_name = obj.version.get_absolute_url()


class PathFormView(VersionPartFormView):
    model = EligibilityPath
    form_class = forms.EligibilityPathForm

    def perform(self, form, obj):
        values, _m2m = form.model_values()
        return actions.save_path(actor=self.actor, version=self.version, values=values, path=obj)


class PathDeleteView(ObjectDeleteView):
    model = EligibilityPath

    def perform(self, obj):
        actions.delete_path(actor=self.actor, path=obj)
        self.success_url_name = obj.version.get_absolute_url()


register_menu(
    section="evaluation", label=_("标准与评价规范"), url_name="evaluation:version-list", roles=READERS, order=400,
    icon="journal-text", description=_("国家职业技能标准、评价规范及其申报条件"),
    count=lambda actor: scoping.visible_to(actor, StandardVersion).count(),
)  # fmt: skip


# --- Annual plans


class PlanListView(ObjectListView):
    model = EvaluationPlan
    filterset_class = forms.PlanFilter
    default_ordering = "-year"
    create_url_name = "evaluation:plan-create"
    detail_url_name = "evaluation:plan-detail"
    export_name = "evaluation-plans"
    columns = [
        Column("year", _("年度"), order_by="year", link=True),
        Column("institution", _("评价机构"), order_by="institution__name"),
        Column("total_planned", _("计划人数")),
        Column("state", _("状态"), order_by="state"),
        Column("submitted_at", _("报送时间"), order_by="submitted_at"),
    ]

    def base_queryset(self):
        return EvaluationPlan.objects.select_related("institution").prefetch_related("lines")


class PlanDetailView(ObjectDetailView):
    model = EvaluationPlan
    template_name = "evaluation/plan_detail.html"
    edit_url_name = "evaluation:plan-edit"
    delete_url_name = "evaluation:plan-delete"
    transition_url_name = "evaluation:plan-transition"
    fields = [
        Column("institution", _("评价机构")),
        Column("year", _("年度")),
        Column("state", _("状态")),
        Column("submitted_at", _("报送时间")),
        Column("note", _("说明")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        editable = plan.state in plans.EDITABLE and scoping.in_scope(self.actor, plan, "change")
        context["can_change"] = context["can_change"] and editable
        context["can_delete"] = context["can_delete"] and editable and plan.state == "draft"
        context["editable"] = editable
        lines = list(plan.lines.select_related("occupation", "level"))
        context["lines"] = lines
        context["total"] = sum(line.planned_candidates for line in lines)
        context["by_month"] = [(month, sum(line.planned_candidates for line in lines if line.month == month))
                               for month in range(1, 13)]  # fmt: skip
        context["acknowledgements"] = list(plan.acknowledgements.select_related("organisation"))
        context["awaiting"] = plans.awaiting(plan) if plan.state == "submitted" else None
        return context


class PlanFormView(ObjectFormView):
    model = EvaluationPlan
    form_class = forms.PlanForm

    def get_object(self):
        plan = super().get_object()
        if plan is not None and plan.state not in plans.EDITABLE:
            from django.http import Http404

            raise Http404
        return plan

    def perform(self, form, obj):
        values, _m2m = form.model_values()
        if obj is None:
            return plans.create_plan(actor=self.actor, year=values["year"], note=values.get("note", ""))
        return plans.update_plan(actor=self.actor, plan=obj, values=values)


class PlanDeleteView(ObjectDeleteView):
    model = EvaluationPlan
    success_url_name = "evaluation:plan-list"

    def perform(self, obj):
        plans.delete_plan(actor=self.actor, plan=obj)


class PlanTransitionView(TransitionView):
    model = EvaluationPlan


class PlanLineFormView(ObjectFormView):
    model = PlanLine
    form_class = forms.PlanLineForm

    def get_object(self):
        if "plan" in self.kwargs:
            scoping.ensure_may(self.actor, PlanLine, "add")
            self.plan = scoping.get_for(self.actor, EvaluationPlan, self.kwargs["plan"], "change")
            return None
        line = scoping.get_for(self.actor, PlanLine, self.kwargs["pk"], "change")
        self.plan = line.plan
        return line

    def form_kwargs(self, obj) -> dict:
        return {**super().form_kwargs(obj), "plan": self.plan}

    def success_url(self, saved) -> str:
        return self.plan.get_absolute_url()

    def perform(self, form, obj):
        values, _m2m = form.model_values()
        return plans.save_line(actor=self.actor, plan=self.plan, values=values, line=obj)


class PlanLineDeleteView(ObjectDeleteView):
    model = PlanLine

    def perform(self, obj):
        plans.delete_line(actor=self.actor, line=obj)
        self.success_url_name = obj.plan.get_absolute_url()


register_menu(
    section="evaluation", label=_("年度评价计划"), url_name="evaluation:plan-list", roles=PLAN_READERS, order=410,
    icon="calendar-range", description=_("评价机构的年度计划，报送鉴定中心和行业单位"),
    count=lambda actor: scoping.visible_to(actor, EvaluationPlan).count(),
)  # fmt: skip


# --- Sessions


class SessionListView(ObjectListView):
    model = EvaluationSession
    filterset_class = forms.SessionFilter
    default_ordering = "-theory_on"
    create_url_name = "evaluation:session-create"
    detail_url_name = "evaluation:session-detail"
    export_name = "evaluation-sessions"
    columns = [
        Column("name", _("批次名称"), order_by="name", link=True),
        Column("institution", _("评价机构"), order_by="institution__name"),
        Column("occupation", _("职业"), order_by="occupation__code"),
        Column("level", _("等级"), order_by="level__rank"),
        Column("registration_closes", _("报名截止日期"), order_by="registration_closes"),
        Column("theory_on", _("理论知识考试日期"), order_by="theory_on"),
        Column("capacity", _("计划人数")),
        Column("state", _("状态"), order_by="state"),
        Column("filing_standing", _("备案")),
    ]

    def base_queryset(self):
        return EvaluationSession.objects.select_related("institution", "occupation", "level", "filing")


class SessionDetailView(ObjectDetailView):
    model = EvaluationSession
    template_name = "evaluation/session_detail.html"
    edit_url_name = "evaluation:session-edit"
    delete_url_name = "evaluation:session-delete"
    transition_url_name = "evaluation:session-transition"
    fields = SessionListView.columns[1:] + [
        Column("version", _("标准或评价规范版本")),
        Column("practical_on", _("操作技能考核日期")),
        Column("review_on", _("综合评审日期")),
        Column("venue", _("考评地点")),
        Column("plan_line", _("计划明细")),
    ]

    def get_context_data(self, **kwargs):
        from talentbase.orgs.models import Standing

        context = super().get_context_data(**kwargs)
        session = self.object
        editable = session.state == "draft"
        context["can_change"] = context["can_change"] and editable
        context["can_delete"] = context["can_delete"] and editable
        in_force = str(Standing.IN_FORCE.label)
        context["filing_warning"] = session.state != "cancelled" and session.filing_standing() != in_force
        context["can_apply"] = session.state == "registration" and scoping.may(self.actor, Application, "add")
        if scoping.may(self.actor, Application, "view"):
            context["application_count"] = scoping.visible_to(self.actor, Application).filter(session=session).count()
        return context


class SessionFormView(ObjectFormView):
    model = EvaluationSession
    form_class = forms.SessionForm

    def get_object(self):
        session = super().get_object()
        if session is not None and session.state != "draft":
            from django.http import Http404

            raise Http404
        return session

    def perform(self, form, obj):
        values, _m2m = form.model_values()
        if obj is None:
            return sessions.create_session(actor=self.actor, values=values)
        return sessions.update_session(actor=self.actor, session=obj, values=values)


class SessionDeleteView(ObjectDeleteView):
    model = EvaluationSession
    success_url_name = "evaluation:session-list"

    def perform(self, obj):
        sessions.delete_session(actor=self.actor, session=obj)


class SessionTransitionView(TransitionView):
    model = EvaluationSession


register_menu(
    section="evaluation", label=_("考评批次"), url_name="evaluation:session-list", roles=SESSION_READERS, order=420,
    icon="clipboard-check", description=_("考评批次：报名、考评与结果"),
    count=lambda actor: scoping.visible_to(actor, EvaluationSession).count(),
)  # fmt: skip


# --- Applications


class ApplicationListView(ObjectListView):
    model = Application
    filterset_class = forms.ApplicationFilter
    default_ordering = "ticket"
    detail_url_name = "evaluation:application-detail"
    export_name = "evaluation-applications"
    show_total = True
    columns = [
        Column("ticket", _("准考证号"), order_by="ticket", link=True),
        Column("person.full_name", _("姓名")),
        Column("session", _("考评批次"), order_by="session__theory_on"),
        Column("kind", _("申报方式"), order_by="kind"),
        Column("employer", _("申报单位")),
        Column("applied_on", _("申报日期"), order_by="applied_on"),
        Column("state", _("状态"), order_by="state"),
    ]

    def base_queryset(self):
        return Application.objects.select_related("person", "session", "employer")


class ApplicationDetailView(ObjectDetailView):
    model = Application
    transition_url_name = "evaluation:application-transition"
    fields = ApplicationListView.columns + [
        Column("person.id_number_masked", _("证件号码")),
        Column("eligibility_note", _("符合的申报条件")),
        Column("waived_labels", _("突破的限制")),
        Column("performance_evidence", _("业绩材料")),
        Column("refusal_reason", _("不予受理原因")),
        Column("channel", _("申报渠道")),
    ]


class ApplicationTransitionView(TransitionView):
    model = Application


class ApplyView(ObjectFormView):
    """申报 from a session's page: a worker for themself (shown first whether they are eligible), an employer
    for one of its staff or as a direct recognition."""

    model = Application
    form_class = forms.ApplyForm
    template_name = "evaluation/apply.html"

    def get_object(self):
        scoping.ensure_may(self.actor, Application, "add")
        self.session = scoping.get_for(self.actor, EvaluationSession, self.kwargs["pk"], "view")
        return

    def get_title(self, obj) -> str:
        return _("申报：{session}").format(session=self.session)

    def context(self, form, obj):
        context = super().context(form, obj)
        context["session"] = self.session
        if self.actor.role == "worker":
            from talentbase.registry.identity import today_in_china
            from talentbase.registry.queries import person_of_user

            person = person_of_user(self.actor.user_id)
            if person is not None:
                context["preview"] = applications.eligibility_of(person, self.session, today_in_china())
        return context

    def perform(self, form, obj):
        data = form.cleaned_data
        if self.actor.role == "worker":
            return applications.apply(actor=self.actor, session=self.session)
        from talentbase.registry.queries import person_with_id_number

        person = person_with_id_number(data["id_type"], data["id_number"])
        return applications.apply(actor=self.actor, session=self.session, person=person, kind=data["kind"],
                                  waived=data.get("waived") or (), performance_evidence=data.get("performance_evidence", ""))  # fmt: skip


register_menu(
    section="evaluation", label=_("评价申报"), url_name="evaluation:application-list",
    roles=[Role.CITY, Role.HR, Role.SECTOR, Role.EMPLOYER, Role.WORKER, *INSTITUTIONS], order=430,
    icon="person-check", description=_("申报、审核与准考证号"),
    count=lambda actor: scoping.visible_to(actor, Application).count(),
)  # fmt: skip
register_menu(
    section="evaluation", label=_("批量申报"), url_name="evaluation:application-import-list", roles=[Role.EMPLOYER],
    order=431, icon="file-earmark-arrow-up", description=_("按名单为本单位职工批量申报考评批次，先预览校验再提交"),
)  # fmt: skip
