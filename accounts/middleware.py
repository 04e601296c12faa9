"""Staff sessions: ended after STAFF_SESSION_IDLE_MINUTES without a request, and kept to the
second-factor pages until a second factor is verified (or enrolled, when it is required)."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from .services import has_second_factor, second_factor_required

LAST_SEEN_KEY = "accounts_last_seen"
# What a staff member reaches before the second factor: signing out, and the pages that verify
# one, or enrol one (only when no factor exists yet: see `StaffSessionMiddleware`).
ALWAYS_OPEN = {
    "admin:logout",
    "admin:login",
    "accounts:verify",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
}
ENROLMENT = {
    "accounts:factors",
    "accounts:totp-add",
    "accounts:totp-confirm",
    "accounts:recovery-codes",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
}


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # No session cookie: an anonymous visitor, whose session is never read here (a public
        # page must not vary on the cookie for nothing).
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated and request.user.is_staff:
            answer = self.idle(request) or self.second_factor(request)
            if answer is not None:
                return answer
        return self.get_response(request)

    def idle(self, request):
        minutes = settings.STAFF_SESSION_IDLE_MINUTES
        if not minutes:
            return None
        now = int(time.time())
        last_seen = request.session.get(LAST_SEEN_KEY)
        if last_seen is not None and now - last_seen > minutes * 60:
            logout(request)
            messages.info(request, _("Votre session a expiré après une période d'inactivité : reconnectez-vous."))
            return redirect(f"{reverse('admin:login')}?{urlencode({'next': request.get_full_path()})}")
        if last_seen is None or now - last_seen >= 30:  # at most one session write every 30 s
            request.session[LAST_SEEN_KEY] = now
        return None

    def second_factor(self, request):
        user = request.user
        if user.is_verified():
            return None
        name = _url_name(request)
        if name in ALWAYS_OPEN:
            return None
        if has_second_factor(user):
            target = "accounts:verify"
        elif name in ENROLMENT:
            return None
        elif second_factor_required(user):
            target = "accounts:factors"
        else:
            return None
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def _url_name(request) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.view_name


@receiver(user_logged_in)
def _seen_at_login(sender, request, user, **kwargs):
    """Signing in counts as activity (and spares the first page a session write)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())
