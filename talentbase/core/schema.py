"""OpenAPI description of our session authentication (drf-spectacular extension), and the Swagger page. The
error answers of every operation are in core/api_schema.py (the schema class)."""

import re
from urllib.parse import urlsplit

from django.templatetags.static import static
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.views import SpectacularSwaggerSplitView


class SessionAuthentication401Scheme(OpenApiAuthenticationExtension):
    target_class = "talentbase.core.authentication.SessionAuthentication401"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class TransitionNameScheme(OpenApiSerializerFieldExtension):
    target_class = "talentbase.core.api.TransitionNameField"

    def map_serializer_field(self, auto_schema, direction):
        # A pattern, not an enum: drf-spectacular makes every enum a shared component, named by the field.
        return {
            "type": "string",
            "pattern": "^(" + "|".join(re.escape(str(c)) for c in self.target.choices) + ")$",
        }


def api_docs_policy() -> str:
    """The Swagger page's Content-Security-Policy: no inline script either (its start-up script is a file of
    its own, ``?script``), but Swagger UI's files come from ``SWAGGER_UI_DIST`` and it styles its elements
    inline. The origin is read from the setting, so a local copy of the files needs no change here."""
    dist = urlsplit(spectacular_settings.SWAGGER_UI_DIST)
    origin = f" {dist.scheme}://{dist.netloc}" if dist.scheme in ("http", "https") and dist.netloc else ""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self'{origin}",
            f"style-src 'self' 'unsafe-inline'{origin}",
            f"img-src 'self' data:{origin}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


SWAGGER_UI_STATIC = "vendor/swagger-ui"  # installed by `make assets` (scripts/install_assets.py)


class ApiDocsView(SpectacularSwaggerSplitView):
    """``/api/docs/``: the Swagger page under its own policy (core/middleware.py keeps a policy a view set).
    Swagger UI comes from our own static files, like every other asset: drf-spectacular's default is a CDN,
    which an intranet cannot reach (the page stayed blank)."""

    template_name = "core/api_docs.html"

    @staticmethod
    def _swagger_ui_resource(filename):
        return static(f"{SWAGGER_UI_STATIC}/{filename}")

    @staticmethod
    def _swagger_ui_favicon():
        return static(f"{SWAGGER_UI_STATIC}/favicon-32x32.png")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = api_docs_policy()
        return response
