"""Thin base pages that apply scoping, so no page can forget it.

A list page fetches with ``visible_to``, a detail or edit page with ``get_for`` (404 when out of scope
or missing, 403 when the role may never), and a write goes through an action function with the actor.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from . import actions, audit, scoping, workflow
from .errors import DomainError
from .exports import background as export_jobs
from .exports.workbooks import workbook_bytes, xlsx_response
from .models import ListColumns
from .navigation import menu_for
from .pagination import Ordering, keyset_page, total_of
from .tables import Column, DetailLink, column_chooser_rows, escaped_labels, row_cells


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
        from .navigation import home_panels

        context["panels"] = home_panels(self.actor)
        return context


def apply_domain_error(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


class ObjectListView(ActorRequiredMixin, TemplateView):
    """A filtered, sortable, paginated list of the rows in the actor's scope, exportable to Excel."""

    model = None
    filterset_class = None
    # Every column the list can show; ``default_columns`` (accessors) the ones shown until a user chooses
    # (empty: all of them, in this order).
    columns: list[Column] = []
    default_columns: tuple[str, ...] = ()
    # Show how many rows the filters keep (exact while cheap, else estimated: pagination.total_of).
    show_total = False
    # One field (then the primary key): lists are paged by keyset, so page 5000 costs what page 1 does.
    default_ordering = "pk"
    paginate_by = 50
    template_name = "core/object_list.html"
    title = ""
    create_url_name: str | None = None
    # The URL name of the rows' detail page, when ``get_absolute_url`` is exactly reverse(it, args=[pk]):
    # the page then reverses once, not once per row.
    detail_url_name: str | None = None
    export_name = ""
    # Extra classes of the list's table (e.g. "tb-wrap": cells wrap, the table fits the screen).
    table_class = ""
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

    def default_column_list(self) -> list[Column]:
        if not self.default_columns:
            return list(self.columns)
        by_accessor = {column.accessor: column for column in self.columns}
        return [by_accessor[accessor] for accessor in self.default_columns]

    def table_name(self) -> str:
        match = self.request.resolver_match
        return match.view_name if match else ""

    def shown_columns(self) -> list[Column]:
        """The columns this user shows, in their order (core.models.ListColumns), else the default set."""
        if not hasattr(self, "_shown_columns"):
            chosen = (
                scoping.visible_to(self.actor, ListColumns)
                .filter(table=self.table_name())
                .values_list("columns", flat=True)
                .first()
            )
            by_accessor = {column.accessor: column for column in self.columns}
            shown = [by_accessor[name] for name in chosen or () if name in by_accessor]
            self._shown_columns = shown or self.default_column_list()
        return self._shown_columns

    def decorate_rows(self, rows: list) -> list:
        """A hook for what a page shows beside the rows' own fields, read for the page's rows at once."""
        return rows

    def decorated(self, queryset, chunk_size: int = 2000):
        """The queryset's rows, decorated a chunk at a time (an export of many rows)."""
        chunk = []
        for obj in queryset.iterator(chunk_size=chunk_size):
            chunk.append(obj)
            if len(chunk) == chunk_size:
                yield from self.decorate_rows(chunk)
                chunk = []
        yield from self.decorate_rows(chunk)

    def sheet_name(self) -> str:
        return str(self.title or self.model._meta.verbose_name_plural)

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
        columns = self.shown_columns()
        rows = ([column.value(obj) for column in columns] for obj in self.decorated(queryset))
        content = workbook_bytes([str(c.label) for c in columns], rows, sheet_name=self.sheet_name())
        audit.record_audit(
            actor=self.actor,
            verb=audit.EXPORT,
            object_type=self.model._meta.label_lower,
            reason=self.audited_query()[:500],
        )
        return xlsx_response(content, filename)

    def page_rows(self, rows: list, columns: list[Column]) -> list[tuple[object, SafeString]]:
        labels = escaped_labels(columns)
        words = (_("是"), _("否"))
        url_of = DetailLink(self.detail_url_name) if self.detail_url_name else None
        return [(obj, row_cells(obj, columns, labels, words=words, url_of=url_of))
                for obj in self.decorate_rows(rows)]  # fmt: skip

    def column_choices(self, shown: list[Column]) -> list[tuple[Column, int | None]]:
        """Every column with its place among the shown ones (None: hidden), shown ones first."""
        places = {column.accessor: number for number, column in enumerate(shown, start=1)}
        hidden = [(column, None) for column in self.columns if column.accessor not in places]
        return [(column, places[column.accessor]) for column in shown] + hidden

    def filter_fields(self) -> dict | None:
        """The filters shown at once (the filter set's ``primary``, else all) and the others, folded under
        "更多筛选" (open when one of them is set): a phone's first screen shows results, not nine fields."""
        if self.filterset is None:
            return None
        visible = self.filterset.form.visible_fields()
        primary_names = getattr(self.filterset, "primary", None)
        if not primary_names:
            return {"primary": visible, "more": [], "more_open": False, "more_set": 0}
        primary = [field for field in visible if field.name in primary_names]
        more = [field for field in visible if field.name not in primary_names]
        # A filter whose value travels under another name (registry: the ID number as its token, "idq").
        carried_as = getattr(self.filterset, "carried_as", {})
        query = self.request.GET
        more_set = sum(1 for f in more if query.get(f.name) or query.get(carried_as.get(f.name, "")))
        has_errors = any(field.errors for field in more)
        return {
            "primary": primary,
            "more": more,
            "more_open": bool(more_set or has_errors),
            "more_set": more_set,
        }

    def audited_query(self) -> str:
        query = self.request.GET.copy()
        for name in self.private_filters:
            if query.get(name):
                query[name] = "*"
        return query.urlencode()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = self.get_queryset()
        page = keyset_page(queryset, self.ordering(), self.request.GET.get("after"), self.paginate_by)
        columns = self.shown_columns()
        all_columns = self.column_choices(columns)
        query = self.request.GET.copy()
        query.pop("after", None)
        context.update(
            {
                "title": self.title or self.model._meta.verbose_name_plural,
                "columns": columns,
                "table_class": self.table_class,
                "page_obj": page,
                "rows": self.page_rows(page.rows, columns),
                "total": total_of(queryset, page=page) if self.show_total else None,
                "all_columns": all_columns,
                "column_chooser": column_chooser_rows(all_columns),
                "table_name": self.table_name(),
                "filter": self.filterset,
                "filter_fields": self.filter_fields(),
                "query": query.urlencode(),
                "sort": self.request.GET.get("sort", ""),
                "can_add": scoping.may(self.actor, self.model, "add") and self.create_url_name,
                "create_url_name": self.create_url_name,
                "can_export": scoping.may(self.actor, self.model, "export"),
            }
        )
        return context


