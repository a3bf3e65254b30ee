"""A background export's page: its progress (polled by htmx), then the download; the user's own exports."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from talentbase.core import scoping
from talentbase.core.tables import Column
from talentbase.core.views import ActorRequiredMixin, ObjectListView

from . import background
from .models import ExportJob
from .workbooks import xlsx_response


class ExportJobListView(ObjectListView):
    model = ExportJob
    default_ordering = "-pk"
    title = _("我的导出")
    columns = [
        Column("title", _("名称"), link=True),
        Column("state", _("状态")),
        Column("total_rows", _("行数")),
        Column("created_at", _("创建时间")),
        Column("finished_at", _("完成时间")),
    ]


class ExportJobDetailView(ActorRequiredMixin, TemplateView):
    template_name = "core/export_detail.html"

    def get_context_data(self, **kwargs):
        job = scoping.get_for(self.actor, ExportJob, self.kwargs["pk"], "view")
        return {**super().get_context_data(**kwargs), "job": job, "title": job.title}


class ExportJobProgressView(ExportJobDetailView):
    template_name = "core/_export_progress.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not response.context_data["job"].is_running and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response


class ExportJobDownloadView(ActorRequiredMixin, View):
    def get(self, request, pk):
        job = scoping.get_for(self.actor, ExportJob, pk, "view")
        try:
            content = background.read_file(self.actor, job)
        except FileNotFoundError:
            raise Http404 from None
        return xlsx_response(content, job.filename)
