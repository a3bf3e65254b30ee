from rest_framework.authentication import SessionAuthentication


class SessionAuthentication401(SessionAuthentication):
    """Session authentication that answers 401 (not 403) to a caller who is not signed in."""

    def authenticate_header(self, request):
        return "Session"
