"""Thin base pages that apply scoping, so no page can forget it.

A list page fetches with ``visible_to``, a detail or edit page with ``get_for`` (404 when out of scope
or missing, 403 when the role may never), and a write goes through an action function with the actor.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from . import audit, scoping, workflow
from .errors import DomainError
from .exports import background as export_jobs
from .exports.workbooks import workbook_bytes, xlsx_response
from .navigation import menu_for
from .pagination import Ordering, keyset_page
from .tables import Column


class ActorRequiredMixin(LoginRequiredMixin):
    """A signed-in user acting in a role. Pages for a role that may never act answer 403."""

    raise_exception = False

    @property
    def actor(self):
        return self.request.actor


class HomeView(ActorRequiredMixin, TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cards = []
        for entry in menu_for(self.actor):
            count = None
            if entry.count is not None:
                try:
                    count = entry.count(self.actor)
                except PermissionDenied:
                    count = None
            cards.append((entry, count))
        context["cards"] = cards
        return context


def apply_domain_error(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


class ObjectListView(ActorRequiredMixin, TemplateView):
    """A filtered, sortable, paginated list of the rows in the actor's scope, exportable to Excel."""

    model = None
    filterset_class = None
    columns: list[Column] = []
    # One field (then the primary key): lists are paged by keyset, so page 5000 costs what page 1 does.
    default_ordering = "pk"
    paginate_by = 50
    template_name = "core/object_list.html"
    title = ""
    create_url_name: str | None = None
    export_name = ""
    # Filters whose values are personal data (a name, an ID number): the export's audit row records that
    # they were used, not what was searched for.
    private_filters: tuple[str, ...] = ()

    def base_queryset(self):
        return self.model._default_manager.all()

    def get_queryset(self, action="view"):
        queryset = scoping.visible_to(self.actor, self.base_queryset(), action)
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(
                self.request.GET or None, queryset=queryset, actor=self.actor
            )
            queryset = self.filterset.qs
        return queryset.order_by(*self.ordering().order_by())

    def ordering(self) -> Ordering:
        sortable = {c.order_by for c in self.columns if c.order_by}
        requested = self.request.GET.get("sort", "")
        return Ordering.parse(requested if requested.lstrip("-") in sortable else self.default_ordering)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        """A filter form with personal data posts here and is redirected to its URL-safe query."""
        if self.filterset_class is None or not self.filterset_class.posts_query:
            return HttpResponseNotAllowed(["GET"])
        query = request.POST.copy()
        query.pop("csrfmiddlewaretoken", None)
        query = self.filterset_class.url_safe_query(query)
        return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")

    def export(self):
        queryset = self.get_queryset("export")
        filename = f"{self.export_name or self.model._meta.model_name}.xlsx"
        if export_jobs.is_large(queryset):
            # Too many rows for one request (PERFORMANCE.md: ~15k rows/s): a job writes the file with progress.
            job = export_jobs.start(
                actor=self.actor, url_name=self.request.resolver_match.view_name, query=self.request.GET,
                title=str(self.title or self.model._meta.verbose_name_plural), filename=filename,
                audited_query=self.audited_query(), model_label=self.model._meta.label_lower,
            )  # fmt: skip
            return HttpResponseRedirect(job.get_absolute_url())
        rows = ([column.value(obj) for column in self.columns] for obj in queryset.iterator(chunk_size=2000))
        content = workbook_bytes([str(c.label) for c in self.columns], rows)
        audit.record_audit(
            actor=self.actor,
            verb=audit.EXPORT,
            object_type=self.model._meta.label_lower,
            reason=self.audited_query()[:500],
        )
        return xlsx_response(content, filename)

    def audited_query(self) -> str:
        query = self.request.GET.copy()
        for name in self.private_filters:
            if query.get(name):
                query[name] = "*"
        return query.urlencode()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = keyset_page(
            self.get_queryset(), self.ordering(), self.request.GET.get("after"), self.paginate_by
        )
        query = self.request.GET.copy()
        query.pop("after", None)
        context.update(
            {
                "title": self.title or self.model._meta.verbose_name_plural,
                "columns": self.columns,
                "page_obj": page,
                "rows": [(obj, [(c.value(obj), c.link, c.label) for c in self.columns]) for obj in page.rows],
                "filter": self.filterset,
                "query": query.urlencode(),
                "sort": self.request.GET.get("sort", ""),
                "can_add": scoping.may(self.actor, self.model, "add") and self.create_url_name,
                "create_url_name": self.create_url_name,
                "can_export": scoping.may(self.actor, self.model, "export"),
            }
        )
        return context


