"""Pages for standards and evaluation norms, their levels and eligibility paths."""

from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from talentbase.core import scoping
from talentbase.core.errors import DomainError
from talentbase.core.navigation import register_home_panel, register_menu
from talentbase.core.roles import Role
from talentbase.core.tables import Column
from talentbase.core.views import (
    ActorRequiredMixin,
    DeleteThroughActions,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    SaveThroughActions,
    TransitionView,
)

from . import actions, applications, assignments, forms, plans, sessions
from .actions import EDITABLE
from .models import (
    Application,
    Assignment,
    AvoidanceRule,
    DeclaredRelation,
    EligibilityPath,
    EvaluationPlan,
    EvaluationSession,
    ExaminerQualification,
    ExchangeLayout,
    Objection,
    PlanLine,
    PublicityRule,
    Score,
    ScorePart,
    StaffingRule,
    StandardVersion,
    Target,
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

    def editable(self, obj) -> bool:
        return obj.state in EDITABLE

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


class PartFormView(ObjectFormView):
    """A part of a record (a version's level or path, a plan's line): created under the record's URL (its
    ``parent_field`` names the URL's argument, the form's and the part's foreign key), changed under its
    own; the page returns to the record."""

    parent_model = None
    parent_field = ""

    def get_object(self):
        if self.parent_field in self.kwargs:
            scoping.ensure_may(self.actor, self.model, "add")
            self.parent = scoping.get_for(self.actor, self.parent_model, self.kwargs[self.parent_field], "change")
            return None
        obj = scoping.get_for(self.actor, self.model, self.kwargs["pk"], "change")
        self.parent = getattr(obj, self.parent_field)
        return obj

    def form_kwargs(self, obj) -> dict:
        return {**super().form_kwargs(obj), self.parent_field: self.parent}

    def success_url(self, saved) -> str:
        return self.parent.get_absolute_url()


class PartDeleteView(ObjectDeleteView):
    """Deleting a part returns to the record it belonged to."""

    parent_field = ""

    def remove(self, obj) -> None:
        raise NotImplementedError

    def perform(self, obj):
        self.remove(obj)
        self.success_url_name = getattr(obj, self.parent_field).get_absolute_url()


class VersionPartFormView(PartFormView):
    parent_model = StandardVersion
    parent_field = "version"


class VersionLevelFormView(VersionPartFormView):
    model = VersionLevel
    form_class = forms.VersionLevelForm

    def perform(self, form, obj):
        values, _m2m = form.model_values()
        return actions.save_version_level(actor=self.actor, version=self.parent, values=values, level_row=obj)


class VersionLevelDeleteView(PartDeleteView):
    model = VersionLevel
    parent_field = "version"

    def remove(self, obj):
        actions.delete_version_level(actor=self.actor, level_row=obj)


class PathFormView(VersionPartFormView):
    model = EligibilityPath
    form_class = forms.EligibilityPathForm

    def perform(self, form, obj):
        values, _m2m = form.model_values()
        return actions.save_path(actor=self.actor, version=self.parent, values=values, path=obj)


class PathDeleteView(PartDeleteView):
    model = EligibilityPath
    parent_field = "version"

    def remove(self, obj):
        actions.delete_path(actor=self.actor, path=obj)


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
        actual = plans.actual_by_line(plan)
        empty = {"sessions": 0, "candidates": 0, "certificates": 0}
        context["lines"] = lines
        context["line_rows"] = [(line, actual.get(line.pk, empty)) for line in lines]
        context["actual_total"] = {key: sum(a[key] for a in actual.values()) for key in empty}
        context["total"] = sum(line.planned_candidates for line in lines)
        context["by_month"] = [(month, sum(line.planned_candidates for line in lines if line.month == month))
                               for month in range(1, 13)]  # fmt: skip
        context["acknowledgements"] = list(plan.acknowledgements.select_related("organisation"))
        context["awaiting"] = plans.awaiting(plan) if plan.state == "submitted" else None
        return context


class PlanFormView(ObjectFormView):
    model = EvaluationPlan
    form_class = forms.PlanForm

    def editable(self, obj) -> bool:
        return obj.state in plans.EDITABLE

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


class PlanLineFormView(PartFormView):
    model = PlanLine
    form_class = forms.PlanLineForm
    parent_model = EvaluationPlan
    parent_field = "plan"

    def perform(self, form, obj):
        values, _m2m = form.model_values()
        return plans.save_line(actor=self.actor, plan=self.parent, values=values, line=obj)


class PlanLineDeleteView(PartDeleteView):
    model = PlanLine
    parent_field = "plan"

    def remove(self, obj):
        plans.delete_line(actor=self.actor, line=obj)


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
        Column("publicity_from", _("公示开始")),
        Column("publicity_until", _("公示截止")),
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
        context["has_scores"] = session.state in ("examining", "scored", "publicity", "issuing", "completed") and \
            scoping.may(self.actor, Score, "view")  # fmt: skip
        context["can_issue"] = session.state == "issuing" and scoping.in_scope(self.actor, session, "change")
        context["can_exchange"] = self.actor.role == "hr" or session.institution_id == self.actor.organisation_id
        from . import avoidance

        if scoping.may(self.actor, Assignment, "view"):
            context["assignments"] = list(scoping.visible_to(self.actor, Assignment).filter(session=session, active=True)
                                          .select_related("person", "acting_for"))  # fmt: skip
            context["staffing_gaps"] = avoidance.staffing_gaps(session)
            context["supervision_gaps"] = avoidance.supervision_gaps(session)
            context["can_assign"] = session.state in ("draft", "registration", "examining") and (
                self.actor.role in ("hr", "sector") or scoping.in_scope(self.actor, session, "change"))
        if scoping.may(self.actor, Application, "view"):
            context["application_count"] = scoping.visible_to(self.actor, Application).filter(session=session).count()
        return context


class SessionFormView(ObjectFormView):
    model = EvaluationSession
    form_class = forms.SessionForm

    def editable(self, obj) -> bool:
        return obj.state == "draft"

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


# --- The examiner register and the rules


class ExaminerListView(ObjectListView):
    model = ExaminerQualification
    default_ordering = "card_number"
    create_url_name = "evaluation:examiner-create"
    detail_url_name = "evaluation:examiner-detail"
    export_name = "examiners"
    columns = [
        Column("card_number", _("考评员证号"), order_by="card_number", link=True),
        Column("person.full_name", _("姓名")),
        Column("occupation", _("职业"), order_by="occupation__code"),
        Column("highest_level", _("可考评的最高等级")),
        Column("valid_from", _("有效期起"), order_by="valid_from"),
        Column("valid_to", _("有效期止"), order_by="valid_to"),
    ]

    def base_queryset(self):
        return ExaminerQualification.objects.select_related("person", "occupation", "highest_level")


class ExaminerDetailView(ObjectDetailView):
    model = ExaminerQualification
    edit_url_name = "evaluation:examiner-edit"
    delete_url_name = "evaluation:examiner-delete"
    fields = ExaminerListView.columns


class ExaminerFormView(SaveThroughActions):
    """HR names the person of a new entry by ID number; an entry keeps its person."""

    model = ExaminerQualification
    form_class = forms.ExaminerForm

    def perform(self, form, obj):
        from talentbase.core import actions as core_actions
        from talentbase.registry.queries import person_with_id_number

        if obj is not None:
            return super().perform(form, obj)
        values, _m2m = form.model_values()
        person = person_with_id_number(values.pop("id_type"), values.pop("id_number"))
        return core_actions.create_object(actor=self.actor, model=ExaminerQualification,
                                          values={**values, "person": person})  # fmt: skip


class ExaminerDeleteView(DeleteThroughActions):
    model = ExaminerQualification
    success_url_name = "evaluation:examiner-list"


class AvoidanceRuleListView(ObjectListView):
    model = AvoidanceRule
    default_ordering = "institution_type"
    detail_url_name = "evaluation:avoidance-detail"
    columns = [
        Column("institution_type", _("机构类型"), link=True),
        Column("same_employer", _("回避同一单位")),
        Column("same_department", _("回避同一部门")),
        Column("outside_share", _("外单位考评员最低占比（%）")),
        Column("needs_review", _("待核实")),
    ]


class AvoidanceRuleDetailView(ObjectDetailView):
    model = AvoidanceRule
    edit_url_name = "evaluation:avoidance-edit"
    fields = AvoidanceRuleListView.columns


class AvoidanceRuleFormView(SaveThroughActions):
    model = AvoidanceRule
    form_class = forms.AvoidanceRuleForm


class StaffingRuleListView(ObjectListView):
    model = StaffingRule
    default_ordering = "name"
    detail_url_name = "evaluation:staffing-detail"
    columns = [
        Column("name", _("名称"), link=True),
        Column("candidates_per_invigilator", _("每名监考人员对应考生数")),
        Column("min_invigilators", _("每考场最少监考人员")),
        Column("min_practical", _("操作技能最少考评员")),
        Column("candidates_per_practical", _("每名操作技能考评员对应考生数")),
        Column("min_review", _("综合评审最少专家")),
        Column("odd_panels", _("操作技能考评组与评审组须为奇数")),
    ]


class StaffingRuleDetailView(ObjectDetailView):
    model = StaffingRule
    edit_url_name = "evaluation:staffing-edit"
    fields = StaffingRuleListView.columns


class StaffingRuleFormView(SaveThroughActions):
    model = StaffingRule
    form_class = forms.StaffingRuleForm


# --- Assignments


class AssignmentListView(ObjectListView):
    """The institution's and the bureaus' assignments, and an examiner's or supervisor's own tasks."""

    model = Assignment
    default_ordering = "-assigned_at"
    detail_url_name = "evaluation:assignment-detail"
    export_name = "assignments"
    columns = [
        Column("session", _("考评批次"), link=True),
        Column("duty", _("职责"), order_by="duty"),
        Column("person.full_name", _("姓名")),
        Column("acting_for", _("派出单位")),
        Column("active", _("有效")),
        Column("reported_at", _("报告时间")),
        Column("assigned_at", _("指派时间"), order_by="assigned_at"),
    ]

    def base_queryset(self):
        return Assignment.objects.select_related("session", "person", "acting_for")


class AssignmentDetailView(ObjectDetailView):
    model = Assignment
    template_name = "evaluation/assignment_detail.html"
    fields = AssignmentListView.columns + [Column("report", _("督导报告"))]

    def get_context_data(self, **kwargs):
        from .models import SUPERVISING_DUTIES

        context = super().get_context_data(**kwargs)
        assignment = self.object
        context["may_report"] = (assignment.active and assignment.user_id == self.actor.user_id
                                 and assignment.duty in SUPERVISING_DUTIES)  # fmt: skip
        context["report_form"] = forms.ReportForm(actor=self.actor, initial={"report": assignment.report})
        context["may_remove"] = assignment.active and scoping.in_scope(self.actor, assignment, "change")
        context["remove_form"] = forms.RemoveAssignmentForm(actor=self.actor)
        return context


class AssignView(ObjectFormView):
    """From a session's page: the institution assigns examiners, HR or the sector unit supervisors."""

    model = Assignment
    form_class = forms.AssignForm
    title = _("指派考评人员")

    def get_object(self):
        scoping.ensure_may(self.actor, Assignment, "add")
        self.session = scoping.get_for(self.actor, EvaluationSession, self.kwargs["pk"], "view")
        return

    def success_url(self, saved) -> str:
        return self.session.get_absolute_url()

    def perform(self, form, obj):
        from talentbase.registry.queries import person_with_id_number


        data = form.cleaned_data
        person = person_with_id_number(data["id_type"], data["id_number"])
        if self.actor.role in ("hr", "sector"):
            return assignments.assign_supervisor(actor=self.actor, session=self.session, person=person,
                                                 duty=data["duty"], acting_for=data.get("acting_for"))  # fmt: skip
        return assignments.assign_examiner(actor=self.actor, session=self.session, person=person, duty=data["duty"])


class ReportView(ObjectFormView):
    model = Assignment
    form_class = forms.ReportForm
    title = _("提交督导报告")
    success_message = _("已提交督导报告")

    def get_object(self):
        return scoping.get_for(self.actor, Assignment, self.kwargs["pk"], "view")

    def perform(self, form, obj):

        return assignments.file_report(actor=self.actor, assignment=obj, report=form.cleaned_data["report"])


class RemoveAssignmentView(ObjectFormView):
    model = Assignment
    form_class = forms.RemoveAssignmentForm
    title = _("撤销指派")
    success_message = _("已撤销指派")

    def perform(self, form, obj):

        return assignments.remove_assignment(actor=self.actor, assignment=obj, reason=form.cleaned_data["reason"])


class RelationView(ObjectFormView):
    """An examiner declares a relation of their own, or an institution one between an examiner and a candidate."""

    model = DeclaredRelation
    form_class = forms.RelationForm
    title = _("申报回避关系")
    success_message = _("已申报回避关系")

    def success_url(self, saved) -> str:
        from django.urls import reverse

        return reverse("evaluation:assignment-list")

    def perform(self, form, obj):
        from talentbase.registry.identity import IdType
        from talentbase.registry.queries import person_with_id_number


        data = form.cleaned_data
        examiner = person_with_id_number(IdType.RIC, data["examiner_id_number"], field="examiner_id_number")
        candidate = person_with_id_number(IdType.RIC, data["candidate_id_number"], field="candidate_id_number")
        return assignments.declare_relation(actor=self.actor, examiner=examiner, candidate=candidate,
                                            kind=data["kind"], note=data.get("note", ""))  # fmt: skip


register_menu(
    section="evaluation", label=_("考评员库"), url_name="evaluation:examiner-list",
    roles=[Role.CITY, Role.HR, Role.SECTOR, *INSTITUTIONS], order=440, icon="person-badge",
    description=_("考评员资格登记：职业、等级与有效期"),
)  # fmt: skip
register_menu(
    section="evaluation", label=_("考评任务"), url_name="evaluation:assignment-list",
    roles=[Role.CITY, Role.HR, Role.SECTOR, Role.WORKER, Role.EMPLOYER, Role.TRAINING, *INSTITUTIONS], order=445,
    icon="clipboard-data", description=_("考评员、质量督导员的指派与督导报告"),
)  # fmt: skip
register_menu(section="evaluation", label=_("回避规则"), group=_("基础数据"), url_name="evaluation:avoidance-list",
              roles=[Role.CITY], order=547, icon="shield-check")  # fmt: skip
register_menu(section="evaluation", label=_("考评人员配备规则"), group=_("基础数据"),
              url_name="evaluation:staffing-list", roles=[Role.CITY], order=548, icon="people")  # fmt: skip


# --- Scores


class ScoreSheetView(ActorRequiredMixin, TemplateView):
    """A session's score sheet: each accepted candidate's parts, who entered and confirmed them, the result."""

    template_name = "evaluation/score_sheet.html"

    def get_context_data(self, **kwargs):
        from . import scoring

        context = super().get_context_data(**kwargs)
        session = scoping.get_for(self.actor, EvaluationSession, self.kwargs["pk"], "view")
        rules = scoring.version_level(session)
        parts = scoring.parts_of(session, rules)
        applications = list(scoping.visible_to(self.actor, Application).filter(session=session, state="accepted")
                            .select_related("person").order_by("ticket"))  # fmt: skip
        scores: dict[int, dict[str, Score]] = {}
        for score in scoping.visible_to(self.actor, Score).filter(application__session=session):
            scores.setdefault(score.application_id, {})[score.part] = score
        results, kept = scoring.results(session, with_kept=True)
        labels = dict(ScorePart.choices)
        context.update({
            "session": session, "title": _("成绩：{session}").format(session=session), "rules": rules,
            "parts": [(part, labels[part]) for part in parts],
            "rows": [(app, [(labels[part], scores.get(app.pk, {}).get(part), (app.pk, part) in kept) for part in parts],
                      results.get(app.pk)) for app in applications],
            "may_enter": session.state == "examining",
            "may_import": session.state == "examining" and self.actor.role in ("evaluation", "association"),
        })  # fmt: skip
        return context


class ScoreEntryView(ObjectFormView):
    model = Application
    form_class = forms.ScoreEntryForm
    title = _("录入成绩")
    success_message = _("已保存成绩")

    def get_object(self):
        return scoping.get_for(self.actor, Application.objects.select_related("session", "person"), self.kwargs["pk"],
                               "view")  # fmt: skip

    def form_kwargs(self, obj) -> dict:
        from . import scoring

        current = {}
        for score in scoping.visible_to(self.actor, Score).filter(application=obj):
            current[score.part] = "缺考" if score.absent else str(score.value)
        return {"parts": scoring.parts_of(obj.session), "current": current}

    def get_title(self, obj) -> str:
        from talentbase.registry.identity import mask_name

        return _("录入成绩：{ticket} {name}").format(ticket=obj.ticket, name=mask_name(obj.person.full_name))

    def success_url(self, saved) -> str:
        from django.urls import reverse

        return reverse("evaluation:score-sheet", args=[saved.session_id])

    def perform(self, form, obj):
        from . import scoring

        for name, value in form.cleaned_data.items():
            if not name.startswith("part_") or not (value or "").strip():
                continue
            part = name.removeprefix("part_")
            try:
                scoring.enter_score(actor=self.actor, application=obj, part=part, value=value,
                                    reason=form.cleaned_data.get("reason", ""))  # fmt: skip
            except DomainError as error:
                raise DomainError(error.code, error.message, field=name if error.field == "value" else error.field) from None
        return obj


class ScoreConfirmView(ActorRequiredMixin, View):
    def post(self, request, pk):
        from django.contrib import messages
        from django.shortcuts import redirect
        from django.urls import reverse

        from . import scoring

        score = scoping.get_for(self.actor, Score.objects.select_related("application"), pk, "view")
        try:
            scoring.confirm_score(actor=self.actor, score=score)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("已确认成绩"))
        return redirect(reverse("evaluation:score-sheet", args=[score.application.session_id]))


