"""The generated access matrix (NetBox's pattern): each scoped model's test class opts in, names its
routes, builds two objects — ``a`` on the persona's side, ``b`` on the outsider's — and states, per role,
which of them each action may reach. Every role × object × action is then tried at the query level, on
the pages and on the API:

- a role absent from ``access``, or an action absent from its entry: the role may never → 403;
- an object missing from the action's string: out of scope → 404 (never 403: existence must not leak);
- anonymous visitors: pages redirect to the login page, the API answers 401.

``tests/test_conventions.py`` fails the suite for a model without such a class."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from talentbase.core import scoping
from tests.personas import ROLES

ACTIONS = ("view", "change", "delete")


def page_contents(client, url) -> tuple[int, str]:
    """The status of the list page and the HTML of all its pages (the matrix's lists are small)."""
    response = client.get(url)
    contents = [response.content.decode()]
    while response.status_code == 200 and response.context["page_obj"].has_next:
        response = client.get(url, {"after": response.context["page_obj"].next_cursor})
        contents.append(response.content.decode())
    return response.status_code, "".join(contents)


def api_ids(client, url) -> tuple[int, set[int]]:
    """The status of an API list and the ids on all its pages, following the cursor links."""
    response = client.get(url)
    if response.status_code != 200:
        return response.status_code, set()
    ids = set()
    while True:
        body = response.json()
        ids |= {row["id"] for row in body["results"]}
        if not body.get("next"):
            return 200, ids
        response = client.get(body["next"])


class ScopedAccessTests:
    model = None
    # Page routes (URL names taking the object's pk, except the list and create routes).
    list_url: str | None = None
    detail_url: str | None = None
    create_url: str | None = None
    edit_url: str | None = None
    delete_url: str | None = None
    # API router basename, and whether the API accepts writes.
    api_basename: str | None = None
    api_writable = False
    # {role: {"view": "ab", "change": "a", "delete": ""}}
    access: dict[str, dict[str, str]] = {}

    def make_objects(self, personas) -> dict:
        raise NotImplementedError

    # --- expectations

    def expected(self, role: str, action: str, key: str) -> int:
        allowed = self.access.get(role, {})
        if action not in allowed:
            return 403
        return 200 if key in allowed[action] else 404

    @pytest.fixture
    def objects(self, personas):
        return self.make_objects(personas)

    # --- the query level: visible_to / get_for, which every page, API, export and job uses

    @pytest.mark.parametrize("role", ROLES)
    def test_query_scope(self, personas, objects, role):
        actor = personas.actor(role)
        for action in ACTIONS:
            for key, obj in objects.items():
                expected = self.expected(role, action, key)
                if expected == 403:
                    with pytest.raises(PermissionDenied):
                        scoping.get_for(actor, self.model, obj.pk, action)
                    continue
                found = scoping.visible_to(actor, self.model, action).filter(pk=obj.pk).exists()
                assert found == (expected == 200), (role, action, key)

    # --- pages

    @pytest.mark.parametrize("role", ROLES)
    def test_list_page(self, personas, objects, role):
        if self.list_url is None:
            return
        status, content = page_contents(personas.client(role), reverse(self.list_url))
        if self.expected(role, "view", "a") == 403:
            assert status == 403, role
            return
        assert status == 200, role
        if self.detail_url:
            for key, obj in objects.items():
                link = f'href="{reverse(self.detail_url, args=[obj.pk])}"'
                assert (link in content) == (self.expected(role, "view", key) == 200), (role, key)

    @pytest.mark.parametrize("role", ROLES)
    def test_export(self, personas, objects, role):
        if self.list_url is None:
            return
        response = personas.client(role).get(reverse(self.list_url), {"export": "xlsx"})
        allowed = role in scoping.rule_for(self.model).roles["export"]
        assert response.status_code == (200 if allowed else 403), role
        if allowed:
            assert response["Content-Type"].startswith("application/vnd.openxmlformats")

    @pytest.mark.parametrize("role", ROLES)
    def test_detail_edit_delete_pages(self, personas, objects, role):
        client = personas.client(role)
        for url_name, action in (
            (self.detail_url, "view"),
            (self.edit_url, "change"),
            (self.delete_url, "delete"),
        ):
            if url_name is None:
                continue
            for key, obj in objects.items():
                response = client.get(reverse(url_name, args=[obj.pk]))
                assert response.status_code == self.expected(role, action, key), (role, url_name, key)

    @pytest.mark.parametrize("role", ROLES)
    def test_create_page(self, personas, role):
        if self.create_url is None:
            return
        response = personas.client(role).get(reverse(self.create_url))
        allowed = role in scoping.rule_for(self.model).roles["add"]
        assert response.status_code == (200 if allowed else 403), role

    def test_missing_object_is_404_for_every_role_that_may_view(self, personas, objects):
        if self.detail_url is None:
            return
        for role in ROLES:
            if self.expected(role, "view", "a") != 403:
                response = personas.client(role).get(reverse(self.detail_url, args=[999999999]))
                assert response.status_code == 404, role

    def test_anonymous_pages_redirect_to_login(self, personas, objects):
        client = personas.client(None)
        urls = [reverse(self.list_url)] if self.list_url else []
        urls += [reverse(name, args=[objects["a"].pk]) for name in (self.detail_url, self.edit_url) if name]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302 and reverse("accounts:login") in response.url, url

    # --- API

    @pytest.mark.parametrize("role", ROLES)
    def test_api(self, personas, objects, role):
        if self.api_basename is None:
            return
        client = personas.client(role)
        status, ids = api_ids(client, reverse(f"{self.api_basename}-list"))
        if self.expected(role, "view", "a") == 403:
            assert status == 403, role
        else:
            assert status == 200, role
            for key, obj in objects.items():
                assert (obj.pk in ids) == (self.expected(role, "view", key) == 200), (role, key)
        for key, obj in objects.items():
            url = reverse(f"{self.api_basename}-detail", args=[obj.pk])
            assert client.get(url).status_code == self.expected(role, "view", key), (role, key)
            patch = client.patch(url, {}, content_type="application/json")
            if not self.api_writable:
                assert patch.status_code in (403, 405), (role, key)
                continue
            expected = self.expected(role, "change", key)
            if expected == 200:
                # In scope: changed, or refused by a domain rule of the object's state (400 with a code).
                assert patch.status_code == 200 or "code" in patch.json(), (role, key, patch.content)
            else:
                assert patch.status_code == expected, (role, key)

    @pytest.mark.parametrize("role", ROLES)
    def test_api_delete(self, personas, objects, role):
        if self.api_basename is None or not self.api_writable:
            return
        client = personas.client(role)
        for key, obj in objects.items():
            response = client.delete(reverse(f"{self.api_basename}-detail", args=[obj.pk]))
            expected = self.expected(role, "delete", key)
            if response.status_code == 405:
                # The endpoint offers no deletion at all: then no role may delete.
                assert all("delete" not in entry for entry in self.access.values()), role
                continue
            if expected == 200:
                # Allowed: deleted, or refused for a domain reason (still referenced) with a clear code.
                assert response.status_code in (204, 400), (role, key, response.content)
            else:
                assert response.status_code == expected, (role, key)

    def test_api_anonymous_is_401(self, personas, objects):
        if self.api_basename is None:
            return
        client = personas.client(None)
        assert client.get(reverse(f"{self.api_basename}-list")).status_code == 401
        assert client.get(reverse(f"{self.api_basename}-detail", args=[objects["a"].pk])).status_code == 401
