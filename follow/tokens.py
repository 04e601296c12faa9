"""Signed links for a follower: confirm an address or what it asked to follow, unsubscribe in
one click, see and delete what it follows.

A link carries no readable identifier: the follower's random key (Follower.key, drawn when
the address is first given: it says nothing of who, how many, or in which order), the time the
link was made, and a signature with the site's secret key and a purpose of its own, so a link
made for one purpose opens no other and nobody can make one. A confirmation link confirms
what was asked until it was made (Subscription.pending), no later request.

Links made before (the follower's id in readable base64, and for a confirmed address's
addition, what it added) still open their page: the messages already sent keep their
unsubscribe and manage links; a confirmation link lives UNCONFIRMED_DAYS anyway."""

import datetime
from dataclasses import dataclass, field

from django.core import signing

from .models import UNCONFIRMED_DAYS, Follower

CONFIRM = "follow.confirm"
UNSUBSCRIBE = "follow.unsubscribe"
MANAGE = "follow.manage"

# A confirmation link lives as long as the unconfirmed address it confirms. The links of the
# messages (unsubscribe, manage) do not expire: they die when the address is forgotten.
MAX_AGE = {CONFIRM: datetime.timedelta(days=UNCONFIRMED_DAYS), UNSUBSCRIBE: None, MANAGE: None}


@dataclass(frozen=True)
class Link:
    """What a valid link says: its follower (None once forgotten), when it was made, and, in a
    confirmation link made before the upgrade, the addition it carried."""

    follower: Follower | None
    issued_at: datetime.datetime
    addition: list = field(default_factory=list)


def _signer(purpose: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"{purpose}.key")


def make_token(follower: Follower, purpose: str, *, issued_at: datetime.datetime | None = None) -> str:
    """A link of `purpose` for `follower`, dated now or `issued_at` (a confirmation written by the
    worker is dated when its request asked for it)."""
    signer = _signer(purpose)
    if issued_at is None:
        return signer.sign(follower.key)
    dated = f"{follower.key}{signer.sep}{signing.b62_encode(int(issued_at.timestamp()))}"
    return signing.Signer.sign(signer, dated)


def _issued_at(token: str) -> datetime.datetime:
    timestamp = token.rsplit(signing.Signer().sep, 2)[-2]
    return datetime.datetime.fromtimestamp(signing.b62_decode(timestamp), tz=datetime.UTC)


def read_link(token: str, purpose: str) -> Link | None:
    """What a link of `purpose` says, or None (forged, expired, made for another purpose)."""
    max_age = MAX_AGE.get(purpose)
    try:
        key = _signer(purpose).unsign(token, max_age=max_age)
    except signing.BadSignature:
        return _read_former_link(token, purpose, max_age)
    return Link(Follower.objects.filter(key=key).first(), _issued_at(token))


def _read_former_link(token: str, purpose: str, max_age) -> Link | None:
    """A link made before the upgrade: [follower id, *addition] signed with the purpose."""
    try:
        value = signing.loads(token, salt=purpose, max_age=max_age)
    except signing.BadSignature:
        return None
    follower_id, *addition = value if isinstance(value, list) else [value]
    if not isinstance(follower_id, int):
        return None
    return Link(Follower.objects.filter(pk=follower_id).first(), _issued_at(token), addition)
