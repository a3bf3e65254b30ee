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
