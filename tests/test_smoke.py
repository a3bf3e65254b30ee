import pytest
from django.urls import reverse

from tests.personas import ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_every_demo_login_reaches_its_home_page(personas, role):
    response = personas.client(role).get(reverse("core:home"))
    assert response.status_code == 200
    assert response.context["actor"].role == role


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_entry_of_a_role_opens(personas, role):
    from talentbase.core.navigation import menu_for

    client = personas.client(role)
    for entry in menu_for(personas.actor(role)):
        response = client.get(entry.url)
        assert response.status_code == 200, (role, entry.url_name, response.status_code)
