"""Log-in throttling glue for django-axes: who the client is, and what a locked-out user reads.

The rules themselves (how many failures, for how long, per account and per address) are
django-axes settings in convention/settings.py."""

import ipaddress

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils.translation import gettext as _


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


def locked_out(request, original_response=None, credentials=None):
    """The log-in page's answer while the account or the address is locked out (429)."""
    context = {
        **admin.site.each_context(request),
        "title": _("Connexion bloquée"),
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "admin/locked_out.html", context, status=429)