class ListColumnsView(ActorRequiredMixin, View):
    """The "列" control of a list page: keep the columns a user checked, in the order of their numbers, or
    (``reset``) go back to the list's default set; then back to the list."""

    def post(self, request):
        table = request.POST.get("table", "")
        view_class = self.list_view_class(table)
        if view_class is None:
            raise Http404
        available = [column.accessor for column in view_class.columns]
        columns = []
        if "reset" not in request.POST:
            checked = [name for name in request.POST.getlist("column") if name in available]

            def place(name):
                try:
                    return (int(request.POST.get(f"order_{name}", "")), available.index(name))
                except ValueError:
                    return (len(available) + 1, available.index(name))

            columns = sorted(dict.fromkeys(checked), key=place)
            if not columns:
                messages.error(request, _("请至少选择一列"))
                return redirect(table)
        actions.choose_list_columns(actor=self.actor, table=table, columns=columns)
        messages.success(request, _("已恢复默认列") if not columns else _("已保存显示的列"))
        return redirect(table)

    @staticmethod
    def list_view_class(table: str):
        try:
            match = resolve(reverse(table))
        except NoReverseMatch:
            return None
        view_class = getattr(match.func, "view_class", None)
        if view_class is None or not issubclass(view_class, ObjectListView):
            return None
        return view_class


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

    @classmethod
    def shown_once(cls, request, pk, **context):
        """The object's page as the answer to the POST that produced something to show once (a revealed
        number, a new token), with it in ``context``: the value lives in this response only, never in the
        session, a cache or a URL to wait for the next page view (SECURITY.md: personal data)."""
        view = cls(extra_context=context)
        view.setup(request, pk=pk)
        return view.get(request, pk=pk)

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
                "transitions": workflow.offered(obj, self.actor) if has_workflow else [],
                "transition_url_name": self.transition_url_name,
                "decisions": workflow.decision_history(obj) if has_workflow else [],
            }
        )
        return context


