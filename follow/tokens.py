"""Signed links for a follower: confirm an address, unsubscribe in one click, see and delete
what it follows. A link carries the follower's id signed with the site's secret key and a
purpose of its own, so a link made for one purpose opens no other."""

from django.core import signing

from .models import Follower

CONFIRM = "follow.confirm"
UNSUBSCRIBE = "follow.unsubscribe"
MANAGE = "follow.manage"


def make_token(follower: Follower, purpose: str) -> str:
    return signing.dumps(follower.pk, salt=purpose)


def read_token(token: str, purpose: str, *, max_age=None) -> Follower | None:
    """The follower a token of `purpose` was made for, or None (forged, expired, forgotten)."""
    try:
        pk = signing.loads(token, salt=purpose, max_age=max_age)
    except signing.BadSignature:
        return None
    return Follower.objects.filter(pk=pk).first()
