"""Where a secret could outlive the response that showed it: the session rows, the cache table (sessions live
in the cache when Redis is configured, lockout counters always do) and the client's cookies (messages)."""

import base64
import binascii

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection


def stores_holding(text: str, client=None) -> list[str]:
    """The stores that hold ``text`` in clear (pickled or JSON-encoded values count), as readable names."""
    found = []
    for session in Session.objects.all():
        if text in repr(session.get_decoded()) or text in session.session_data:
            found.append(f"django_session {session.session_key}")
    table = settings.CACHES["default"].get("LOCATION")
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key, value FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for key, value in cursor.fetchall():
                try:
                    raw = base64.b64decode(value)
                except (binascii.Error, ValueError):
                    raw = value.encode()
                if text.encode() in raw or text in value:
                    found.append(f"cache {key}")
    else:
        # A local-memory cache in a test run: ask it for every key it could have written for a session.
        for session_key in list(Session.objects.values_list("session_key", flat=True)):
            if text in repr(cache.get(f"django.contrib.sessions.cache{session_key}")):
                found.append(f"cache session {session_key}")
    if client is not None:
        for name, morsel in client.cookies.items():
            if text in morsel.value:
                found.append(f"cookie {name}")
    return found
