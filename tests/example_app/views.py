from talentbase.core.tables import Column
from talentbase.core.views import ObjectDetailView, ObjectFormView, ObjectListView, TransitionView

from . import actions, forms
from .models import Application


class ApplicationListView(ObjectListView):
    model = Application
    title = "申请"
    create_url_name = "example:application-create"
    columns = [Column("person.full_name", "申请人", link=True), Column("state", "状态", order_by="state")]


class ApplicationDetailView(ObjectDetailView):
    model = Application
    transition_url_name = "example:application-transition"
    fields = ApplicationListView.columns + [Column("starts_on", "开课日期")]


class ApplicationCreateView(ObjectFormView):
    model = Application
    title = "登记申请"
    form_class = forms.ApplicationForm

    def perform(self, form, obj):
        return actions.apply(actor=self.actor, **form.cleaned_data)


class ApplicationTransitionView(TransitionView):
    model = Application
