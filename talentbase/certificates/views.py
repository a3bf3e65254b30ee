"""Pages for the certificates the platform issued."""

import django_filters
from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View

from talentbase.core import scoping
from talentbase.core.errors import DomainError
from talentbase.core.forms import ScopedFilterSet, ScopedForm
from talentbase.core.navigation import register_menu
from talentbase.core.roles import Role
from talentbase.core.tables import Column
from talentbase.core.views import (
    ActorRequiredMixin,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    TransitionView,
)
from talentbase.registry.sections import register_section

from . import issuing
from .models import Certificate, CertificateStatus


class CertificateFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=CertificateStatus.choices, label=_("状态"))
    number = django_filters.CharFilter(label=_("证书编号"))

    class Meta:
        model = Certificate
        fields = []


class CertificateListView(ObjectListView):
    model = Certificate
    filterset_class = CertificateFilter
    default_ordering = "-issued_on"
    detail_url_name = "certificates:certificate-detail"
    export_name = "certificates"
    show_total = True
    columns = [
        Column("number", _("证书编号"), order_by="number", link=True),
        Column("person.full_name", _("持证人")),
        Column("occupation", _("职业"), order_by="occupation__code"),
        Column("level", _("等级"), order_by="level__rank"),
        Column("issuer", _("发证机构")),
        Column("issued_on", _("发证日期"), order_by="issued_on"),
        Column("status", _("状态"), order_by="status"),
    ]

    def base_queryset(self):
        return Certificate.objects.select_related("person", "occupation", "level", "issuer")


class CertificateDetailView(ObjectDetailView):
    model = Certificate
    template_name = "certificates/certificate_detail.html"
    transition_url_name = "certificates:certificate-transition"
    fields = CertificateListView.columns + [
        Column("person.id_number_masked", _("证件号码")),
        Column("work_type", _("工种")),
        Column("filing.filing_number", _("备案编号")),
        Column("session", _("考评批次")),
        Column("application.ticket", _("准考证号")),
        Column("revoked_on", _("撤销日期")),
        Column("revocation_reason", _("撤销原因")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificate = self.object
        context["may_number"] = (certificate.status == CertificateStatus.AWAITING_NUMBER
                                 and scoping.in_scope(self.actor, certificate, "change"))  # fmt: skip
        context["number_form"] = NumberForm(actor=self.actor)
        return context


class CertificateTransitionView(TransitionView):
    model = Certificate


class NumberForm(ScopedForm):
    number = forms.CharField(label=_("人社系统证书编号"), max_length=40)


class NumberView(ObjectFormView):
    model = Certificate
    form_class = NumberForm
    title = _("登记证书编号")
    success_message = _("已登记证书编号，证书生效")

    def perform(self, form, obj):
        return issuing.assign_number(actor=self.actor, certificate=obj, number=form.cleaned_data["number"])


class IssueView(ActorRequiredMixin, View):
    """发证 from a session's page (POST): every certificate the session may issue now."""

    def post(self, request, pk):
        from talentbase.evaluation.models import EvaluationSession

        session = scoping.get_for(self.actor, EvaluationSession, pk, "change")
        try:
            counts = issuing.issue_certificates(actor=self.actor, session=session)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("已颁发 {issued} 张证书，{awaiting} 张待人社系统编号，{held} 名因异议暂缓").format(**counts))
        return redirect(session.get_absolute_url())


register_menu(
    section="certificates", label=_("平台颁发证书"), url_name="certificates:certificate-list",
    roles=[Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EVALUATION, Role.ASSOCIATION, Role.EMPLOYER],
    order=460, icon="award", description=_("本平台颁发的职业技能等级证书"),
)  # fmt: skip
register_menu(
    section="certificates", label=_("我的证书"), url_name="certificates:certificate-list", roles=[Role.WORKER],
    order=305, icon="award", description=_("本平台为我颁发的证书"),
)  # fmt: skip
register_menu(
    section="certificates", label=_("导入人社系统编号"), url_name="certificates:number-import-list",
    roles=[Role.HR, Role.EVALUATION, Role.ASSOCIATION], order=461, icon="file-earmark-arrow-up",
    description=_("由人社系统编号的证书：导入编号，先预览校验再提交"),
)  # fmt: skip
register_section(
    key="platform-certificates", title=_("平台颁发证书"), template="certificates/section.html", order=35,
    rows=lambda actor, person: scoping.visible_to(actor, Certificate).filter(person=person)
    .select_related("occupation", "level", "issuer"),
)  # fmt: skip
