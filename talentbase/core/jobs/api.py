"""The jobs API: ``GET /api/v1/jobs/`` lists the caller's own jobs, ``GET /api/v1/jobs/{id}/`` one of them
with its progress (poll it until ``state`` is ``succeeded`` or ``failed``); another user's job is 404."""

from rest_framework import serializers

from talentbase.core.api import ScopedViewSet

from .models import Job


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    has_result = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id", "kind", "title", "state", "progress_done", "progress_total", "progress_message", "percent",
            "error", "attempts", "has_result", "created_at", "started_at", "finished_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_has_result(self, job) -> bool:
        return bool(job.result_file) and job.state == "succeeded"


class JobViewSet(ScopedViewSet):
    """The caller's own background jobs (exports, import runs), read-only."""

    model = Job
    serializer_class = JobSerializer
    ordering = ["-pk"]
    filterset_fields = ["kind", "state"]
    http_method_names = ["get", "head", "options"]
