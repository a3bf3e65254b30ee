"""Request helpers shared by pages and the API."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address. Behind a reverse proxy, set TALENTBASE_TRUSTED_PROXIES to the number of
    proxies in front of us, and the address they append to X-Forwarded-For is used."""
    proxies = getattr(settings, "TALENTBASE_TRUSTED_PROXIES", 0)
    address = request.META.get("REMOTE_ADDR")
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None
