"""The district's view of the registry, built with factories from exactly the rows the rule names: a
district bureau sees the current employees of its district's employers, not their former employees and not
another district's workers."""

import datetime

import pytest

from talentbase.accounts.actors import actor_for_membership
from talentbase.accounts.tests.factories import MembershipFactory
from talentbase.catalog.models import District
from talentbase.core import scoping
from talentbase.core.actor import system_actor
from talentbase.orgs.tests.factories import OrganisationFactory
from talentbase.registry import actions
from talentbase.registry.models import Employment, Person

from .factories import EmploymentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_district_sees_the_current_employees_of_its_districts_employers_only():
    pudong, xuhui = District.objects.get(code="310115"), District.objects.get(code="310104")
    bureau = MembershipFactory(role="district", organisation=OrganisationFactory(kinds=["district_bureau"],
                                                                                 district=pudong))  # fmt: skip
    district = actor_for_membership(bureau)
    local, elsewhere = OrganisationFactory(district=pudong), OrganisationFactory(district=xuhui)
    current = PersonFactory(employer=local)
    former = PersonFactory(employer=local)
    actions.end_employment(actor=system_actor(), employment=Employment.objects.get(person=former),
                           end_date=datetime.date(2022, 6, 30))  # fmt: skip
    EmploymentFactory(person=former, employer=elsewhere, start_date=datetime.date(2022, 7, 1))
    stranger = PersonFactory(employer=elsewhere)
    seen = set(scoping.visible_to(district, Person).filter(pk__in=[current.pk, former.pk, stranger.pk])
               .values_list("pk", flat=True))  # fmt: skip
    assert seen == {current.pk}
