"""Following by e-mail: asking to follow something, confirming, unfollowing."""

import logging

from django.db import transaction

from proposals.models import Axis, Proposal

from .addresses import normalize_address
from .models import ClientRequest, Follower, Subscription
from .tasks import queue_confirmation

logger = logging.getLogger(__name__)


def client_over_limit(client: str) -> bool:
    """Count one request to follow from this client address (as the site computes it behind its
    trusted proxies: core.site.client_ip), and say whether it is over the limit
    (ClientRequest.objects.over_limit: in the database, a sliding hour, IPv6 per /64)."""
    return ClientRequest.objects.over_limit(client)


def follower_subscribe(*, email: str, proposal: Proposal | None = None, axis: Axis | None = None) -> None:
    """`email` asks to follow `proposal`, `axis` or (neither) every review. Nothing is followed
    before its confirmation (double opt-in): what is asked is kept as pending
    (Subscription.pending) and listed in a confirmation message, whose button confirms what
    was asked until the message was made, nothing asked later; a pending request is forgotten
    after UNCONFIRMED_DAYS. A confirmed address asking for what it follows already is sent the
    link to its page. At most one such message per address per day, whoever asks: what is
    asked after the message of the day is not kept (anyone may type an address: it would be
    confirmed by a button its owner pressed for what the message said). The caller answers the
    same thing in every case. `email` is put in its one form first (a ValidationError if it
    has none): one mailbox, however spelt, is one follower."""
    with transaction.atomic():
        Follower.objects.forget_unconfirmed()
        follower, _ = Follower.objects.get_or_create(email=normalize_address(email))
        claimed = follower.claim_confirmation_message()
        asked = follower.subscriptions.filter(proposal=proposal, axis=axis).first()
        if claimed and asked is None:  # the message sent below lists it
            asked = Subscription.objects.create(follower=follower, proposal=proposal, axis=axis, pending=True)
        if not follower.is_confirmed:
            asked = None  # the message lists everything the address asked for
        if claimed:
            # Planned in the outbox with the rows it lists, queued for the worker: the answer
            # never waits for a mail server.
            queue_confirmation(follower, addition=asked)


@transaction.atomic
def follower_confirm(*, follower: Follower, issued_at, addition: list | None = None) -> None:
    """The address confirmed by a link made at `issued_at`: it follows what it had asked for
    until then (Follower.asked_until), nothing asked later; a link made before the upgrade may
    carry a confirmed address's addition, followed when what it names still exists."""
    asked = list(follower.asked_until(issued_at).values_list("pk", flat=True))
    follower.confirm()
    Subscription.objects.filter(pk__in=asked).update(pending=False)
    if addition:
        wanted = Subscription.from_target_values(follower, addition)
        if wanted.target_exists():
            Subscription.objects.update_or_create(
                follower=follower, proposal_id=wanted.proposal_id, axis_id=wanted.axis_id, defaults={"pending": False}
            )


def follower_unfollow(*, follower: Follower, subscription: Subscription) -> bool:
    """Stop following one thing; an address left following nothing is forgotten. Whether the
    address was forgotten."""
    with transaction.atomic():
        subscription.delete()
        if follower.followed().exists():
            return False
        follower.delete()
    return True


def follower_forget(*, follower: Follower) -> None:
    """Unsubscribe from everything: the address and what it followed are deleted."""
    follower.delete()
