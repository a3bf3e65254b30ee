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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
        return scoping.get_for(self.actor, self.model, self.kwargs["pk"], "change")

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
