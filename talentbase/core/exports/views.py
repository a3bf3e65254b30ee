"""The user's own exports ("我的导出"): the export jobs among their jobs. An export's page, progress and
download are those of its job (``/jobs/<id>/``); the export URLs of before redirect there, so that links
and bookmarks keep working (an export job kept its id when exports became jobs)."""

from django.utils.translation import gettext_lazy as _

from talentbase.core.jobs.views import JobListView

from .background import KIND


class ExportJobListView(JobListView):
    title = _("我的导出")

    def base_queryset(self):
        return super().base_queryset().filter(kind=KIND)
