from django.apps import AppConfig


class ExampleConfig(AppConfig):
    """A throwaway app that proves how a new app plugs in (README, "How a new app plugs in"): installed by the
    test settings only, never in production."""

    name = "tests.example_app"
    label = "example"
    verbose_name = "示例应用（测试）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from talentbase.registry.merging import register_person_reference

        from . import jobs, scopes, views, workflows  # noqa: F401  (scope, job kind, pages, buttons)
        from .models import Application

        register_person_reference(Application)
