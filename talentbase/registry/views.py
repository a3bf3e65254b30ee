"""Registry pages: the list of persons in scope, a person's record, registration and corrections."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from talentbase.core import scoping
from talentbase.core.errors import DomainError
from talentbase.core.navigation import register_menu
from talentbase.core.roles import Role
from talentbase.core.tables import Column
from talentbase.core.views import ActorRequiredMixin, ObjectDetailView, ObjectFormView, ObjectListView

from . import actions, forms, queries, search
from .identity import today_in_china
from .models import EducationRecord, Employment, Person, ProfessionalTitle
from .sections import register_section, sections_for

RECORD_COLUMNS = [
    Column("full_name", gettext_lazy("姓名"), order_by="full_name", link=True),
    Column("id_type", gettext_lazy("证件类型")),
    Column("id_number_masked", gettext_lazy("证件号码")),
    Column("gender", gettext_lazy("性别")),
    Column("birth_date", gettext_lazy("出生日期"), order_by="birth_date"),
    Column("phone_masked", gettext_lazy("手机号码")),
    Column("status", gettext_lazy("状态"), order_by="status"),
    Column("created_at", gettext_lazy("登记时间"), order_by="created_at"),
]


class PersonListView(ObjectListView):
    """Persons in scope, filtered by name or pinyin, ID number, employment, age band, gender or status, and
    sorted by name, birth date or registration; every filter and sort order is read from an index, so a
    page stays fast on 10^6 persons (bench/search_persons.py)."""

    model = Person
    filterset_class = forms.PersonFilter
    default_ordering = "pk"
    create_url_name = "registry:person-create"
    detail_url_name = "registry:person-detail"
    export_name = "persons"
    private_filters = ("q", "id_number", "idq")
    show_total = True
    columns = [
        *RECORD_COLUMNS,
        # Read for the page's rows at once (queries.annotate_list_facts), through the actor's scope.
        Column("current_employer", gettext_lazy("用人单位")),
        Column("current_district", gettext_lazy("区")),
        Column("current_occupation", gettext_lazy("职业")),
        Column("highest_level", gettext_lazy("最高技能等级")),
        Column("in_service", gettext_lazy("在职状态")),
    ]
    # What a list of persons is asked first: who, which employer and district, what trade and level, and
    # whether the person still works there.
    default_columns = (
        "full_name", "id_number_masked", "current_employer", "current_district", "current_occupation",
        "highest_level", "in_service",
    )  # fmt: skip

    def get_queryset(self, action="view"):
        # The scope and the filters are built together: a name search may lead the query (search.py).
        with search.name_search_leading(self.request.GET.get("q")):
            return super().get_queryset(action)

    def decorate_rows(self, rows):
        return queries.annotate_list_facts(self.actor, rows)


class PersonDetailView(ObjectDetailView):
    model = Person
    template_name = "registry/person_detail.html"
    edit_url_name = "registry:person-edit"
    fields = [*RECORD_COLUMNS, Column("education", gettext_lazy("学历"))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = context["object"]
        context.update(
            {
                "sections": sections_for(self.actor, person),
                "can_merge": self.actor.role == Role.CITY,
                "merge_form": forms.MergeForm(actor=self.actor, auto_id="id_merge_%s"),
                "can_reveal": self.actor.role in actions.REVEAL_ROLES,
                "reveal_form": forms.RevealForm(actor=self.actor, auto_id="id_reveal_%s"),
            }
        )
        return context


class MyRecordView(PersonDetailView):
    """A worker's own record: the same page as an official's view of it, reached without an id. An account
    not linked to a person yet is told so and whom to ask, never answered with a 404."""

    def get(self, request, *args, **kwargs):
        self.own = queries.person_of_user(self.actor.user_id)
        if self.own is None:
            scoping.ensure_may(self.actor, Person, "view")
            return render(request, "registry/no_person.html", {"title": _("我的信息")})
        return super().get(request, *args, **kwargs)

    def get_object(self):
        person = getattr(self, "own", None) or queries.person_of_user(self.actor.user_id)
        return scoping.get_for(self.actor, Person, person.pk if person else 0, "view")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_correct_phone"] = self.actor.role == Role.WORKER
        return context


class MyPhoneView(ObjectFormView):
    """A worker corrects their phone (registry.actions.correct_own_phone)."""

    model = Person
    form_class = forms.OwnPhoneForm
    title = gettext_lazy("修改手机号码")
    success_message = gettext_lazy("手机号码已更新")

    def get(self, request, *args, **kwargs):
        if queries.person_of_user(self.actor.user_id) is None:
            return render(request, "registry/no_person.html", {"title": _("我的信息")})
        return super().get(request, *args, **kwargs)

    def get_object(self):
        if self.actor.role != Role.WORKER:
            raise PermissionDenied
        return queries.person_of_user(self.actor.user_id)

    def perform(self, form, person):
        saved = actions.correct_own_phone(actor=self.actor, phone=form.cleaned_data["phone"])
        if queries.phone_is_shared(saved.phone_hash):
            messages.warning(self.request, _("该手机号码与他人相同，不能用于登录：请用证件号码或登录名登录"))
        return saved

    def success_url(self, saved) -> str:
        return reverse("registry:my-record")


class PersonCreateView(ObjectFormView):
    model = Person
    form_class = forms.PersonForm
    title = gettext_lazy("登记人员")
    success_message = gettext_lazy("已登记")

    def perform(self, form, obj):
        return actions.register_person(actor=self.actor, **form.cleaned_data)


class PersonEditView(ObjectFormView):
    model = Person
    form_class = forms.PersonEditForm
    title = gettext_lazy("修改人员信息")

    def initial(self, person) -> dict:
        return {"full_name": person.full_name, "education": person.education, "status": person.status}

    def perform(self, form, person):
        actions.update_person(actor=self.actor, person=person, **form.cleaned_data)
        return person


class PersonRecordAddView(ObjectFormView):
    """Add one record (employment, title) to a person the actor may change: the form on the person page posts
    here, and a form with errors comes back on a page of its own, with the reasons next to the fields."""

    model = Person
    success_message = ""

    def get_object(self):
        return scoping.get_for(self.actor, Person, self.kwargs["pk"], "change")

    def form_kwargs(self, person) -> dict:
        return {}

    def perform(self, form, person):
        self.add(person, form.cleaned_data)
        return person

    def add(self, person, values):
        raise NotImplementedError


class EmploymentAddView(PersonRecordAddView):
    form_class = forms.EmploymentForm
    title = gettext_lazy("添加任职经历")
    success_message = gettext_lazy("已添加任职经历")

    def add(self, person, values):
        actions.add_employment(actor=self.actor, person=person, **values)


class DepartureView(ObjectFormView):
    """Record that a worker left: the employment ends and the person's current employer follows."""

    model = Employment
    form_class = forms.DepartureForm
    title = gettext_lazy("登记离职")
    success_message = gettext_lazy("已登记离职")

    def initial(self, employment) -> dict:
        return {"end_date": today_in_china()}

    def perform(self, form, employment):
        return actions.record_departure(actor=self.actor, employment=employment, **form.cleaned_data)


