"""List pages are titled by the plural of what they list (in English: "Persons", not "Person")."""

from django.urls import reverse


def test_an_english_list_page_is_titled_in_the_plural(personas):
    client = personas.client("city")
    client.cookies["django_language"] = "en"
    response = client.get(reverse("registry:person-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["title"] == "Persons"
    assert '<h1 class="h3 mb-0">Persons</h1>' in response.content.decode()


def test_a_chinese_list_page_keeps_its_chinese_title(personas):
    response = personas.client("city").get(reverse("registry:person-list"))
    assert str(response.context["title"]) == "人员"


def test_a_list_that_reverses_its_links_once_gives_each_row_its_own_detail_url():
    """``detail_url_name`` promises that get_absolute_url is reverse(name, args=[pk]): held for every list."""
    from django.urls import get_resolver

    from talentbase.core.tables import DetailLink
    from talentbase.core.views import ObjectListView

    checked = 0
    for pattern_view in _views(get_resolver()):
        view_class = getattr(pattern_view, "view_class", None)
        if view_class is None or not issubclass(view_class, ObjectListView) or not view_class.detail_url_name:
            continue
        for pk in (1, 42, 10**9):
            obj = view_class.model(pk=pk)
            assert DetailLink(view_class.detail_url_name)(obj) == obj.get_absolute_url(), view_class
        checked += 1
    assert checked >= 1


def _views(resolver):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _views(pattern)
        else:
            yield pattern.callback
