"""Following by e-mail: asking to follow something, confirming, unfollowing."""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from proposals.models import Axis, Proposal

from .models import Follower, Subscription
from .tasks import queue_confirmation

logger = logging.getLogger(__name__)


def client_over_limit(client: str) -> bool:
    """Count one request to follow from this client address (as the site computes it behind its
    trusted proxies), and say whether it is over FOLLOW_MAX_REQUESTS_PER_HOUR this hour. The
    counter lives in the cache (shared by every worker when Redis is on); the address itself is
    not kept, only its hash. A cache that does not answer counts nothing: the limit of one
    message per address per day still holds (in the database)."""
    hour = int(time.time() // 3600)
    key = "follow:client:" + hashlib.sha256(f"{client}:{hour}".encode()).hexdigest()
    try:
        cache.add(key, 0, 3600)
        count = cache.incr(key)
    except (RedisError, ValueError) as error:
        logger.warning("Follow limit per client not counted: %s", error)
        return False
    return count > settings.FOLLOW_MAX_REQUESTS_PER_HOUR


def follower_subscribe(*, email: str, proposal: Proposal | None = None, axis: Axis | None = None) -> None:
    """`email` asks to follow `proposal`, `axis` or (neither) every review. Nothing is followed
    before the address confirms: an unknown or unconfirmed address keeps what it asks for until
    it confirms (or is forgotten after UNCONFIRMED_DAYS); a confirmed one is asked to confirm
    the addition, which is stored only then, or told that it follows it already (with the link
    to its page). At most one such message per address per day, whoever asks; an unconfirmed
    address keeps only what a message lists (anyone may type an address: what is asked for it
    after its message of the day would be confirmed by a button its owner pressed for what the
    message said). The caller answers the same thing in every case."""
    with transaction.atomic():
        Follower.objects.forget_unconfirmed()
        follower, _ = Follower.objects.get_or_create(email=email.lower())
        claimed = follower.claim_confirmation_message()
        if follower.is_confirmed:
            # What it follows already (saved), or the addition to confirm (not saved).
            asked = follower.subscriptions.filter(proposal=proposal, axis=axis).first() or Subscription(
                follower=follower, proposal=proposal, axis=axis
            )
        else:
            if claimed:  # the message sent below lists it
                Subscription.objects.get_or_create(follower=follower, proposal=proposal, axis=axis)
            asked = None
    # Queued for the worker, never sent here: the answer does not wait for any mail server.
    if claimed:
        queue_confirmation(follower, addition=asked)


@transaction.atomic
def follower_confirm(*, follower: Follower, addition: list | None = None) -> None:
    """The address confirmed by its link: it follows what it asked for (or the addition the
    link carries, when what it names still exists)."""
    follower.confirm()
    if addition:
        wanted = Subscription.from_target_values(follower, addition)
        if wanted.target_exists():
            Subscription.objects.get_or_create(
                follower=follower, proposal_id=wanted.proposal_id, axis_id=wanted.axis_id
            )


def follower_unfollow(*, follower: Follower, subscription: Subscription) -> bool:
    """Stop following one thing; an address left following nothing is forgotten. Whether the
    address was forgotten."""
    with transaction.atomic():
        subscription.delete()
        if follower.subscriptions.exists():
            return False
        follower.delete()
    return True


def follower_forget(*, follower: Follower) -> None:
    """Unsubscribe from everything: the address and what it followed are deleted."""
    follower.delete()
