"""Journey: a city official looks for the workers who have left, on a phone and a laptop: the results show
on the first screen (the filters beyond three are folded), the 在职 filter and column answer, the total is
given, and the columns chosen stay for the next visit and shape the export."""

import datetime

import pytest

from .helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [375, 1366])
def test_city_official_finds_former_staff_and_chooses_the_columns(page, live_server, live_world, width):
    from talentbase.registry import actions
    from talentbase.registry.models import Employment

    employment = Employment.objects.filter(end_date__isnull=True).select_related("person").order_by("pk").first()
    actions.record_departure(actor=live_world.actor("city"), employment=employment,
                             end_date=datetime.date.today(), reason="resigned")  # fmt: skip
    former = employment.person
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, "city")
    page.goto(f"{live_server.url}/persons/")

    # The folded filters leave the first result on the first screen.
    assert page.get_by_test_id("more-filters").get_attribute("open") is None
    first_row = page.get_by_test_id("object-table").locator("tbody tr").first
    assert first_row.bounding_box()["y"] < 800
    assert page.get_by_test_id("list-total").is_visible()

    filters = page.get_by_role("search", name="筛选")
    filters.get_by_label("在职状态").select_option("no")
    filters.get_by_role("button", name="筛选").click()
    table = page.get_by_test_id("object-table")
    table.get_by_text(former.full_name).first.wait_for()
    states = table.locator('td[data-label="在职状态"]').all_inner_texts()
    assert states and set(states) == {"离职"}
    assert "共" in page.get_by_test_id("list-total").inner_text()

    # Hide the district column; the choice stays for the next visit.
    page.get_by_test_id("column-chooser").locator("summary").click()
    page.locator("#col-current_district").uncheck()
    page.get_by_test_id("column-chooser").get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/persons/")
    headers = page.get_by_test_id("object-table").locator("thead th").all_inner_texts()
    assert "区" not in [header.strip() for header in headers] and "用人单位" in [h.strip() for h in headers]
    sizes = page.evaluate("() => ({page: document.documentElement.scrollWidth, window: window.innerWidth})")
    assert sizes["page"] <= sizes["window"], sizes
