"""The project's conventions, checked over every installed app of ours (read from the app registry, never a
hand list): a model without a scope rule or an access matrix, a foreign key to a person that a merge would
leave behind, a fetch that skips scoping, a domain error whose code is not in its app's ``errors.py``, or a
transition whose form or action does not resolve fails the suite. (That every transition is taken by some
test is checked at the end of a full run: tests/transition_coverage.py.)"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

from django.apps import apps
from django.utils.module_loading import import_string

import tests.access
from talentbase.core import scoping, workflow
from talentbase.registry import merging
from talentbase.registry.models import Person
from tests.access.base import ScopedAccessTests

ROOT = Path(__file__).resolve().parent.parent


def our_app_configs():
    return [c for c in apps.get_app_configs() if c.name.startswith(("talentbase.", "tests."))]


def our_models():
    return [m for c in our_app_configs() for m in c.get_models() if not m._meta.abstract]


def access_classes():
    for module in pkgutil.iter_modules(tests.access.__path__):
        importlib.import_module(f"tests.access.{module.name}")
    found, stack = [], list(ScopedAccessTests.__subclasses__())
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


def source_files():
    """Every module of every app of ours, but migrations and tests."""
    for config in our_app_configs():
        for path in sorted(Path(config.path).rglob("*.py")):
            relative = path.relative_to(config.path).parts
            if "migrations" in relative or "tests" in relative or relative[0] == "management":
                continue
            # A package nested in an app that is an app itself (none today) would be read twice.
            yield config, path


def test_the_conventions_read_every_app_of_ours():
    names = {c.label for c in our_app_configs()}
    assert {"core", "catalog", "orgs", "accounts", "registry", "credentials"} <= names


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


def test_every_foreign_key_to_a_person_moves_on_merge():
    """Read from the model, not from a hand list: a new app's model pointing at a person must register with
    ``registry.merging`` (moved to the record kept) or say that its rows are derived (deleted with it)."""
    handled = set(merging.references()) | set(merging.derived())
    pointing = {
        (rel.related_model, rel.field.name)
        for rel in Person._meta.related_objects
        if rel.many_to_one or rel.one_to_one
    }
    missing = sorted(f"{model._meta.label}.{field}" for model, field in pointing - handled)
    assert not missing, f"register these with registry.merging.register_person_reference: {missing}"


def test_every_workflow_names_real_states_forms_and_actions():
    for flow in workflow.registered_workflows():
        model = flow.model_class
        states = set(flow.states())
        for t in flow.transitions:
            where = f"{flow.model}: {t.name}"
            if flow.has_states:
                assert set(t.source) | {t.target} <= states, f"{where}: a state the model does not have"
            assert t.form_class() is not None
            if t.action:
                function = import_string(t.action)
                parameters = inspect.signature(function).parameters
                assert "actor" in parameters and flow.object_argument in parameters, where
                renamed = getattr(t.form_class(), "argument_names", {})
                form_fields = {renamed.get(name, name) for name in t.form_class().base_fields}
                takes_anything = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
                extra = form_fields - set(parameters)
                assert takes_anything or not extra, f"{where}: the action takes no {sorted(extra)}"
        assert model in scoping.registered_models(), flow.model


# --- Fetches outside scoping (Saleor's leak: a scope check each endpoint must remember)

# Modules that only parse, render or run jobs: a model's manager here skips scoping, unless it is the
# ``queryset=`` of a form field or filter (the base form scopes it), an argument of a ``scoping`` call, or
# the list's ``base_queryset`` (the base view scopes it).
FETCH_MODULES = {"views", "api", "forms", "filters", "tasks"}
# Modules of rules: a write is theirs to make, but a read that ignores scope says so, with a reason.
RULE_MODULES = {"actions", "queries", "importers", "bulk", "levels"}
WRITES = {"create", "bulk_create", "update", "delete", "get_or_create", "update_or_create", "bulk_update"}
MARK = "# unscoped:"


def _module_kind(path: Path) -> str | None:
    names = {path.stem, path.parent.name}
    if names & FETCH_MODULES or path.stem.endswith("_views"):
        return "fetch"
    if names & RULE_MODULES:
        return "rule"
    return None


def reference_models() -> set[str]:
    """The catalog's models: reference data every role reads (catalog/scopes.py), read freely by the rules."""
    return {model.__name__ for model in apps.get_app_config("catalog").get_models()}


def _is_scoping_call(call: ast.Call) -> bool:
    f = call.func
    return (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "scoping") or (
        isinstance(f, ast.Name) and f.id in ("visible_to", "get_for")
    )


