"""The site's own address, for absolute links."""

import functools
import ipaddress

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def base_url(request) -> str:
    """SITE_URL when set (production), else the address of this request: its scheme and
    its host, validated against ALLOWED_HOSTS. No trailing slash."""
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")


def fixed_url(name: str) -> str:
    """`reverse(name)` for an address without arguments (the menu's, the footer's), reversed once
    per process: a `reverse()` costs tens of microseconds and every page asks for a dozen."""
    return _reversed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=256)
def _reversed(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)  # under `prefix`, the script prefix of the caller


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR; behind TRUSTED_PROXY_COUNT proxies that each append
    the address they see to X-Forwarded-For, the one the outermost proxy saw (what the client
    wrote itself in that header comes before it, and is never trusted)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= count:
            try:
                return str(ipaddress.ip_address(forwarded[-count]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR", "")
