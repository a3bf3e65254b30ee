"""Accounts: administrators only; the system administrator alone changes them."""

from talentbase.accounts.models import Membership

from .base import ScopedAccessTests

ADMINS_READ = {"secadmin": {"view": "ab"}, "auditadmin": {"view": "ab"}}


class UserAccess(ScopedAccessTests):
    from talentbase.accounts.models import User as model  # noqa: N813

    list_url = "accounts:user-list"
    detail_url = "accounts:user-detail"
    create_url = "accounts:user-create"
    edit_url = "accounts:user-edit"
    api_basename = "user"
    access = {"sysadmin": {"view": "ab", "change": "ab"}, **ADMINS_READ}

    def make_objects(self, personas):
        return {"a": personas.user("employer"), "b": personas.user("employer", outsider=True)}


class MembershipAccess(ScopedAccessTests):
    model = Membership
    api_basename = "membership"
    access = {"sysadmin": {"view": "ab", "change": "ab"}, **ADMINS_READ}

    def make_objects(self, personas):
        return {
            "a": personas.user("employer").memberships.get(),
            "b": personas.user("employer", outsider=True).memberships.get(),
        }


class ApiTokenAccess(ScopedAccessTests):
    from talentbase.accounts.models import ApiToken as model  # noqa: N813

    access = {"sysadmin": {"view": "ab", "change": "ab"}, **ADMINS_READ}

    def make_objects(self, personas):
        from talentbase.accounts import tokens

        actor = personas.actor("sysadmin")
        return {
            "a": tokens.issue_token(actor=actor, user=personas.user("employer"), name="a")[0],
            "b": tokens.issue_token(actor=actor, user=personas.user("employer", outsider=True), name="b")[0],
        }
