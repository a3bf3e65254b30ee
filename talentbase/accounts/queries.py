"""The accounts' read paths."""

from django_otp.plugins.otp_totp.models import TOTPDevice


def has_second_factor(user) -> bool:
    """Whether the account has a confirmed TOTP device. Devices belong to django-otp, which knows no scope:
    the caller has fetched the account itself in scope (its own, or an administrator's view of it)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()  # unscoped: see above
