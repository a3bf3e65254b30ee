"""Persons and employments: ``a`` is the demo worker's own record (employed by the demo employer in
Pudong, greening), ``b`` the outsider worker's (another employer in Xuhui, forestry)."""

from talentbase.legacy_certificates.tests import support as credentials_support
from talentbase.registry.models import Employment, Person, PersonNameKey

from .base import ScopedAccessTests


class PersonAccess(ScopedAccessTests):
    model = Person
    list_url = "registry:person-list"
    detail_url = "registry:person-detail"
    create_url = "registry:person-create"
    edit_url = "registry:person-edit"
    api_basename = "person"
    access = {
        "city": {"view": "ab", "change": "ab"},
        "hr": {"view": "ab"},
        "sector": {"view": "a"},
        "district": {"view": "a"},
        "employer": {"view": "a", "change": "a"},
        "worker": {"view": "a"},
        # From the credentials app's contribution: the holders of the certificates an institution issued.
        "evaluation": {"view": "a"},
        "association": {"view": ""},
        # From the example app of the test settings (tests/example_app): the applicants of an institution.
        "training": {"view": ""},
    }

    def make_objects(self, personas):
        a = Person.objects.get(user=personas.user("worker"))
        # Issued by the demo institution to ``a``; ``b`` holds one from the other institution.
        credentials_support.record(personas, role="evaluation", person=a)
        credentials_support.record(personas, role="evaluation", outsider=True, occupation_code="5-02-03-01")
        return {"a": a, "b": Person.objects.get(user=personas.user("worker", outsider=True))}


# A person's records (employment, titles): the person's readers read them, its editors change them.
PERSON_RECORDS = {
    "city": {"view": "ab", "change": "ab", "delete": "ab"},
    "hr": {"view": "ab"},
    "sector": {"view": "a"},
    "district": {"view": "a"},
    "employer": {"view": "a", "change": "a", "delete": "a"},
    "worker": {"view": "a"},
}


class EmploymentAccess(ScopedAccessTests):
    model = Employment
    api_basename = "employment"
    access = PERSON_RECORDS

    def make_objects(self, personas):
        return {
            "a": Employment.objects.get(person__user=personas.user("worker"), end_date__isnull=True),
            "b": Employment.objects.get(
                person__user=personas.user("worker", outsider=True), end_date__isnull=True
            ),
        }


class PersonNameKeyAccess(ScopedAccessTests):
    """The search index of names: no role reads it directly."""

    model = PersonNameKey
    access = {}

    def make_objects(self, personas):
        return {
            "a": PersonNameKey.objects.filter(person__user=personas.user("worker")).first(),
            "b": PersonNameKey.objects.filter(person__user=personas.user("worker", outsider=True)).first(),
        }


class ProfessionalTitleAccess(ScopedAccessTests):
    """A person's titles are seen and changed by whoever sees and changes the person."""

    from talentbase.registry.models import ProfessionalTitle as model  # noqa: N813

    access = PERSON_RECORDS

    def make_objects(self, personas):
        import datetime

        from talentbase.registry.models import ProfessionalTitle

        def title(role_user):
            person = Person.objects.get(user=role_user)
            return ProfessionalTitle.objects.create(person=person, name="助理工程师", grade="junior",
                                                    issued_on=datetime.date(2015, 6, 1))  # fmt: skip

        return {"a": title(personas.user("worker")), "b": title(personas.user("worker", outsider=True))}


class EducationRecordAccess(ScopedAccessTests):
    """A person's education is seen and changed by whoever sees and changes the person."""

    from talentbase.registry.models import EducationRecord as model  # noqa: N813

    access = PERSON_RECORDS

    def make_objects(self, personas):
        import datetime

        from talentbase.registry.models import EducationRecord

        def record(role_user):
            person = Person.objects.get(user=role_user)
            return EducationRecord.objects.create(person=person, school_type="technical", school="上海市园林学校",
                                                  completed_on=datetime.date(2012, 7, 1))  # fmt: skip

        return {"a": record(personas.user("worker")), "b": record(personas.user("worker", outsider=True))}