class ObjectDetailView(ActorRequiredMixin, TemplateView):
    """One object in the actor's scope, with its workflow buttons and decision history."""

    model = None
    template_name = "core/object_detail.html"
    fields: list[Column] = []
    edit_url_name: str | None = None
    delete_url_name: str | None = None
    transition_url_name: str | None = None

    def get_object(self):
        return scoping.get_for(self.actor, self.model, self.kwargs["pk"], "view")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object = self.get_object()
        has_workflow = self.transition_url_name is not None
        context.update(
            {
                "object": obj,
                "title": str(obj),
                "fields": [(c.label, c.value(obj)) for c in self.fields],
                "can_change": self.edit_url_name and scoping.in_scope(self.actor, obj, "change"),
                "can_delete": self.delete_url_name and scoping.in_scope(self.actor, obj, "delete"),
                "edit_url_name": self.edit_url_name,
                "delete_url_name": self.delete_url_name,
                "transitions": workflow.available_transitions(obj, self.actor) if has_workflow else [],
                "transition_url_name": self.transition_url_name,
                "decisions": workflow.decision_history(obj) if has_workflow else [],
            }
        )
        return context


class ObjectFormView(ActorRequiredMixin, TemplateView):
    """Create (no ``pk``) or change an object through an action. The form gets the actor, so that its
    choices are scoped too."""

    model = None
    form_class = None
    template_name = "core/object_form.html"
    title = ""

    def get_object(self):
        if "pk" not in self.kwargs:
            scoping.ensure_may(self.actor, self.model, "add")
            return None
        return scoping.get_for(self.actor, self.model, self.kwargs["pk"], "change")

    def get_form(self, obj):
        data = self.request.POST if self.request.method == "POST" else None
        return self.form_class(data, instance=obj, actor=self.actor)

    def perform(self, form, obj):
        raise NotImplementedError

    def success_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.render_to_response(self.context(self.get_form(obj), obj))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.get_form(obj)
        if form.is_valid():
            try:
                saved = self.perform(form, obj)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已保存"))
                return HttpResponseRedirect(self.success_url(saved))
        return self.render_to_response(self.context(form, obj), status=400 if form.errors else 200)

    def context(self, form, obj):
        verbose = self.model._meta.verbose_name
        title = self.title or (
            _("修改{name}").format(name=verbose) if obj else _("新增{name}").format(name=verbose)
        )
        return self.get_context_data(form=form, object=obj, title=title)


class ObjectDeleteView(ActorRequiredMixin, TemplateView):
    model = None
    template_name = "core/object_confirm_delete.html"
    success_url_name = ""

    def get_object(self):
        return scoping.get_for(self.actor, self.model, self.kwargs["pk"], "delete")

    def perform(self, obj):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.render_to_response(self.get_context_data(object=obj, title=_("删除确认")))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            self.perform(obj)
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect(obj.get_absolute_url())
        messages.success(request, _("已删除"))
        return redirect(self.success_url_name)


class TransitionView(ActorRequiredMixin, View):
    """POST a transition name and a comment; the workflow table decides, whatever the client sent."""

    model = None

    def post(self, request, pk, name):
        obj = scoping.get_for(self.actor, self.model, pk, "change")
        try:
            workflow.take_transition(obj, name, actor=self.actor, comment=request.POST.get("comment", ""))
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("操作成功"))
        return redirect(obj.get_absolute_url())
