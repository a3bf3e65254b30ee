"""Pages for organisations and the filings of evaluation institutions."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from talentbase.core import actions as core_actions
from talentbase.core import scoping
from talentbase.core.navigation import register_menu
from talentbase.core.roles import STAFF_ROLES, Role
from talentbase.core.tables import Column
from talentbase.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    TransitionView,
)

from . import actions, forms
from .models import EvaluationFiling, Organisation
from .workflows import may_delete_filing, may_edit_filing


class OrganisationListView(ObjectListView):
    model = Organisation
    filterset_class = forms.OrganisationFilter
    default_ordering = "name"
    create_url_name = "orgs:organisation-create"
    detail_url_name = "orgs:organisation-detail"
    export_name = "organisations"
    columns = [
        Column("name", _("单位名称"), order_by="name", link=True),
        Column("credit_code", _("统一社会信用代码"), order_by="credit_code"),
        Column("kinds", _("单位类型")),
        Column("district", _("所在区"), order_by="district__order"),
        Column("sectors", _("行业")),
        Column("is_active", _("启用"), order_by="is_active"),
    ]

    def base_queryset(self):
        return Organisation.objects.select_related("district").prefetch_related("kinds", "sectors")


class OrganisationDetailView(ObjectDetailView):
    model = Organisation
    edit_url_name = "orgs:organisation-edit"
    delete_url_name = "orgs:organisation-delete"
    fields = OrganisationListView.columns + [
        Column("short_name", _("简称")),
        Column("address", _("地址")),
        Column("contact_name", _("联系人")),
        Column("contact_phone", _("联系电话")),
    ]


class OrganisationFormView(ObjectFormView):
    model = Organisation
    form_class = forms.OrganisationForm

    def perform(self, form, obj):
        values, m2m = form.model_values()
        return actions.save_organisation(actor=self.actor, organisation=obj, values=values, m2m=m2m)


class OrganisationDeleteView(ObjectDeleteView):
    model = Organisation
    success_url_name = "orgs:organisation-list"

    def perform(self, obj):
        core_actions.delete_object(actor=self.actor, obj=obj)


class FilingListView(ObjectListView):
    model = EvaluationFiling
    filterset_class = forms.FilingFilter
    default_ordering = "-created_at"
    create_url_name = "orgs:filing-create"
    detail_url_name = "orgs:filing-detail"
    export_name = "filings"
    columns = [
        Column("organisation", _("评价机构"), order_by="organisation__name", link=True),
        Column("occupation", _("职业"), order_by="occupation__code", link=True),
        Column("levels", _("等级")),
        Column("filing_number", _("备案编号"), order_by="filing_number"),
        Column("valid_from", _("有效期起"), order_by="valid_from"),
        Column("valid_to", _("有效期止"), order_by="valid_to"),
        Column("state", _("状态"), order_by="state"),
        Column("standing_label", _("今日是否有效")),
    ]

    def base_queryset(self):
        return EvaluationFiling.objects.select_related("organisation", "occupation").prefetch_related(
            "levels"
        )


class FilingDetailView(ObjectDetailView):
    model = EvaluationFiling
    edit_url_name = "orgs:filing-edit"
    delete_url_name = "orgs:filing-delete"
    transition_url_name = "orgs:filing-transition"
    fields = FilingListView.columns + [
        Column("institution_type", _("机构类型")),
        Column("ministry_code", _("人社部机构代码")),
        Column("province_code", _("省份代码")),
        Column("site_serial", _("站点序号")),
        Column("numbering", _("证书编号方式")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Only what may be done now: a submitted filing is no longer edited or deleted by its institution.
        context["can_change"] = context["can_change"] and may_edit_filing(self.actor, self.object)
        context["can_delete"] = context["can_delete"] and may_delete_filing(self.actor, self.object)
        return context


class FilingFormView(ObjectFormView):
    model = EvaluationFiling
    form_class = forms.FilingForm

    def editable(self, obj) -> bool:
        return may_edit_filing(self.actor, obj)

    def perform(self, form, obj):
        values, m2m = form.model_values()
        if obj is None:
            return actions.create_filing(actor=self.actor, values=values, m2m=m2m)
        return actions.update_filing(actor=self.actor, filing=obj, values=values, m2m=m2m)


class FilingDeleteView(ObjectDeleteView):
    model = EvaluationFiling
    success_url_name = "orgs:filing-list"

    def get_object(self):
        filing = super().get_object()
        if not may_delete_filing(self.actor, filing):
            raise Http404
        return filing

    def perform(self, obj):
        actions.delete_filing(actor=self.actor, filing=obj)


class FilingTransitionView(TransitionView):
    model = EvaluationFiling


def _count(model):
    return lambda actor: scoping.visible_to(actor, model).count()


register_menu(
    section="orgs", label=_("单位"), url_name="orgs:organisation-list", roles=STAFF_ROLES - {Role.WORKER},
    order=100, icon="building", description=_("主管部门、机构与用人单位"), count=_count(Organisation),
)  # fmt: skip
register_menu(
    section="orgs", label=_("评价机构备案"), url_name="orgs:filing-list",
    roles=[Role.CITY, Role.HR, Role.SECTOR, Role.EVALUATION, Role.ASSOCIATION], order=200, icon="patch-check",
    description=_("评价机构的职业、等级备案与审核"), count=_count(EvaluationFiling),
)  # fmt: skip
