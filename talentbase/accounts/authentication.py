"""DRF authentication by API token (``Authorization: Token tb_…``), for other government systems."""

from rest_framework import authentication, exceptions

from talentbase.core.http import client_ip

from .actors import actor_for_membership
from .tokens import user_for_token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="ignore").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("invalid token header")
        found = user_for_token(header[1])
        if found is None:
            raise exceptions.AuthenticationFailed("invalid or expired token")
        user, token = found
        membership = user.active_memberships().order_by("pk").first()
        if membership is None:
            raise exceptions.AuthenticationFailed("account has no active membership")
        # The actor the scoped viewsets use: built here, since the middleware ran before DRF signed in.
        request._request.actor = actor_for_membership(membership, ip=client_ip(request._request))
        return user, token

    def authenticate_header(self, request):
        return self.keyword