# --- Publicity: the public list and objection form (no sign-in), the objections, the rule


class PublicityListView(TemplateView):
    """公示: every session in publicity with its passed candidates (masked names), open to anyone."""

    template_name = "evaluation/publicity_public.html"

    def get_context_data(self, **kwargs):
        from talentbase.registry.identity import mask_name

        from . import publicity

        context = super().get_context_data(**kwargs)
        # unscoped: the publicity list is public by design, its names masked
        running = EvaluationSession.objects.filter(state="publicity").select_related("institution", "occupation", "level")
        calendar = publicity.WorkingCalendar()
        context["sessions"] = [
            {"session": s, "note": calendar.end_of_period(s.publicity_from, publicity.working_days()).note(),
             "rows": [(mask_name(a.person.full_name), a.employer.name if a.employer else "", a.pk)
                      for a in publicity.publicised(s)]}
            for s in running.order_by("publicity_until", "pk")
        ]  # fmt: skip
        context["title"] = _("技能等级认定结果公示")
        return context


class ObjectionFormView(TemplateView):
    template_name = "evaluation/objection_form.html"

    def session(self):
        from django.http import Http404

        # unscoped: a session in publicity is public
        session = EvaluationSession.objects.filter(pk=self.kwargs["pk"], state="publicity").first()
        if session is None:
            raise Http404
        return session

    def candidates(self, session):
        from talentbase.registry.identity import mask_name

        from . import publicity

        return [(str(a.pk), f"{mask_name(a.person.full_name)}（{a.employer.name if a.employer else '—'}）")
                for a in publicity.publicised(session)]  # fmt: skip

    def get(self, request, *args, **kwargs):
        session = self.session()
        form = forms.ObjectionForm(candidates=self.candidates(session), initial={"application": request.GET.get("a", "")})
        return self.render_to_response({"session": session, "form": form, "title": _("提出异议")})

    def post(self, request, *args, **kwargs):
        from django.contrib import messages
        from django.shortcuts import redirect

        from talentbase.core.http import client_ip

        from . import publicity

        session = self.session()
        form = forms.ObjectionForm(request.POST, candidates=self.candidates(session))
        status = 400
        if form.is_valid():
            # unscoped: the objection names a candidate of the public list just checked
            application = Application.objects.get(pk=int(form.cleaned_data["application"]), session=session)
            try:
                publicity.object_to(application=application, ip=client_ip(request),
                                    **{k: form.cleaned_data[k] for k in ("objector_name", "objector_contact", "grounds")})  # fmt: skip
            except DomainError as error:
                form.add_error(None, str(error.message))
                status = 429 if error.code == "too_many" else 400
            else:
                messages.success(request, _("已收到您的异议，评价机构将核实处理"))
                return redirect("evaluation:publicity-public")
        response = self.render_to_response({"session": session, "form": form, "title": _("提出异议")}, status=status)
        if status == 429:
            response["Retry-After"] = "3600"
        return response


