"""Log-in throttling glue for django-axes: what a locked-out user reads (who the client is:
core.site.client_ip).

The rules themselves (how many failures, for how long, per account and per address) are
django-axes settings in convention/settings.py."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils.translation import gettext as _


def locked_out(request, original_response=None, credentials=None):
    """The log-in page's answer while the account or the address is locked out (429)."""
    context = {
        **admin.site.each_context(request),
        "title": _("Connexion bloquée"),
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "admin/locked_out.html", context, status=429)
