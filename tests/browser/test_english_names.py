"""Journey: the city bureau reads the ladder and the occupations in English and corrects an occupation's
English name, marking it official."""

import pytest

from talentbase.catalog.models import Occupation

from .helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_city_bureau_reads_and_corrects_english_names(page, live_server, live_world):
    sign_in(page, live_server, "city")
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    page.locator("html[lang=en]").wait_for(state="attached")
    page.goto(f"{live_server.url}/catalog/levels/")
    assert page.get_by_role("cell", name="Senior Worker (Level 3)").is_visible()
    occupation = Occupation.objects.get(code="4-09-10-01")
    page.goto(f"{live_server.url}/catalog/occupations/{occupation.pk}/edit/")
    assert page.get_by_role("textbox", name="English name").input_value() == "Landscape Gardener"
    page.get_by_role("textbox", name="English name").fill("Landscaping Gardener")
    page.get_by_label("Source of the English name").select_option("official")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Landscaping Gardener (4-09-10-01)").wait_for()
    assert page.get_by_text("Official English name").is_visible()
    occupation.refresh_from_db()
    assert (occupation.name_en, occupation.name_en_status) == ("Landscaping Gardener", "official")
