"""Headers on every response the application writes (static files are served before the middleware):

- ``Cache-Control: no-store`` (Django's never-cache set) on every page and API answer to a signed-in user or
  an API client, and on any other that does not state its own caching: a page, an export or a photo may
  show personal data, and no browser, proxy or back-forward cache may keep it (SECURITY.md, PIPL).
"""

from django.utils.cache import add_never_cache_headers


def _may_hold_personal_data(request, response) -> bool:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    # API clients sign in per request (token or session, inside DRF): every API answer counts as theirs.
    return signed_in or request.path.startswith("/api/") or not response.has_header("Cache-Control")


class ResponseHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _may_hold_personal_data(request, response):
            add_never_cache_headers(response)
        return response
