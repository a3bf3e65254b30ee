"""The example app's applications (tests/example_app): ``a`` the demo worker's application to the demo training
institution, ``b`` the outsider worker's to the other one."""

from talentbase.registry.models import Person
from tests.example_app.models import Application

from .base import ScopedAccessTests


class ApplicationAccess(ScopedAccessTests):
    model = Application
    list_url = "example:application-list"
    detail_url = "example:application-detail"
    create_url = "example:application-create"
    api_basename = "application"
    access = {
        "city": {"view": "ab"},
        "training": {"view": "a", "change": "a"},
    }

    def make_objects(self, personas):
        return {
            key: Application.objects.create(person=Person.objects.get(user=personas.user("worker", outsider)),
                                            institution=personas.organisation("training", outsider))
            for key, outsider in (("a", False), ("b", True))
        }  # fmt: skip