class ObjectionListView(ObjectListView):
    model = Objection
    default_ordering = "-submitted_at"
    detail_url_name = "evaluation:objection-detail"
    export_name = "objections"
    columns = [
        Column("application.ticket", _("准考证号"), link=True),
        Column("application.session", _("考评批次")),
        Column("objector_name", _("异议人")),
        Column("submitted_at", _("提出时间"), order_by="submitted_at"),
        Column("state", _("状态"), order_by="state"),
    ]

    def base_queryset(self):
        return Objection.objects.select_related("application__session")


class ObjectionDetailView(ObjectDetailView):
    model = Objection
    transition_url_name = "evaluation:objection-transition"
    fields = ObjectionListView.columns + [
        Column("application.person.full_name", _("被异议的考生")),
        Column("objector_contact", _("联系方式")),
        Column("grounds", _("异议理由")),
        Column("resolution", _("处理意见")),
    ]


class ObjectionTransitionView(TransitionView):
    model = Objection


class PublicityRuleListView(ObjectListView):
    model = PublicityRule
    default_ordering = "name"
    detail_url_name = "evaluation:publicity-rule-detail"
    columns = [Column("name", _("名称"), link=True), Column("working_days", _("公示工作日数")),
               Column("needs_review", _("待核实"))]  # fmt: skip


