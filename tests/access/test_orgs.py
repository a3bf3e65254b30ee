"""Organisations and filings: ``a`` belongs to the persona's side (Pudong, greening, the demo employer or
evaluation institution), ``b`` to the outsider's (Xuhui, forestry, another institution)."""

import pytest
from django.urls import reverse

from talentbase.catalog.models import Level, Occupation
from talentbase.orgs.models import EvaluationFiling, Organisation

from .base import ROLES, ScopedAccessTests


class OrganisationAccess(ScopedAccessTests):
    model = Organisation
    list_url = "orgs:organisation-list"
    detail_url = "orgs:organisation-detail"
    create_url = "orgs:organisation-create"
    edit_url = "orgs:organisation-edit"
    delete_url = "orgs:organisation-delete"
    api_basename = "organisation"
    api_writable = True
    access = {
        "city": {"view": "ab", "change": "ab", "delete": "ab"},
        "sysadmin": {"view": "ab", "change": "ab", "delete": "ab"},
        "hr": {"view": "ab"},
        "secadmin": {"view": "ab"},
        "auditadmin": {"view": "ab"},
        "sector": {"view": "a"},
        "district": {"view": "a", "change": "a"},
        "association": {"view": "", "change": ""},
        "evaluation": {"view": "", "change": ""},
        "training": {"view": "", "change": ""},
        "employer": {"view": "a", "change": "a"},
    }

    def make_objects(self, personas):
        return {"a": personas.organisation("employer"), "b": personas.organisation("employer", outsider=True)}


def make_filing(organisation, occupation_code):
    occupation = Occupation.objects.get(code=occupation_code)
    filing = EvaluationFiling.objects.create(organisation=organisation, occupation=occupation)
    filing.levels.set(Level.objects.filter(code__in=["level5", "level4"]))
    return filing


class EvaluationFilingAccess(ScopedAccessTests):
    model = EvaluationFiling
    list_url = "orgs:filing-list"
    detail_url = "orgs:filing-detail"
    create_url = "orgs:filing-create"
    edit_url = "orgs:filing-edit"
    delete_url = "orgs:filing-delete"
    api_basename = "filing"
    api_writable = True
    access = {
        "city": {"view": "ab"},
        "hr": {"view": "ab", "change": "ab"},
        "auditadmin": {"view": "ab"},
        "sector": {"view": "a"},
        "evaluation": {"view": "a", "change": "a", "delete": "a"},
        "association": {"view": "", "change": "", "delete": ""},
    }

    @pytest.mark.parametrize("role", ROLES)
    def test_detail_edit_delete_pages(self, personas, objects, role):
        if role != "hr":
            super().test_detail_edit_delete_pages(personas, objects, role)
            return
        # HR notes the number of a submitted filing only: a draft (in its scope) has no edit page for it.
        client = personas.client(role)
        for obj in objects.values():
            assert client.get(reverse(self.detail_url, args=[obj.pk])).status_code == 200
            assert client.get(reverse(self.edit_url, args=[obj.pk])).status_code == 404
            assert client.get(reverse(self.delete_url, args=[obj.pk])).status_code == 403


    def make_objects(self, personas):
        return {
            "a": make_filing(personas.organisation("evaluation"), "4-09-10-01"),
            "b": make_filing(personas.organisation("evaluation", outsider=True), "5-05-02-02"),
        }
