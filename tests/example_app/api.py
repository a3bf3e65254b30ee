from talentbase.core.api import ScopedModelSerializer, ScopedReadOnlyViewSet, WorkflowActionsMixin

from .models import Application


class ApplicationSerializer(ScopedModelSerializer):
    class Meta:
        model = Application
        fields = ["id", "person", "institution", "state", "starts_on"]


class ApplicationViewSet(WorkflowActionsMixin, ScopedReadOnlyViewSet):
    model = Application
    serializer_class = ApplicationSerializer
    ordering = ["pk"]
    http_method_names = ["get", "post", "head", "options"]
