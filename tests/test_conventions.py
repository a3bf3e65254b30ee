"""The project's conventions, checked: a model without scope rule or access matrix fails the suite, and
so does a page view that fetches objects without going through scoping."""

import ast
import importlib
import pkgutil
from pathlib import Path

from django.apps import apps

import tests.access
from talentbase.core import scoping
from tests.access.base import ScopedAccessTests

OUR_APPS = {"core", "catalog", "orgs", "accounts", "registry"}
PACKAGE = Path(__file__).resolve().parent.parent / "talentbase"


def our_models():
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS and not m._meta.abstract]


def access_classes():
    for module in pkgutil.iter_modules(tests.access.__path__):
        importlib.import_module(f"tests.access.{module.name}")
    found, stack = [], list(ScopedAccessTests.__subclasses__())
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


def test_every_model_has_a_scope_rule():
    missing = [m._meta.label for m in our_models() if m not in scoping.registered_models()]
    assert not missing, f"register a scope rule in the app's scopes.py for: {missing}"


def test_every_model_has_an_access_matrix():
    covered = {cls.model for cls in access_classes()}
    missing = [m._meta.label for m in our_models() if m not in covered]
    assert not missing, f"add a ScopedAccessTests class in tests/access/ for: {missing}"


def test_every_access_matrix_names_both_sides():
    for cls in access_classes():
        for role, entry in cls.access.items():
            assert set(entry) <= {"view", "change", "delete"}, (cls.__name__, role)


def test_views_and_apis_never_fetch_without_scoping():
    """``Model.objects.get`` or ``get_object_or_404`` in a view would skip scoping (Saleor's leak)."""
    offenders = []
    for path in (
        list(PACKAGE.glob("*/views.py")) + list(PACKAGE.glob("*/api.py")) + list(PACKAGE.glob("*/*_views.py"))
    ):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "get"
                and isinstance(node.value, ast.Attribute)
            ):
                if node.value.attr == "objects":
                    offenders.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.Name) and node.id == "get_object_or_404":
                offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders, f"fetch through scoping.get_for instead: {offenders}"