class EmploymentCorrectView(ObjectFormView):
    """Correct an employment entered wrongly: dates, occupation and work type, position."""

    model = Employment
    form_class = forms.EmploymentCorrectionForm
    title = gettext_lazy("更正任职经历")
    success_message = gettext_lazy("已更正任职经历")

    def initial(self, employment) -> dict:
        return {"occupation": employment.occupation_id, "work_type": employment.work_type_id,
                "position": employment.position, "start_date": employment.start_date,
                "end_date": employment.end_date, "department": employment.department}  # fmt: skip

    def perform(self, form, employment):
        return actions.correct_employment(actor=self.actor, employment=employment, **form.cleaned_data)


class TitleAddView(PersonRecordAddView):
    form_class = forms.TitleForm
    title = gettext_lazy("添加职称")
    success_message = gettext_lazy("已添加职称")

    def add(self, person, values):
        actions.add_title(actor=self.actor, person=person, **values)


class EducationAddView(PersonRecordAddView):
    form_class = forms.EducationForm
    title = gettext_lazy("添加学历或学徒经历")
    success_message = gettext_lazy("已添加学历或学徒经历")

    def add(self, person, values):
        actions.add_education(actor=self.actor, person=person, **values)


class MergeView(ActorRequiredMixin, View):
    """The city bureau merges a duplicate record of the same person into this one."""

    def post(self, request, pk):
        keep = scoping.get_for(self.actor, Person, pk, "change")
        form = forms.MergeForm(request.POST, actor=self.actor)
        if not form.is_valid():
            messages.error(request, _("请填写重复记录的编号和合并事由"))
            return redirect(keep.get_absolute_url())
        duplicate = scoping.get_for(self.actor, Person, form.cleaned_data["duplicate"], "change")
        try:
            actions.merge_persons(
                actor=self.actor, keep=keep, duplicate=duplicate, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("已合并"))
        return redirect(keep.get_absolute_url())


