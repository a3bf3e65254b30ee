"""Organisations for rule tests that need exactly the rows they name (the demo world is for journeys)."""

import random

import factory
from factory.django import DjangoModelFactory

from talentbase.catalog.models import District, OrganisationKind, Sector
from talentbase.orgs.models import Organisation
from talentbase.orgs.validators import normalise_credit_code

_rng = random.Random(20231201)


def credit_code(district_code: str = "310115") -> str:
    """A checksum-valid 统一社会信用代码 (the same construction as the demo's)."""
    from stdnum.cn import uscc

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + district_code + "".join(_rng.choice(alphabet) for _ in range(9))
    return normalise_credit_code(body + uscc.calc_check_digit(body))


class OrganisationFactory(DjangoModelFactory):
    """An employer in Pudong by default; ``kinds`` and ``sectors`` take codes:
    ``OrganisationFactory(kinds=["social_evaluation"], sectors=["greening"])``."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试单位{n:04d}")
    district = factory.LazyFunction(lambda: District.objects.get(code="310115"))
    credit_code = factory.LazyAttribute(lambda o: credit_code(o.district.code if o.district else "310000"))

    @factory.post_generation
    def kinds(self, create, codes, **kwargs):
        self.kinds.set(OrganisationKind.objects.filter(code__in=codes or ["employer"]))

    @factory.post_generation
    def sectors(self, create, codes, **kwargs):
        if codes:
            self.sectors.set(Sector.objects.filter(code__in=codes))
