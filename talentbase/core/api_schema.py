"""The API's schema class: drf-spectacular's, with the error answers every operation really gives. Its own
module: DRF imports it while it reads its settings, before the apps' schema extensions (core/schema.py) load."""

from drf_spectacular.openapi import AutoSchema as DrfAutoSchema
from drf_spectacular.plumbing import ResolvedComponent

from .api_filters import ID_MAX, ID_MIN

NO_NUL = "^[^\\x00]*$"

# --- The error answers every operation can give, as the exception handler (core/api.py) writes them.

DETAIL_ERROR = {
    "type": "object",
    "description": "401, 403, 404, 405: what DRF and our handler answer, a sentence in `detail`.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail"],
}
DOMAIN_ERROR = {
    "type": "object",
    "description": "A domain refusal: the app's error code, a sentence, and the field it concerns.",
    "properties": {"code": {"type": "string"}, "detail": {"type": "string"}, "field": {"type": "string"}},
    "required": ["code", "detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "Refused input: for each field (or `non_field_errors`) its messages (a form's errors are "
    "objects with `message` and `code`; a nested field's are keyed by its position or name).",
    "additionalProperties": {
        "anyOf": [{"type": "array"}, {"type": "object"}, {"type": "string"}],
    },
}
ERROR_COMPONENTS = {"Error": DETAIL_ERROR, "DomainError": DOMAIN_ERROR, "ValidationError": VALIDATION_ERROR}

ERROR_DESCRIPTIONS = {
    "400": "Refused input (a field's messages) or a domain refusal (its code)",
    "401": "Not signed in: no session and no valid API token",
    "403": "The caller's role may never take this action",
    "404": "Not found, or not in the caller's scope (the same answer for both); or a forged page cursor",
    "405": "Method not allowed",
}


def error_codes(method: str, path: str, operation: dict) -> set[str]:
    """The error statuses one operation can answer. Every operation needs a signed-in caller (401) whose role
    may take its action (403); one that names an object, or pages with a cursor, can find nothing (404); one
    that takes input, in its body or its query, can refuse it (400), and so can every write (a domain rule:
    an object still in use, a state that forbids the move)."""
    query = {p.get("name") for p in operation.get("parameters", []) if p.get("in") == "query"}
    codes = {"401", "403"}
    if "{" in path or "cursor" in query:
        codes.add("404")
    if method != "GET" or operation.get("requestBody") or (query - {"cursor"}):
        codes.add("400")
    return codes


class AutoSchema(DrfAutoSchema):
    """drf-spectacular's schema, with the error answers each operation really gives (``error_codes``), in the
    shapes ``core.api.exception_handler`` writes: ``{"detail"}``, ``{"code", "detail", "field"}`` for a
    domain refusal, ``{field: [messages]}`` for refused input. A view adds codes of its own (a 404 for a
    named object in the query) with ``extend_schema(responses=...)``, which this never overrides."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None or not path.startswith("/api/v1/"):
            return operation
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            # A filter's text goes through a form field, which refuses a NUL; the page cursor and the order
            # are read as they come (a cursor that does not decode is a 404, an unknown order is ignored).
            if (
                parameter.get("in") == "query"
                and parameter.get("name") not in ("cursor", "ordering")
                and schema.get("type") == "string"
                and not schema.keys() & {"enum", "pattern", "format"}
            ):
                schema["pattern"] = NO_NUL  # a form field refuses text with a NUL character
            if parameter.get("in") == "query" and schema.get("type") == "integer":
                # The ids the filters take (core/api_filters.py): whole numbers of 64 bits.
                schema.setdefault("minimum", ID_MIN)
                schema.setdefault("maximum", ID_MAX)
        if operation.get("requestBody") and method in ("POST", "PUT") and self._body_has_required_fields():
            # A body with required fields is itself required (else a bare POST looks valid and is refused).
            operation["requestBody"]["required"] = True
        responses = operation.setdefault("responses", {})
        for code in sorted(
            error_codes(method, path, operation) | {c for c in responses if c in ERROR_DESCRIPTIONS}
        ):
            documented = responses.setdefault(code, self._error_response(code))
            documented.setdefault("content", self._error_response(code)["content"])
        return operation

    def _body_has_required_fields(self) -> bool:
        from drf_spectacular.utils import PolymorphicProxySerializer

        serializer = self.get_request_serializer()
        if isinstance(serializer, PolymorphicProxySerializer):
            return True  # a button's body names the button
        if getattr(serializer, "body_required", False):
            return True
        if isinstance(serializer, type):
            serializer = serializer()
        fields = getattr(serializer, "fields", {})
        return any(field.required and not field.read_only for field in fields.values())

    def get_request_serializer(self):
        """A button's body is its form: the named endpoint's (``…/{id}/revoke/``), or one of them for the
        generic ``…/{id}/transition/``, from the workflow the dispatcher uses; never a copy kept by hand."""
        from talentbase.core import api, workflow

        view = self.view
        if isinstance(view, api.WorkflowActionsMixin) and self.method == "POST":
            names = {t.name for t in workflow.workflow_for(view.model).transitions}
            if view.action == "transition":
                return api.transitions_request_schema(view.model)
            if view.action in names:
                return api.transition_request_serializer(view.model, view.action)
        return super().get_request_serializer()

    def _error_component(self, name: str) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=ERROR_COMPONENTS[name]
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _error_response(self, code: str) -> dict:
        if code == "400":
            schema = {
                "anyOf": [self._error_component("DomainError"), self._error_component("ValidationError")]
            }
        else:
            schema = self._error_component("Error")
        return {"description": ERROR_DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}
