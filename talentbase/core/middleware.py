"""Headers on every response the application writes (static files are served before the middleware):

- ``Cache-Control: no-store`` (Django's never-cache set) on every page and API answer to a signed-in user or
  an API client, and on any other that does not state its own caching: a page, an export or a photo may
  show personal data, and no browser, proxy or back-forward cache may keep it (SECURITY.md, PIPL).
- A strict Content-Security-Policy: scripts, styles, fonts and images from our own origin only, no inline
  script, style or handler, no framing. A view that needs another policy sets the header itself
  (``ApiDocsView``), and the middleware leaves it.
- A Permissions-Policy that denies the browser features the platform never uses. The worker's certificate
  photo is a file input (``capture="environment"``), not the camera API, so it still works.
"""

from django.utils.cache import add_never_cache_headers
from rest_framework.renderers import BrowsableAPIRenderer

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Features chromium knows (an unknown one is reported in the console, which the browser tests refuse).
DENIED_FEATURES = (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "hid",
    "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get", "screen-wake-lock",
    "serial", "usb", "xr-spatial-tracking",
)  # fmt: skip
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)
# DRF's browsable API (an API answer asked for by a browser) places its elements with style="" attributes;
# scripts stay strict.
BROWSABLE_API_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def _may_hold_personal_data(request, response) -> bool:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    # API clients sign in per request (token or session, inside DRF): every API answer counts as theirs.
    return signed_in or request.path.startswith("/api/") or not response.has_header("Cache-Control")


def _stored_by_no_one(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def _policy_for(response) -> str:
    renderer = getattr(response, "accepted_renderer", None)
    return BROWSABLE_API_POLICY if isinstance(renderer, BrowsableAPIRenderer) else CONTENT_SECURITY_POLICY


class ResponseHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _may_hold_personal_data(request, response) and not _stored_by_no_one(response):
            add_never_cache_headers(response)
        response.headers.setdefault("Content-Security-Policy", _policy_for(response))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
