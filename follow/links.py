"""The absolute links a message carries (from SITE_URL: a message is read far from the site)."""

import datetime

from django.conf import settings
from django.urls import reverse

from .models import Follower
from .tokens import CONFIRM, MANAGE, UNSUBSCRIBE, make_token


def _absolute(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, args=[token])


def confirm_url(follower: Follower, *, issued_at: datetime.datetime | None = None) -> str:
    """Confirms what the address asked to follow until now, or until `issued_at`
    (Subscription.pending)."""
    return _absolute("follow:confirm", make_token(follower, CONFIRM, issued_at=issued_at))


def unsubscribe_url(follower: Follower) -> str:
    return _absolute("follow:unsubscribe", make_token(follower, UNSUBSCRIBE))


def manage_url(follower: Follower) -> str:
    return _absolute("follow:manage", make_token(follower, MANAGE))


def list_unsubscribe_headers(follower: Follower) -> dict[str, str]:
    """The headers of every message to a follower: one-click unsubscribe (RFC 8058), a POST
    to the unsubscribe link that needs no cookie."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(follower)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