class ObjectFormView(ActorRequiredMixin, TemplateView):
    """The one page of "a form that calls an action": create (no ``pk``) or change an object in the actor's
    scope. The form gets the actor, so that its choices are scoped too; ``perform`` calls the app's action
    with ``actor=``; a ``DomainError`` is shown next to its field in Chinese and nothing is saved; success
    redirects to the saved object. A plain form (not a ModelForm) is filled from ``initial(obj)``."""

    model = None
    form_class = None
    template_name = "core/object_form.html"
    title = ""
    success_message = gettext_lazy("已保存")

    def get_object(self):
        if "pk" not in self.kwargs:
            scoping.ensure_may(self.actor, self.model, "add")
            return None
        obj = scoping.get_for(self.actor, self.model, self.kwargs["pk"], "change")
        # A record in a state that allows no edit has no edit page (as a record out of the change scope).
        if not self.editable(obj):
            raise Http404
        return obj

    def editable(self, obj) -> bool:
        """Whether the record's state still allows this page's change (a submitted filing, a filed norm: no)."""
        return True

    def initial(self, obj) -> dict:
        return {}

    def form_kwargs(self, obj) -> dict:
        if issubclass(self.form_class, forms.ModelForm):
            return {"instance": obj}
        return {"initial": self.initial(obj)}

    def get_form(self, obj):
        posted = self.request.method == "POST"
        data, files = (self.request.POST, self.request.FILES) if posted else (None, None)
        return self.form_class(data, files, actor=self.actor, **self.form_kwargs(obj))

    def perform(self, form, obj):
        raise NotImplementedError

    def success_url(self, saved) -> str:
        return saved.get_absolute_url()

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
                messages.success(request, str(self.success_message))
                return HttpResponseRedirect(self.success_url(saved))
        return self.render_to_response(self.context(form, obj), status=400)

    def get_title(self, obj) -> str:
        if self.title:
            return str(self.title)
        verbose = self.model._meta.verbose_name
        return _("修改{name}").format(name=verbose) if obj else _("新增{name}").format(name=verbose)

    def context(self, form, obj):
        return self.get_context_data(form=form, object=obj, title=self.get_title(obj))


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


class SaveThroughActions(ObjectFormView):
    """The form page of a plain record (reference data, rules kept as data): created or changed with
    ``core.actions``, audited and scoped, no rule of its own beyond the model's."""

    def perform(self, form, obj):
        values, m2m = form.model_values()
        if obj is None:
            return actions.create_object(actor=self.actor, model=self.model, values=values, m2m=m2m)
        return actions.update_object(actor=self.actor, obj=obj, values=values, m2m=m2m)


class DeleteThroughActions(ObjectDeleteView):
    def perform(self, obj):
        actions.delete_object(actor=self.actor, obj=obj)


class TransitionView(ActorRequiredMixin, TemplateView):
    """One button of an object's workflow: POST presses it (from the object's page or from this view's own
    form page), GET shows its form on a page of its own. Both go through ``workflow.perform``, the one
    dispatcher the API uses too, so the transition's checks, form and app action are the same everywhere."""

    model = None
    template_name = "core/transition_form.html"

    def get_object(self):
        return scoping.get_for(
            self.actor, self.model, self.kwargs["pk"], workflow.workflow_for(self.model).scope_action
        )

    def get_transition(self):
        try:
            return workflow.workflow_for(self.model).transition(self.kwargs["name"])
        except DomainError:
            raise Http404 from None

    def success_url(self, outcome) -> str:
        # A reissue leads to the new record; every other button back to the object.
        if isinstance(outcome.result, self.model) and outcome.result.pk != outcome.obj.pk:
            return outcome.result.get_absolute_url()
        return outcome.obj.get_absolute_url()

    def after(self, outcome) -> HttpResponse | None:
        """The response to show instead of the redirect when a button produced something to show once (the
        clear text of a new token): rendered in the POST's own response (``ObjectDetailView.shown_once``),
        never kept for a next page view. A view's concern only."""
        return None

    def render_form(self, obj, transition, form, status=200):
        return self.render_to_response(
            {"object": obj, "transition": transition, "form": form, "title": transition.label}, status=status
        )

    def get(self, request, *args, **kwargs):
        obj, transition = self.get_object(), self.get_transition()
        workflow.workflow_for(self.model).ensure(obj, transition.name, self.actor)
        return self.render_form(obj, transition, workflow.transition_form(transition, obj, self.actor))

    def post(self, request, *args, **kwargs):
        obj, transition = self.get_object(), self.get_transition()
        on_form_page = request.POST.get("form_page") == "1"
        try:
            outcome = workflow.perform(
                obj, transition.name, actor=self.actor, data=request.POST, files=request.FILES
            )
        except workflow.TransitionFormError as refused:
            if on_form_page:
                return self.render_form(obj, transition, refused.form, status=400)
            messages.error(request, workflow.form_errors_text(refused.form))
            return redirect(obj.get_absolute_url())
        except DomainError as error:
            form = workflow.transition_form(transition, obj, self.actor, request.POST, request.FILES)
            # On the form page, or when the refusal names a field the person can correct: the form again with
            # what was typed kept and the reason on its field (never a redirect that drops the input).
            if on_form_page or (error.field and error.field in form.fields):
                apply_domain_error(form, error)
                return self.render_form(obj, transition, form, status=400)
            messages.error(request, str(error.message))
            return redirect(obj.get_absolute_url())
        messages.success(request, str(transition.done or _("操作成功")))
        return self.after(outcome) or redirect(self.success_url(outcome))
