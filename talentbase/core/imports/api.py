"""The import API: the same machinery as the pages, for other systems.

- ``POST /api/v1/imports/`` (multipart: ``file``, ``kind``, ``mode``, ``policy`` and the kind's options,
  e.g. ``employer`` for a city official's roster) → 201 with the batch. Its preview runs as a job: with an
  in-process queue the counts are in the answer; with a worker, poll ``GET /api/v1/imports/{id}/`` until
  ``state`` is ``previewed`` (or ``failed``, with ``message``).
- ``POST /api/v1/imports/{id}/commit/`` (optional ``policy``: ``all`` or ``valid_only``) → 202; poll the
  batch for ``progress`` / ``percent`` until ``state`` is ``done``.
- ``GET /api/v1/imports/{id}/errors/`` → the rows in error (row, column, message), paged.
"""

from django import forms
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from talentbase.core import scoping
from talentbase.core.api import ScopedViewSet

from . import machinery
from .models import ImportBatch, ImportMode, ImportPolicy, ImportRowError


class ImportBatchSerializer(serializers.ModelSerializer):
    progress = serializers.IntegerField(read_only=True)
    percent = serializers.IntegerField(read_only=True)
    error_report = serializers.SerializerMethodField()
    unused_columns = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id", "kind", "state", "mode", "policy", "original_filename", "file_format", "total_rows",
            "valid_rows", "error_rows", "create_rows", "update_rows", "skip_rows", "written_rows", "progress",
            "percent", "message", "error_report", "unused_columns", "created_at", "committed_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_unused_columns(self, batch) -> list[str]:
        """The file's column headers that the import does not use (their cells are not saved)."""
        return machinery.unused_headers(machinery.get_importer(batch.kind), batch.headers or [])

    def get_error_report(self, batch) -> str | None:
        if not batch.error_report:
            return None
        request = self.context.get("request")
        url = machinery.get_importer(batch.kind).url("errors", batch.pk)
        return request.build_absolute_uri(url) if request else url


class ImportUploadSerializer(serializers.Serializer):
    """Input only: the file and how to treat existing records; the kind's options are checked by its form."""

    file = serializers.FileField()
    kind = serializers.CharField(max_length=50)
    mode = serializers.ChoiceField(choices=ImportMode.choices, default=ImportMode.CREATE)
    policy = serializers.ChoiceField(choices=ImportPolicy.choices, default=ImportPolicy.ALL)


class ImportCommitSerializer(serializers.Serializer):
    policy = serializers.ChoiceField(choices=ImportPolicy.choices, required=False)


class ImportRowErrorSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportRowError
        fields = ["row_number", "column", "message", "warning"]


class ImportBatchViewSet(ScopedViewSet):
    """Import batches of the caller's organisation: upload, follow, commit, read the errors."""

    model = ImportBatch
    serializer_class = ImportBatchSerializer
    ordering = ["-pk"]
    filterset_fields = ["kind", "state"]
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return super().get_queryset().with_progress()

    def get_serializer_class(self):
        if self.action == "create":
            return ImportUploadSerializer
        if self.action == "commit":
            return ImportCommitSerializer
        if self.action == "errors":
            return ImportRowErrorSerializer
        return ImportBatchSerializer

    @extend_schema(request=ImportUploadSerializer, responses={201: ImportBatchSerializer})
    def create(self, request, *args, **kwargs):
        scoping.ensure_may(self.actor, ImportBatch, "add")
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        importer = machinery.get_importer(data["kind"])
        option_form = forms.Form(request.data)
        option_form.fields.update(importer.option_fields(self.actor))
        if not option_form.is_valid():
            raise serializers.ValidationError(option_form.errors)
        batch = machinery.upload(
            actor=self.actor, kind=data["kind"], uploaded_file=data["file"], mode=data["mode"],
            policy=data["policy"], options=importer.clean_options(self.actor, option_form.cleaned_data),
        )  # fmt: skip
        batch.refresh_from_db()
        return Response(ImportBatchSerializer(batch, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)  # fmt: skip

    @extend_schema(request=ImportCommitSerializer, responses={202: ImportBatchSerializer})
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        batch = scoping.get_for(self.actor, ImportBatch, pk, "change")
        serializer = ImportCommitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = machinery.commit(
            actor=self.actor, batch=batch, policy=serializer.validated_data.get("policy")
        )
        return Response(ImportBatchSerializer(batch, context=self.get_serializer_context()).data,
                        status=status.HTTP_202_ACCEPTED)  # fmt: skip

    @extend_schema(responses=ImportRowErrorSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def errors(self, request, pk=None):
        batch = scoping.get_for(self.actor, ImportBatch, pk, "view")
        queryset = scoping.visible_to(self.actor, ImportRowError).filter(batch=batch)
        self.ordering = ["pk"]  # row order, as the file has them
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ImportRowErrorSerializer(page, many=True).data)
