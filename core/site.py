"""The site's own address, for absolute links."""

from django.conf import settings


def base_url(request) -> str:
    """SITE_URL when set (production), else the address of this request: its scheme and
    its host, validated against ALLOWED_HOSTS. No trailing slash."""
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
