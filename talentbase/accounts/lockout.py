"""Login failure handling: 5 consecutive failures lock an account for 15 minutes (等保 level 3), and an
address that fails too often across accounts must wait between tries, a delay that grows with each failure
up to a cap. The address delay never locks an office behind one address out: it lasts seconds, and a
correct password with a valid second factor passes it (login.py).

The account counter lives on the user row and the address counter in the cache (the database cache by
default, Redis when configured), so both hold across server processes. A username that no account has is
counted and locked the same way, in the cache under a keyed hash of the name: a stranger who tries a name
five times sees it locked whether it exists or not (the sign-in answers never tell which accounts exist)."""

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

# A name no account has keeps its count this long after its last failure (an account's count never lapses).
UNKNOWN_NAME_MEMORY_SECONDS = 24 * 3600


def _ip_key(ip: str | None) -> str:
    return f"login-fail-ip:{ip or 'unknown'}"


def _count(key: str, timeout: int) -> int:
    """Add one to a counter in the cache that lapses ``timeout`` seconds after its last increment."""
    if cache.add(key, 1, timeout):
        return 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1
    # Django's generic incr (the database cache) stores the key again with the default 5-minute
    # timeout: give it back its window, counted from this failure.
    cache.touch(key, timeout)
    return count


def _ip_last_key(ip: str | None) -> str:
    return f"login-fail-ip-at:{ip or 'unknown'}"


def ip_delay_seconds(failures: int) -> int:
    """The wait after the address's latest failure: none for the first free failures, then 1 s, doubling
    with each further failure, capped."""
    beyond = failures - settings.TALENTBASE_IP_FREE_FAILURES
    if beyond <= 0:
        return 0
    return min(2 ** min(beyond - 1, 30), settings.TALENTBASE_IP_MAX_DELAY_SECONDS)


def ip_wait_remaining(ip: str | None) -> int:
    """Whole seconds the address must still wait before its next try is looked at; 0 when it need not."""
    failures = cache.get(_ip_key(ip), 0)
    delay = ip_delay_seconds(failures)
    last = cache.get(_ip_last_key(ip))
    if not delay or last is None:
        return 0
    remaining = last + delay - timezone.now().timestamp()
    return math.ceil(remaining) if remaining > 0 else 0


def count_ip_failure(ip: str | None) -> None:
    """One more failure from the address; the count lapses a lockout window after the last failure."""
    window = settings.TALENTBASE_LOCKOUT_MINUTES * 60
    _count(_ip_key(ip), window)
    cache.set(_ip_last_key(ip), timezone.now().timestamp(), window)


def _name_key(kind: str, username: str) -> str:
    # Keyed, so that the cache never holds a typed name (perhaps an ID number or a phone) in clear.
    return f"login-{kind}-name:{salted_hmac('talentbase.lockout.name', username).hexdigest()[:32]}"


def locked_until(user, username: str) -> datetime | None:
    """When the lock of the account (or of the name no account has) ends; None when it is not locked."""
    if user is not None:
        return user.locked_until if user.is_locked() else None
    until = cache.get(_name_key("lock", username))
    if until is None:
        return None
    until = datetime.fromisoformat(until)
    return until if until > timezone.now() else None


def count_failure(user, username: str) -> bool:
    """Count one failure for the account, or for the name no account has; True when this failure locks it."""
    if user is not None:
        return count_user_failure(user)
    failures = _count(_name_key("fail", username), UNKNOWN_NAME_MEMORY_SECONDS)
    if failures < settings.TALENTBASE_LOCKOUT_FAILURES:
        return False
    minutes = settings.TALENTBASE_LOCKOUT_MINUTES
    until = timezone.now() + timedelta(minutes=minutes)
    cache.set(_name_key("lock", username), until.isoformat(), minutes * 60)
    cache.delete(_name_key("fail", username))
    return True


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
