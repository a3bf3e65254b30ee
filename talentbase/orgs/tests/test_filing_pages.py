"""A filing shows only what may be done in its state, and 予以备案 asks for what the decision needs."""

import datetime

import pytest
from django.urls import reverse

from talentbase.catalog.models import Level, Occupation
from talentbase.orgs.models import EvaluationFiling, FilingState

pytestmark = pytest.mark.django_db


def _filing(personas, state, *, number="", outsider=False):
    filing = EvaluationFiling.objects.create(
        organisation=personas.organisation("evaluation", outsider), state=state, filing_number=number,
        occupation=Occupation.objects.get(code="4-09-10-01"),
    )  # fmt: skip
    filing.levels.set(Level.objects.filter(code__in=["level5", "level4"]))
    return filing


def _buttons(client, filing):
    page = client.get(filing.get_absolute_url())
    assert page.status_code == 200
    return page.context["can_change"], page.context["can_delete"]


def test_a_submitted_filing_offers_its_institution_no_edit_or_delete_and_its_pages_are_gone(personas):
    institution = personas.client("evaluation")
    draft = _filing(personas, FilingState.DRAFT)
    assert _buttons(institution, draft) == (True, True)
    returned = _filing(personas, FilingState.RETURNED)
    assert _buttons(institution, returned) == (True, False)
    submitted = _filing(personas, FilingState.SUBMITTED)
    assert not any(_buttons(institution, submitted))
    html = institution.get(submitted.get_absolute_url()).content.decode()
    assert reverse("orgs:filing-edit", args=[submitted.pk]) not in html
    assert reverse("orgs:filing-delete", args=[submitted.pk]) not in html
    assert institution.get(reverse("orgs:filing-edit", args=[submitted.pk])).status_code == 404
    assert institution.post(reverse("orgs:filing-delete", args=[submitted.pk])).status_code == 404
    assert institution.get(reverse("orgs:filing-delete", args=[returned.pk])).status_code == 404
    assert EvaluationFiling.objects.filter(pk=submitted.pk).exists()
    # Another institution's draft: 404; a role that never edits filings: 403.
    other = _filing(personas, FilingState.DRAFT, outsider=True)
    assert institution.get(reverse("orgs:filing-edit", args=[other.pk])).status_code == 404
    assert personas.client("sector").get(reverse("orgs:filing-edit", args=[draft.pk])).status_code == 403


def test_hr_edits_only_a_submitted_filing(personas):
    hr = personas.client("hr")
    assert _buttons(hr, _filing(personas, FilingState.SUBMITTED)) == (True, False)
    filed = _filing(personas, FilingState.FILED, number="沪绿评备 2026-900")
    assert _buttons(hr, filed) == (False, False)
    assert hr.get(reverse("orgs:filing-edit", args=[filed.pk])).status_code == 404


def test_hr_files_a_filing_giving_its_number_and_validity_on_the_decision_form(personas):
    filing = _filing(personas, FilingState.SUBMITTED)
    hr = personas.client("hr")
    url = reverse("orgs:filing-transition", args=[filing.pk, "file"])
    form = hr.get(url)
    assert form.status_code == 200
    assert {"filing_number", "valid_from", "valid_to"} <= set(form.context["form"].fields)
    reversed_dates = hr.post(url, {"filing_number": "沪绿评备 2026-007", "valid_from": "2027-01-01",
                                   "valid_to": "2026-01-01", "form_page": "1"})  # fmt: skip
    assert reversed_dates.status_code == 400
    assert reversed_dates.context["form"].errors["valid_to"] == ["截止日期不能早于起始日期"]
    filing.refresh_from_db()
    assert (filing.state, filing.filing_number) == (FilingState.SUBMITTED, "")
    done = hr.post(
        url, {"filing_number": "沪绿评备 2026-007", "valid_from": "2026-01-01", "valid_to": "2028-12-31"}
    )
    assert done.status_code == 302
    filing.refresh_from_db()
    assert (filing.state, filing.filing_number, filing.valid_to) == (
        FilingState.FILED, "沪绿评备 2026-007", datetime.date(2028, 12, 31),
    )  # fmt: skip
    # The institution may never press it.
    again = _filing(personas, FilingState.SUBMITTED)
    refused = personas.client("evaluation").post(
        reverse("orgs:filing-transition", args=[again.pk, "file"]),
        {"filing_number": "X-1", "valid_from": "2026-01-01", "valid_to": "2026-12-31"},
    )
    assert refused.status_code == 403


def test_the_api_files_with_the_number_and_validity(personas):
    filing = _filing(personas, FilingState.SUBMITTED)
    response = personas.client("hr").post(
        reverse("filing-transition", args=[filing.pk]),
        {
            "transition": "file",
            "filing_number": "沪绿评备 2026-008",
            "valid_from": "2026-01-01",
            "valid_to": "2027-12-31",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    filing.refresh_from_db()
    assert (filing.state, filing.filing_number) == (FilingState.FILED, "沪绿评备 2026-008")
