"""The API's filter backend (its own module: DRF imports the filter backends while it loads its settings,
so this must not import the viewsets)."""

from django_filters.rest_framework import DjangoFilterBackend

from .forms import ScopedFilterSet


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter for the API with the page's filter sets, which take the actor (scoped choices)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if issubclass(self.get_filterset_class(view, queryset) or object, ScopedFilterSet):
            kwargs.pop("request", None)
            kwargs["actor"] = view.actor
        return kwargs
