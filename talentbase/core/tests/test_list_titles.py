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
