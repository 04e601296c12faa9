"""The confirmation message (double opt-in): nothing is followed, and nothing else is sent,
until its link is opened and its button pressed."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from proposals.models import Convention

from .links import confirm_url, manage_url
from .models import UNCONFIRMED_DAYS, Follower, Subscription

logger = logging.getLogger(__name__)


def send_confirmation(follower: Follower, *, addition: Subscription | None = None) -> bool:
    """Send the confirmation message to `follower`: for what it asked to follow while
    unconfirmed; for a confirmed address, for `addition` only (pending), or, when `addition` is
    followed already, the link to its page instead. Whether it was sent: an SMTP failure is
    logged (the person may ask again the next day), never raised."""
    already = addition is not None and not addition.pending
    if addition is None:
        targets = list(follower.subscriptions.select_related("proposal", "axis"))
        link = confirm_url(follower)
    else:
        targets = [addition]
        link = manage_url(follower) if already else confirm_url(follower)
    convention = Convention.current()
    context = {
        "convention": convention,
        "targets": targets,
        "link": link,
        "already": already,
        "days": UNCONFIRMED_DAYS,
        "confirmed": follower.is_confirmed,
        "site_url": settings.SITE_URL,
    }
    subject = _("Vos abonnements — %(site)s") if already else _("Confirmez votre abonnement — %(site)s")
    message = EmailMultiAlternatives(
        subject=subject % {"site": convention.name},  # the full name says which convention
        body=render_to_string("follow/email/confirmation.txt", context),
        to=[follower.email],
    )
    message.attach_alternative(render_to_string("follow/email/confirmation.html", context), "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Confirmation message to follower %s not sent.", follower.pk)
        return False
    return True