class RevealView(ActorRequiredMixin, View):
    """Show the full number once, in the response to this POST, after a reason is given; the reveal is audited."""

    def post(self, request, pk):
        person = scoping.get_for(self.actor, Person, pk, "view")
        form = forms.RevealForm(request.POST, actor=self.actor)
        if not form.is_valid():
            messages.error(request, _("请填写查看事由"))
            return redirect(person.get_absolute_url())
        try:
            value = actions.reveal(actor=self.actor, person=person, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect(person.get_absolute_url())
        # The answer to this POST, with Cache-Control: no-store (core/middleware.py): never in the session.
        revealed = {"field": form.cleaned_data["field"], "value": value}
        return PersonDetailView.shown_once(request, person.pk, revealed=revealed)


register_menu(
    section="registry", label=gettext_lazy("人员"), url_name="registry:person-list",
    roles=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EMPLOYER], order=300, icon="person-vcard",
    description=gettext_lazy("技能人才信息库（实名制）"),
)  # fmt: skip
register_menu(
    section="registry", label=gettext_lazy("我的信息"), url_name="registry:my-record", roles=[Role.WORKER],
    order=300, icon="person-badge", description=gettext_lazy("我的登记信息与任职经历"),
)  # fmt: skip
register_menu(
    section="registry", label=gettext_lazy("花名册导入"), url_name="registry:import-list", roles=[Role.CITY, Role.EMPLOYER],
    order=310, icon="file-earmark-arrow-up", description=gettext_lazy("从 Excel 或 CSV 批量登记人员，先预览校验再导入"),
)  # fmt: skip


def _may_add(model):
    return lambda actor, person: {
        "can_add": scoping.may(actor, model, "add") and scoping.in_scope(actor, person, "change")
    }


register_section(
    key="employment", title=gettext_lazy("任职经历"), template="registry/sections/employment.html", order=10,
    rows=lambda actor, person: scoping.visible_to(actor, Employment).filter(person=person)
    .select_related("employer", "occupation", "work_type"),
    context=lambda actor, person: {
        **_may_add(Employment)(actor, person), "form": forms.EmploymentForm(actor=actor, auto_id="id_employment_%s"),
        "changeable": set(scoping.visible_to(actor, Employment, "change").filter(person=person).values_list("pk", flat=True))
        if scoping.may(actor, Employment, "change") else set(),
    },
)  # fmt: skip
register_section(
    key="titles", title=gettext_lazy("职称"), template="registry/sections/titles.html", order=20,
    rows=lambda actor, person: scoping.visible_to(actor, ProfessionalTitle).filter(person=person),
    context=lambda actor, person: {**_may_add(ProfessionalTitle)(actor, person), "form": forms.TitleForm(actor=actor, auto_id="id_title_%s")},
)  # fmt: skip
register_section(
    key="education", title=gettext_lazy("学历与学徒经历"), template="registry/sections/education.html", order=25,
    rows=lambda actor, person: scoping.visible_to(actor, EducationRecord).filter(person=person).select_related("trade"),
    context=lambda actor, person: {**_may_add(EducationRecord)(actor, person),
                                   "form": forms.EducationForm(actor=actor, auto_id="id_education_%s")},
)  # fmt: skip
