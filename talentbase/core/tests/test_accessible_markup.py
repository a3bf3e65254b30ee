"""The markup of the pages with forms: every id once, every aria-describedby naming an element that is there
(axe only marks both "needs review"; the browser journeys fail on them too, this checks the pages they may skip)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from talentbase.registry.models import Person


class IdsAndReferences(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.described_by: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        self.described_by += (attributes.get("aria-describedby") or "").split()


def problems_of(html: str) -> list[str]:
    parser = IdsAndReferences()
    parser.feed(html)
    duplicated = sorted({i for i in parser.ids if parser.ids.count(i) > 1})
    dangling = sorted({ref for ref in parser.described_by if ref not in parser.ids})
    return [f"id {i} twice" for i in duplicated] + [
        f"aria-describedby={ref} names nothing" for ref in dangling
    ]


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("employer", "registry:person-list"),
        ("employer", "registry:person-create"),
        ("city", "registry:person-detail"),
        ("employer", "registry:person-detail"),
        ("worker", "credentials:report-create"),
    ],
)
def test_every_help_text_reference_is_rendered_and_no_id_is_shared(personas, role, url_name):
    args = []
    if url_name == "registry:person-detail":
        args = [Person.objects.visible_to(personas.actor(role), "view").order_by("pk").first().pk]
    response = personas.client(role).get(reverse(url_name, args=args))
    assert response.status_code == 200
    assert problems_of(response.content.decode()) == []