def fetches_outside_scoping(path: Path) -> list[str]:
    kind = _module_kind(path)
    if kind is None:
        return []
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        manager = isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager")
        if not (manager or (isinstance(node, ast.Name) and node.id == "get_object_or_404")):
            continue
        allowed, methods, current = False, [], node
        while (parent := parents.get(current)) is not None:  # climb the chain: .filter(...).first()
            if isinstance(parent, ast.Attribute):
                methods.append(parent.attr)
            elif not (isinstance(parent, ast.Call) and parent.func is current):
                break
            current = parent
        if isinstance(parent, ast.Call) and _is_scoping_call(parent):
            allowed = True
        if isinstance(parent, ast.keyword):
            call = parents.get(parent)
            allowed |= (parent.arg == "queryset" and kind == "fetch") or (
                isinstance(call, ast.Call) and _is_scoping_call(call)
            )
        if kind == "rule" and manager and set(methods) & WRITES:
            allowed = True
        base = node.value if manager else None
        while isinstance(base, ast.Attribute):  # Occupation.levels.through.objects
            base = base.value
        if kind == "rule" and isinstance(base, ast.Name) and base.id in reference_models():
            allowed = True
        statement = node
        while not isinstance(statement, ast.stmt):
            statement = parents[statement]
        span = lines[statement.lineno - 1 : statement.end_lineno]
        above = statement.lineno - 2
        while above >= 0 and lines[above].strip().startswith("#"):
            span.append(lines[above])
            above -= 1
        allowed |= any(MARK in line for line in span)
        function = statement
        while function in parents and not isinstance(function, ast.FunctionDef):
            function = parents[function]
        allowed |= (
            isinstance(function, ast.FunctionDef) and function.name == "base_queryset" and kind == "fetch"
        )
        if not allowed:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_nothing_fetches_outside_scoping():
    offenders = [o for _config, path in source_files() for o in fetches_outside_scoping(path)]
    assert not offenders, (
        "fetch through scoping.visible_to / scoping.get_for, or, in an action or a query that must ignore "
        f"scope, say why with '{MARK} reason': {offenders}"
    )


def test_the_fetch_check_catches_what_it_must(tmp_path):
    views = tmp_path / "views.py"
    views.write_text(
        "def get(self):\n    return Person.objects.get(pk=1)\n"
        "def scoped(self):\n    return scoping.get_for(a, Person.objects.select_for_update(), 1)\n"
        "def base_queryset(self):\n    return Person.objects.all()\n"
        "class F:\n    x = forms.ModelChoiceField(queryset=Person.objects.all())\n"
        "def marked(self):\n    return Person.objects.first()  # unscoped: a reason\n"
    )
    actions = tmp_path / "actions.py"
    actions.write_text(
        "def write():\n    Person.objects.create(x=1)\n    Person.objects.filter(x=1).update(x=2)\n"
        "def read():\n    return Person.objects.filter(x=1).exists()\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert fetches_outside_scoping(views) == ["views.py:2"]
        assert fetches_outside_scoping(actions) == ["actions.py:5"]
    finally:
        ROOT = saved


# --- Domain error codes


def _error_enums(tree: ast.Module) -> set[str]:
    """The names a module imported from an ``errors`` module (``from .errors import CredentialError``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "errors":
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def domain_errors_with_stray_codes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    enums = _error_enums(tree) | (
        {n.name for n in tree.body if isinstance(n, ast.ClassDef)} if path.stem == "errors" else set()
    )
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "DomainError" and node.args):
            continue
        code = node.args[0]
        from_enum = (
            isinstance(code, ast.Attribute) and isinstance(code.value, ast.Name) and code.value.id in enums
        )
        # A check that refused with its own coded error passes the code on (numbers.CertificateNumberError).
        forwarded = isinstance(code, ast.Attribute) and code.attr == "code"
        if not (from_enum or forwarded):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_domain_error_code_is_in_its_apps_errors_module():
    offenders = [o for _config, path in source_files() for o in domain_errors_with_stray_codes(path)]
    assert not offenders, (
        f"add the code to the app's errors.py and raise DomainError(AppError.CODE, …): {offenders}"
    )


def test_the_templates_of_an_app_live_in_that_app():
    """templates/<app label>/ in each app; core also holds the shell (base.html, includes/, error pages)."""
    assert not (ROOT / "talentbase" / "templates").exists(), "move project-level templates into their app"
    misplaced = []
    for config in our_app_configs():
        folder = Path(config.path) / "templates"
        if not folder.is_dir():
            continue
        allowed = {config.label} | ({"includes"} if config.label == "core" else set())
        for entry in folder.iterdir():
            if entry.is_dir() and entry.name not in allowed:
                misplaced.append(f"{config.label}: templates/{entry.name}/")
            if entry.is_file() and config.label != "core":
                misplaced.append(f"{config.label}: templates/{entry.name}")
    assert not misplaced, misplaced


def test_every_importer_has_its_pages():
    """Each kind of import is wired with ``import_urls(kind, prefix)`` under its importer's ``url_prefix``."""
    from django.urls import NoReverseMatch, reverse

    from talentbase.core.imports import machinery

    missing = []
    for importer in machinery.importers():
        if ".tests." in type(importer).__module__:  # a kind a test defines for itself, without pages
            continue
        for page in ("list", "create", "template"):
            try:
                reverse(f"{importer.url_prefix}-{page}")
            except NoReverseMatch:
                missing.append(f"{importer.kind}: {importer.url_prefix}-{page}")
    assert not missing, missing
