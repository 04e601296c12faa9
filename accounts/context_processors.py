from django.conf import settings


def single_sign_on(request) -> dict:
    """Whether the log-in page offers the city's provider (OIDC_ENABLED)."""
    return {"oidc_enabled": settings.OIDC_ENABLED}
