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
    assert {"filing_number", "valid_from", "valid_to", "institution_type", "ministry_code", "site_serial",
            "numbering"} <= set(form.context["form"].fields)  # fmt: skip
    assert form.context["form"]["ministry_code"].value() == "0000"
    decision = {"filing_number": "沪绿评备 2026-007", "valid_from": "2026-01-01", "valid_to": "2028-12-31",
                "institution_type": "S", "ministry_code": "0000", "province_code": "31", "numbering": "platform"}
    reversed_dates = hr.post(url, {**decision, "valid_from": "2027-01-01", "valid_to": "2026-01-01",
                                   "site_serial": "000123", "form_page": "1"})  # fmt: skip
    assert reversed_dates.status_code == 400
    assert reversed_dates.context["form"].errors["valid_to"] == ["截止日期不能早于起始日期"]
    filing.refresh_from_db()
    assert (filing.state, filing.filing_number) == (FilingState.SUBMITTED, "")
    no_serial = hr.post(url, {**decision, "form_page": "1"})
    assert no_serial.status_code == 400
    assert no_serial.context["form"].errors["site_serial"] == ["予以备案须填写此项"]
    bad_serial = hr.post(url, {**decision, "site_serial": "12345", "form_page": "1"})
    assert bad_serial.context["form"].errors["site_serial"] == ["站点序号为 6 位数字"]
    done = hr.post(url, {**decision, "site_serial": "000123"})
    assert done.status_code == 302
    filing.refresh_from_db()
    assert (filing.state, filing.filing_number, filing.valid_to, filing.site_serial) == (
        FilingState.FILED, "沪绿评备 2026-007", datetime.date(2028, 12, 31), "000123",
    )  # fmt: skip
    assert filing.number_prefix(level=Level.objects.get(code="level4"), year=2026) == "S00003100012326" + "4"
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
            "site_serial": "000124",
            "institution_type": "S",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    filing.refresh_from_db()
    assert (filing.state, filing.filing_number) == (FilingState.FILED, "沪绿评备 2026-008")
    body = personas.client("hr").get(reverse("filing-detail", args=[filing.pk])).json()
    assert (body["institution_type"], body["site_serial"], body["numbering"], body["standing"]) == (
        "S", "000124", "platform", "lapsed" if datetime.date.today() > datetime.date(2027, 12, 31) else "in_force"
    )


def test_a_site_serial_belongs_to_one_institution(personas):
    theirs = _filing(personas, FilingState.FILED, number="沪绿评备 2026-101", outsider=True)
    EvaluationFiling.objects.filter(pk=theirs.pk).update(institution_type="S", site_serial="000777")
    mine = _filing(personas, FilingState.SUBMITTED)
    response = personas.client("hr").post(
        reverse("orgs:filing-transition", args=[mine.pk, "file"]),
        {"filing_number": "沪绿评备 2026-102", "valid_from": "2026-01-01", "valid_to": "2028-12-31",
         "institution_type": "S", "ministry_code": "0000", "province_code": "31", "numbering": "platform",
         "site_serial": "000777", "form_page": "1"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "站点序号已属于" in response.context["form"].errors["site_serial"][0]
    mine.refresh_from_db()
    assert (mine.state, mine.site_serial) == (FilingState.SUBMITTED, "")


def test_a_new_filing_proposes_the_type_its_institution_is(personas):
    from talentbase.orgs.actions import create_filing

    occupation = Occupation.objects.get(code="4-09-10-01")
    filing = create_filing(actor=personas.actor("evaluation"), values={"occupation": occupation},
                           m2m={"levels": list(Level.objects.filter(code="level5"))})  # fmt: skip
    kinds = personas.organisation("evaluation").kind_codes()
    assert filing.institution_type == ("Y" if "employer_evaluation" in kinds else "S")
