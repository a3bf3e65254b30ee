"""The API's Swagger page, for a developer of a connected system: served from our own files, it lists the
operations (drf-spectacular's default loads Swagger UI from a CDN, which the intranet cannot reach)."""

import pytest

from .helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_show_the_operations_without_leaving_the_site(page, live_server, live_world, axe_check):
    foreign: list[str] = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(live_server.url) else foreign.append(request.url),
    )
    sign_in(page, live_server, "city")
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 5
    # Swagger UI renders a long list of operations as the page scrolls (only what is on screen exists).
    persons = page.locator('.opblock-summary-path[data-path="/api/v1/persons/"]')
    for _ in range(200):
        if persons.count():
            break
        page.mouse.wheel(0, 1500)
        page.wait_for_timeout(50)
    assert persons.count(), page.locator(".opblock-summary-path").evaluate_all("n => n.map(x => x.dataset.path)")
    assert foreign == []
    axe_check(page)
