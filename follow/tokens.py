"""Signed links for a follower: confirm an address, unsubscribe in one click, see and delete
what it follows. A link carries the follower's id signed with the site's secret key and a
purpose of its own, so a link made for one purpose opens no other. A confirmation link may also
carry what a confirmed address asked to follow in addition (nothing is stored before the click)."""

from datetime import timedelta

from django.core import signing

from .models import UNCONFIRMED_DAYS, Follower

CONFIRM = "follow.confirm"
UNSUBSCRIBE = "follow.unsubscribe"
MANAGE = "follow.manage"

# A confirmation link lives as long as the unconfirmed address it confirms. The links of the
# messages (unsubscribe, manage) do not expire: they die when the address is forgotten.
MAX_AGE = {CONFIRM: timedelta(days=UNCONFIRMED_DAYS), UNSUBSCRIBE: None, MANAGE: None}


def make_token(follower: Follower, purpose: str, *extra) -> str:
    return signing.dumps([follower.pk, *extra] if extra else follower.pk, salt=purpose)


def read_signed(token: str, purpose: str, *, max_age=None) -> list | None:
    """What a token of `purpose` carries, [follower id, *extra], or None (forged, expired)."""
    try:
        value = signing.loads(token, salt=purpose, max_age=max_age or MAX_AGE.get(purpose))
    except signing.BadSignature:
        return None
    return value if isinstance(value, list) else [value]


def follower_of(values: list | None) -> Follower | None:
    """The follower named by what a token carried (`read_signed`), or None (forgotten)."""
    return None if values is None else Follower.objects.filter(pk=values[0]).first()


def read_token(token: str, purpose: str, *, max_age=None) -> Follower | None:
    """The follower a token of `purpose` was made for, or None (forged, expired, forgotten)."""
    return follower_of(read_signed(token, purpose, max_age=max_age))
