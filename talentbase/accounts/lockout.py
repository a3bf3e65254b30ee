"""Login failure handling: 5 consecutive failures lock an account for 15 minutes, and a per-address
throttle refuses an address that fails too often across accounts (等保 level 3).

The account counter lives on the user row and the address counter in the cache (the database cache by
default, Redis when configured), so both hold across server processes."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone


def _ip_key(ip: str | None) -> str:
    return f"login-fail-ip:{ip or 'unknown'}"


def ip_throttled(ip: str | None) -> bool:
    return cache.get(_ip_key(ip), 0) >= settings.TALENTBASE_IP_THROTTLE_FAILURES


def count_ip_failure(ip: str | None) -> None:
    key = _ip_key(ip)
    timeout = settings.TALENTBASE_LOCKOUT_MINUTES * 60
    if cache.add(key, 1, timeout):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
    else:
        # Django's generic incr (the database cache) stores the key again with the default 5-minute
        # timeout: give it back the lockout window, counted from this failure.
        cache.touch(key, timeout)


def count_user_failure(user) -> bool:
    """Count one failure for the account; returns True when this failure locks it."""
    model = type(user)
    with transaction.atomic():
        locked_user = model.objects.select_for_update().get(pk=user.pk)
        locked_user.failed_logins += 1
        newly_locked = False
        if locked_user.failed_logins >= settings.TALENTBASE_LOCKOUT_FAILURES:
            locked_user.locked_until = timezone.now() + timedelta(minutes=settings.TALENTBASE_LOCKOUT_MINUTES)
            locked_user.failed_logins = 0
            newly_locked = True
        locked_user.save(update_fields=["failed_logins", "locked_until"])
    user.failed_logins, user.locked_until = locked_user.failed_logins, locked_user.locked_until
    return newly_locked


def clear_user_failures(user) -> None:
    if user.failed_logins or user.locked_until:
        type(user).objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        user.failed_logins, user.locked_until = 0, None
