"""The pages of an import, the same for every kind: an app adds ``*import_urls(kind)`` to its urlpatterns,
which wires the URL names ``import-list``, ``-create``, ``-detail``, ``-progress``, ``-commit``,
``-cancel``, ``-errors`` and ``-template`` under the app's namespace (its importer's ``url_prefix``); an app
with several kinds names each its own prefix (``import_urls(kind, "score-import")``).

upload (file, mode, policy) → the batch page: while the job runs, a progress bar polled with htmx; then
the preview (counts, the first 200 errors, buttons to commit all or nothing, only the valid rows, download
the rows in error, cancel); then the result."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from talentbase.core import audit, scoping
from talentbase.core.errors import DomainError
from talentbase.core.exports.workbooks import xlsx_response
from talentbase.core.forms import ScopedForm
from talentbase.core.imports.models import ImportBatch, ImportMode, ImportPolicy, ImportState
from talentbase.core.tables import Column
from talentbase.core.views import ActorRequiredMixin, ObjectListView, apply_domain_error

from . import machinery
from .reports import template_bytes

ERRORS_SHOWN = 200


class UploadForm(ScopedForm):
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("Excel（.xlsx、.xls）、.ods 或 CSV（UTF-8 或 GBK），不超过 50 MB"),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("已有记录的处理"), choices=ImportMode.choices, initial=ImportMode.CREATE,
        widget=forms.RadioSelect,
    )  # fmt: skip
    policy = forms.ChoiceField(
        label=gettext_lazy("有错误行时"), choices=ImportPolicy.choices, initial=ImportPolicy.ALL,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("预览后还可以再选择；全部导入或全部不导入，不会只写入一部分"),
    )  # fmt: skip

    def __init__(self, *args, importer: machinery.Importer, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in importer.option_fields(self.actor).items():
            self.fields[name] = field
        # Options may bring scoped choices and need the same styling.
        from talentbase.core.forms import scope_choice_fields, style_widgets

        scope_choice_fields(self.fields, self.actor)
        style_widgets(self.fields)


class ImportMixin(ActorRequiredMixin):
    kind = ""

    @property
    def importer(self) -> machinery.Importer:
        return machinery.get_importer(self.kind)

    def ensure_may_import(self) -> None:
        scoping.ensure_may(self.actor, ImportBatch, "add")
        if not self.importer.may_import(self.actor):
            raise PermissionDenied

    def get_batch(self, action: str = "view") -> ImportBatch:
        return scoping.get_for(
            self.actor, ImportBatch.objects.filter(kind=self.kind), self.kwargs["pk"], action
        )


class ImportListView(ImportMixin, ObjectListView):
    model = ImportBatch
    default_ordering = "-pk"
    columns = [
        Column("original_filename", gettext_lazy("文件名"), link=True),
        Column("state", gettext_lazy("状态"), order_by="state"),
        Column("mode", gettext_lazy("已有记录")),
        Column("total_rows", gettext_lazy("数据行")),
        Column("error_rows", gettext_lazy("错误行")),
        Column("written_rows", gettext_lazy("已写入")),
        Column("created_by", gettext_lazy("上传人")),
        Column("created_at", gettext_lazy("上传时间"), order_by="created_at"),
    ]

    @property
    def create_url_name(self):
        return f"{self.importer.url_prefix}-create"

    @property
    def title(self):
        return _("{label}导入").format(label=self.importer.label)

    def base_queryset(self):
        return ImportBatch.objects.filter(kind=self.kind).select_related("created_by")


class ImportCreateView(ImportMixin, TemplateView):
    template_name = "core/imports/upload.html"

    def form(self, data=None, files=None) -> UploadForm:
        return UploadForm(data, files, actor=self.actor, importer=self.importer)

    def render_form(self, form, status=200):
        context = self.get_context_data(
            form=form, importer=self.importer, title=_("导入{label}").format(label=self.importer.label),
            template_url=self.importer.url("template"), list_url=self.importer.url("list"),
        )  # fmt: skip
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        self.ensure_may_import()
        return self.render_form(self.form())

    def post(self, request, *args, **kwargs):
        self.ensure_may_import()
        form = self.form(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                batch = machinery.upload(
                    actor=self.actor, kind=self.kind, uploaded_file=data["file"], mode=data["mode"],
                    policy=data["policy"], options=self.importer.clean_options(self.actor, data),
                )  # fmt: skip
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                return redirect(batch.get_absolute_url())
        return self.render_form(form, status=400)


class ImportDetailView(ImportMixin, TemplateView):
    """The batch: progress while a job runs, then the preview with its buttons, then the result."""

    template_name = "core/imports/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.get_batch()
        may_act = scoping.in_scope(self.actor, batch, "change") and self.importer.may_import(self.actor)
        previewed = batch.state == ImportState.PREVIEWED
        context.update(
            {
                "batch": batch,
                "importer": self.importer,
                "title": batch.original_filename,
                "errors": machinery.preview_errors(self.actor, batch, ERRORS_SHOWN)
                if batch.error_rows or batch.error_report
                else [],
                "unused_headers": machinery.unused_headers(self.importer, batch.headers or []),
                "errors_shown": ERRORS_SHOWN,
                "can_commit_all": may_act and previewed and not batch.error_rows and batch.valid_rows,
                "can_commit_valid": may_act and previewed and batch.valid_rows,
                "show_commit": may_act and previewed,
                "can_cancel": may_act and batch.state in machinery.CANCELLABLE,
                "has_report": bool(batch.error_report),
                "url": {
                    name: self.importer.url(name, batch.pk)
                    for name in ("progress", "commit", "cancel", "errors")
                },  # fmt: skip
                "list_url": self.importer.url("list"),
                "create_url": self.importer.url("create"),
            }
        )
        return context


class ImportProgressView(ImportMixin, TemplateView):
    """The progress bar alone, polled by htmx every second; when the job is over the page reloads."""

    template_name = "core/imports/_progress.html"

    def get(self, request, *args, **kwargs):
        batch = self.get_batch()
        response = self.render_to_response(
            {"batch": batch, "progress_url": self.importer.url("progress", batch.pk)}
        )
        if not batch.is_running and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response


class ImportCommitView(ImportMixin, View):
    def post(self, request, pk):
        batch = self.get_batch("change")
        try:
            machinery.commit(actor=self.actor, batch=batch, policy=request.POST.get("policy") or None)
        except DomainError as error:
            messages.error(request, str(error.message))
        return redirect(batch.get_absolute_url())


class ImportCancelView(ImportMixin, View):
    def post(self, request, pk):
        batch = self.get_batch("change")
        try:
            machinery.cancel(actor=self.actor, batch=batch)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("已取消该批次"))
        return redirect(batch.get_absolute_url())


class ImportErrorReportView(ImportMixin, View):
    """The rows in error with their reasons (they hold personal data as typed: the download is audited)."""

    def get(self, request, pk):
        batch = self.get_batch()
        path = machinery.media_path(batch.error_report) if batch.error_report else None
        if path is None or not path.exists():
            raise Http404
        audit.record_audit(actor=self.actor, verb=audit.EXPORT, obj=batch, reason="import error report")
        name = _("{name}-错误行.xlsx").format(name=Path(batch.original_filename).stem)
        return xlsx_response(machinery.read_private(batch.error_report), name)


class ImportTemplateView(ImportMixin, View):
    def get(self, request, *args, **kwargs) -> HttpResponse:
        self.ensure_may_import()
        importer = self.importer
        content = template_bytes(
            importer.columns,
            title=_("{label}导入模板").format(label=importer.label),
            instructions=importer.instructions(),
        )
        return xlsx_response(content, importer.template_filename)


def import_urls(kind: str, prefix: str = "import") -> list:
    """The eight pages of one kind of import, under ``<prefix>s/`` of the app that owns the importer, named
    ``<prefix>-list``, ``<prefix>-create``… An app with several kinds gives each its prefix
    (``import_urls("evaluation.scores", "score-import")``), and each importer's ``url_prefix`` is the app's
    namespace and that prefix (``"evaluation:score-import"``)."""
    from django.urls import path

    base = f"{prefix}s/"
    return [
        path(base, ImportListView.as_view(kind=kind), name=f"{prefix}-list"),
        path(f"{base}new/", ImportCreateView.as_view(kind=kind), name=f"{prefix}-create"),
        path(f"{base}template.xlsx", ImportTemplateView.as_view(kind=kind), name=f"{prefix}-template"),
        path(f"{base}<int:pk>/", ImportDetailView.as_view(kind=kind), name=f"{prefix}-detail"),
        path(f"{base}<int:pk>/progress/", ImportProgressView.as_view(kind=kind), name=f"{prefix}-progress"),
        path(f"{base}<int:pk>/commit/", ImportCommitView.as_view(kind=kind), name=f"{prefix}-commit"),
        path(f"{base}<int:pk>/cancel/", ImportCancelView.as_view(kind=kind), name=f"{prefix}-cancel"),
        path(
            f"{base}<int:pk>/errors.xlsx", ImportErrorReportView.as_view(kind=kind), name=f"{prefix}-errors"
        ),
    ]
