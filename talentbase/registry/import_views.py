"""Pages of the roster import (人员花名册): the import machinery's pages for the kind ``registry.persons``.
An employer imports its own employees; a city official may name the employer they work for."""

from talentbase.core.imports import views as import_views

KIND = "registry.persons"


class RosterImportListView(import_views.ImportListView):
    kind = KIND


class RosterImportCreateView(import_views.ImportCreateView):
    kind = KIND


class RosterImportDetailView(import_views.ImportDetailView):
    kind = KIND


class RosterImportProgressView(import_views.ImportProgressView):
    kind = KIND


class RosterImportCommitView(import_views.ImportCommitView):
    kind = KIND


class RosterImportCancelView(import_views.ImportCancelView):
    kind = KIND


class RosterImportErrorReportView(import_views.ImportErrorReportView):
    kind = KIND


class RosterImportTemplateView(import_views.ImportTemplateView):
    kind = KIND
