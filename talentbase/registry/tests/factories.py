"""Persons and employments for rule tests, written through the registry's actions (system actor), so that a
factory-made person is encrypted, hashed and name-indexed exactly as a registered one."""

import datetime
import random

import factory

from talentbase.core.actor import system_actor
from talentbase.orgs.tests.factories import OrganisationFactory
from talentbase.registry import actions
from talentbase.registry.identity import IdType, synthetic_ric
from talentbase.registry.models import Employment, Person

_rng = random.Random(19491001)


class PersonFactory(factory.Factory):
    """``PersonFactory(employer=org)`` registers the person as that employer's current employee."""

    class Meta:
        model = Person

    full_name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄勇"])
    id_type = IdType.RIC
    id_number = factory.LazyFunction(lambda: synthetic_ric(_rng))
    employer = None
    start_date = datetime.date(2020, 1, 1)

    @classmethod
    def _create(cls, model_class, **values):
        return actions.register_person(actor=system_actor(), **values)

    _build = _create


class EmploymentFactory(factory.Factory):
    class Meta:
        model = Employment

    person = factory.SubFactory(PersonFactory)
    employer = factory.SubFactory(OrganisationFactory)
    start_date = datetime.date(2021, 1, 1)
    end_date = None

    @classmethod
    def _create(cls, model_class, **values):
        return actions.add_employment(actor=system_actor(), **values)

    _build = _create
