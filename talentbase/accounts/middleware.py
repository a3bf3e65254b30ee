"""Per-request guards: the actor, the idle and absolute session limits, and the second factor."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from talentbase.core import audit
from talentbase.core.roles import ADMIN_ROLES

from .actors import actor_for_request

LAST_SEEN_KEY = "talentbase_last_seen"
LOGIN_AT_KEY = "talentbase_login_at"


class ActorMiddleware:
    """``request.actor``: who is acting, built once per request when first asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = SimpleLazyObject(lambda: actor_for_request(request))
        return self.get_response(request)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _signed_out_response(request, message):
    if _is_api(request):
        return JsonResponse({"code": "session_ended", "detail": message}, status=401)
    # MessageMiddleware runs before these guards (settings.MIDDLEWARE), so the notice survives the logout.
    messages.info(request, message)
    return redirect(settings.LOGIN_URL)


class SessionTimeoutMiddleware:
    """End a session idle for 30 minutes (administrators 15) or older than 12 hours.

    The last-seen time is written at most once a minute, so most requests do not write the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            last_seen = session.get(LAST_SEEN_KEY, now)
            login_at = session.get(LOGIN_AT_KEY, now)
            idle_minutes = (
                settings.TALENTBASE_ADMIN_IDLE_MINUTES
                if user.roles() & ADMIN_ROLES
                else settings.TALENTBASE_IDLE_MINUTES
            )
            if (
                now - last_seen > idle_minutes * 60
                or now - login_at > settings.TALENTBASE_SESSION_MAX_HOURS * 3600
            ):
                idle = now - last_seen > idle_minutes * 60
                reason = "idle" if idle else "session_age"
                audit.record_audit(
                    actor=actor_for_request(request), verb=audit.LOGOUT, obj=user, reason=reason
                )
                logout(request)
                message = _("您已长时间未操作，请重新登录") if idle else _("登录已超过 12 小时，请重新登录")
                return _signed_out_response(request, message)
            if LOGIN_AT_KEY not in session:
                session[LOGIN_AT_KEY] = now
            if now - last_seen >= 60 or LAST_SEEN_KEY not in session:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """A back-office session that has not passed TOTP is ended: no page or API call is served to it.

    The login flow verifies TOTP before the session is created; this guards the case of a role granted
    to a user who is already signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_back_office() and not user.is_verified():
            logout(request)
            return _signed_out_response(request, _("您的账号需要动态口令，请重新登录"))
        return self.get_response(request)
