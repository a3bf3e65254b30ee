"""Accounts with one membership, for rule tests: ``MembershipFactory(role="district", organisation=org)``,
then ``actor_for_membership(membership)`` for the actor."""

import factory
from factory.django import DjangoModelFactory

from talentbase.accounts.models import Membership, User
from talentbase.orgs.tests.factories import OrganisationFactory


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:04d}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.PostGenerationMethodCall("set_unusable_password")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "employer"
