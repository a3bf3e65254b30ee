"""The one progress page of every job (``/jobs/<id>/``, its owner only: others get 404): the progress bar,
polled by htmx while the job runs (the page reloads when it ends), then the result file or the error; and
the owner's list of jobs."""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from talentbase.core import scoping
from talentbase.core.exports.workbooks import xlsx_response
from talentbase.core.tables import Column
from talentbase.core.views import ActorRequiredMixin, ObjectListView

from . import actions
from .models import Job


class JobListView(ObjectListView):
    model = Job
    default_ordering = "-pk"
    title = _("我的任务")
    columns = [
        Column("title", _("名称"), link=True),
        Column("state", _("状态")),
        Column("progress_done", _("已处理")),
        Column("created_at", _("创建时间")),
        Column("finished_at", _("完成时间")),
    ]


class JobDetailView(ActorRequiredMixin, TemplateView):
    template_name = "core/job_detail.html"

    def get_context_data(self, **kwargs):
        job = scoping.get_for(self.actor, Job, self.kwargs["pk"], "view")
        target = job.target if job.target_type_id else None
        return {**super().get_context_data(**kwargs), "job": job, "title": job.title or job.kind,
                "target_url": target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""}  # fmt: skip


class JobProgressView(JobDetailView):
    template_name = "core/_job_progress.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not response.context_data["job"].is_running and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response


class JobDownloadView(ActorRequiredMixin, View):
    def get(self, request, pk) -> HttpResponse:
        try:
            job, content = actions.read_result(self.actor, pk)
        except FileNotFoundError:
            raise Http404 from None
        return xlsx_response(content, job.result_filename or f"job-{job.pk}.xlsx")
