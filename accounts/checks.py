"""The production check (`manage.py check --deploy`, run by bin/start): a second factor is
required of some accounts (always superusers), so there must be a way to enrol one."""

from django.conf import settings
from django.core.checks import Error, Tags, register

MIDDLEWARE = ("django_otp.middleware.OTPMiddleware", "accounts.middleware.StaffSessionMiddleware")


@register(Tags.security, deploy=True)
def second_factor_can_be_enrolled(app_configs, **kwargs):
    errors = []
    if not (settings.SECOND_FACTOR_TOTP or settings.SECOND_FACTOR_PASSKEYS):
        errors.append(
            Error(
                "A second factor is required (superusers, SECOND_FACTOR_GROUPS, STAFF_REQUIRE_SECOND_FACTOR) "
                "but no way to enrol one is on.",
                hint="Set SECOND_FACTOR_TOTP=true or SECOND_FACTOR_PASSKEYS=true.",
                id="accounts.E001",
            )
        )
    missing = [name for name in MIDDLEWARE if name not in settings.MIDDLEWARE]
    if missing:
        errors.append(
            Error(
                f"The second factor is not enforced: {', '.join(missing)} missing from MIDDLEWARE.", id="accounts.E002"
            )
        )
    return errors
