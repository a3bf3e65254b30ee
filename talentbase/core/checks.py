import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register


@register()
def audit_retention_check(app_configs, **kwargs):
    """等保 asks for six months of logs: refuse a retention setting below 184 days."""
    minimum = settings.TALENTBASE_AUDIT_MIN_RETENTION_DAYS
    if settings.TALENTBASE_AUDIT_RETENTION_DAYS < minimum:
        return [
            Error(
                f"TALENTBASE_AUDIT_RETENTION_DAYS is {settings.TALENTBASE_AUDIT_RETENTION_DAYS}; "
                f"it may not be below {minimum} days (six calendar months).",
                id="talentbase.E001",
            )
        ]
    return []


@register(deploy=True)
def personal_data_keys_check(app_configs, **kwargs):
    """Personal data cannot be stored without its keys; say so at deployment, not at the first import."""
    from django.core.exceptions import ImproperlyConfigured

    from .crypto import parse_keyring

    try:
        parse_keyring(settings.TALENTBASE_PII_KEYS, settings.TALENTBASE_PII_HMAC_KEY)
    except ImproperlyConfigured as error:
        return [Error(f"{error} Generate keys with `talentbase generate_pii_key`.", id="talentbase.E002")]
    return []


LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def public_base_url_problem(url: str) -> str:
    """What is wrong with a public base URL for production, or "" when nothing is."""
    if not url:
        return "is not set"
    parts = urlsplit(url)
    if parts.scheme != "https":
        return f"is {url!r}: it must be an https:// address"
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return f"is {url!r}: it has no host name"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if (
        host in LOCAL_NAMES
        or host.endswith(".localhost")
        or (address and (address.is_loopback or address.is_unspecified))
    ):
        return f"is {url!r}: it points to this machine, which no phone scanning a certificate can reach"
    return ""


@register(deploy=True)
def public_base_url_check(app_configs, **kwargs):
    """Certificates print the public base URL in their QR codes and it may never change once they are
    printed: refuse to deploy without a real one (it used to fall back to 127.0.0.1 silently)."""
    problem = public_base_url_problem(getattr(settings, "PUBLIC_BASE_URL", ""))
    if problem:
        return [
            Error(
                f"TALENTBASE_PUBLIC_BASE_URL {problem}. Certificates print it in their QR codes and it must "
                "never change once they are printed: set the platform's public address, e.g. "
                "https://talentbase.example.gov.cn.",
                id="talentbase.E003",
            )
        ]
    return []


@register(deploy=True)
def audit_keys_check(app_configs, **kwargs):
    """The audit chain is an HMAC under keys kept outside the database: refuse to deploy without them."""
    from django.core.exceptions import ImproperlyConfigured

    from .audit import _keys_from

    try:
        _keys_from(getattr(settings, "TALENTBASE_AUDIT_KEYS", ""))
    except ImproperlyConfigured as error:
        return [Error(f"{error} Generate a key with `talentbase generate_pii_key`.", id="talentbase.E004")]
    return []


@register(deploy=True)
def database_role_check(app_configs, **kwargs):
    """On PostgreSQL the application connects as a role that is neither a superuser nor the owner of the audit
    tables (the trigger guarding them is only as strong as the role that cannot switch it off)."""
    from django.db import DatabaseError, connections

    from .dbroles import role_facts, role_problems

    errors = []
    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        try:
            problems = role_problems(role_facts(connection))
        except DatabaseError as error:
            problems = [f"could not be checked ({error.__class__.__name__}: {error})".strip()]
        for problem in problems:
            errors.append(
                Error(
                    f"Database {alias!r}: the application {problem}. Create a migrating role and an application "
                    "role (`talentbase db_roles`, README: Database roles) and set DATABASE_URL to the application "
                    "role.",
                    id="talentbase.E005",
                )
            )
    return errors