class PublicityRuleDetailView(ObjectDetailView):
    model = PublicityRule
    edit_url_name = "evaluation:publicity-rule-edit"
    fields = PublicityRuleListView.columns


class PublicityRuleFormView(SaveThroughActions):
    model = PublicityRule
    form_class = forms.PublicityRuleForm


register_menu(
    section="evaluation", label=_("公示异议"), url_name="evaluation:objection-list",
    roles=[Role.CITY, Role.HR, Role.SECTOR, *INSTITUTIONS], order=450, icon="megaphone",
    description=_("公示期内收到的异议及处理"),
)  # fmt: skip
register_menu(section="evaluation", label=_("公示规则"), group=_("基础数据"), url_name="evaluation:publicity-rule-list",
              roles=[Role.CITY], order=549, icon="hourglass-split")  # fmt: skip


# --- Targets and progress


def progress_panel(actor) -> dict:
    from django.utils.translation import gettext

    from . import progress

    data = progress.year_progress(actor)
    data["chart_id"] = f"progress-data-{data['year']}"
    data["percent"] = min(100, data["total"] * 100 // data["target_total"]) if data["target_total"] else 0
    data["chart"] = {
        "months": data["months"], "cumulative": data["cumulative"], "target": data["target_total"],
        "monthNames": [gettext("%(month)s月") % {"month": m} for m in range(1, 13)],
        "labels": {"actual": gettext("当月取证"), "cumulative": gettext("累计"), "target": gettext("目标进度")},
    }  # fmt: skip
    data["breakdowns"] = [(gettext("按行业"), data["by_sector"]), (gettext("按区"), data["by_district"]),
                          (gettext("按评价机构"), data["by_institution"])]  # fmt: skip
    return data


def overdue_panel(actor) -> dict:
    from . import progress

    return {"overdue": progress.overdue_sessions(actor)}


class ProgressView(ActorRequiredMixin, TemplateView):
    """This year's certificates against the targets, for those who watch them."""

    template_name = "evaluation/progress.html"

    def get_context_data(self, **kwargs):
        from django.core.exceptions import PermissionDenied

        if self.actor.role not in ("city", "hr", "sector"):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        context["panel"] = progress_panel(self.actor)
        context["overdue"] = overdue_panel(self.actor)
        context["title"] = _("技能评价目标与进度")
        return context


class TargetListView(ObjectListView):
    model = Target
    default_ordering = "-year"
    create_url_name = "evaluation:target-create"
    detail_url_name = "evaluation:target-detail"
    columns = [Column("year", _("年度"), order_by="year", link=True), Column("indicator", _("指标")),
               Column("value", _("目标值")), Column("source", _("依据"))]  # fmt: skip


class TargetDetailView(ObjectDetailView):
    model = Target
    edit_url_name = "evaluation:target-edit"
    delete_url_name = "evaluation:target-delete"
    fields = TargetListView.columns


class TargetFormView(SaveThroughActions):
    model = Target
    form_class = forms.TargetForm


class TargetDeleteView(DeleteThroughActions):
    model = Target
    success_url_name = "evaluation:target-list"


register_home_panel(key="evaluation.progress", template="evaluation/panels/progress.html", roles=[Role.CITY],
                    context=progress_panel, order=10)  # fmt: skip
register_home_panel(key="evaluation.overdue", template="evaluation/panels/overdue.html", roles=[Role.HR, Role.SECTOR],
                    context=overdue_panel, order=20)  # fmt: skip
register_menu(section="evaluation", label=_("目标与进度"), url_name="evaluation:progress",
              roles=[Role.CITY, Role.HR, Role.SECTOR], order=405, icon="graph-up",
              description=_("年度取证目标、按月进度与逾期批次"))  # fmt: skip
register_menu(section="evaluation", label=_("年度目标"), group=_("基础数据"), url_name="evaluation:target-list",
              roles=[Role.CITY], order=550, icon="bullseye")  # fmt: skip


# --- Exchange with the HR system


class HrExportView(ActorRequiredMixin, View):
    """A session's candidate or results table, in the HR system's layout, as xlsx."""

    def get(self, request, pk, kind):
        from django.http import Http404

        from talentbase.core.exports.workbooks import workbook_bytes, xlsx_response

        from . import exchange
        from .models import LayoutKind

        if kind not in LayoutKind.values:
            raise Http404
        session = scoping.get_for(self.actor, EvaluationSession, pk, "view")
        headers, rows = exchange.table(actor=self.actor, session=session, kind=kind)
        name = str(LayoutKind(kind).label)
        return xlsx_response(workbook_bytes(headers, rows, sheet_name=name), f"{session.name}-{name}.xlsx")


class LayoutListView(ObjectListView):
    model = ExchangeLayout
    default_ordering = "kind"
    detail_url_name = "evaluation:layout-detail"
    columns = [Column("kind", _("表格"), link=True), Column("column_headers", _("列")),
               Column("needs_review", _("待核实"))]  # fmt: skip


class LayoutDetailView(ObjectDetailView):
    model = ExchangeLayout
    edit_url_name = "evaluation:layout-edit"
    fields = LayoutListView.columns


class LayoutFormView(SaveThroughActions):
    model = ExchangeLayout
    form_class = forms.LayoutForm


register_menu(section="evaluation", label=_("人社系统交换格式"), group=_("基础数据"), url_name="evaluation:layout-list",
              roles=[Role.CITY], order=551, icon="table")  # fmt: skip
