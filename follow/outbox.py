"""The outbox: planning an announcement's messages, and sending them without losing or
doubling any (SG "services": workflows across models and the SMTP server).

A message is sent by one worker only: it claims a batch of pending messages in one atomic
update (pending → sending, stamped with a claim of its own), sends each one, and records each
as sent right after the SMTP server accepted it. A delivery the server refuses goes back to
pending, for another attempt after a growing delay (FOLLOW_RETRY_SECONDS, doubled each time),
until FOLLOW_MAX_ATTEMPTS: then it is marked failed, with the server's answer, in the back
office. A worker stopped mid-send leaves its claimed messages «sending»: each batch has a
watchdog task, queued before it sends, that puts them back in the queue after CLAIM_TIMEOUT,
and queues again those left pending (with the same Message-ID, so a copy the server had
already accepted is one message to the reader's mail client).
"""

import datetime
import smtplib
from collections import defaultdict

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from proposals.models import Axis, Convention

from .mail import compose
from .models import Announcement, Message, Subscription


def announcement_create(*, kind: str, key: str, subject: str, news: dict) -> tuple[Announcement, bool]:
    """The announcement of `key` (created once: a task run twice announces nothing more). Its
    subject is cut to its column («Projet réalisé : » and a title of 200 characters is longer);
    the message's text says the whole title."""
    subject = Truncator(subject).chars(Announcement._meta.get_field("subject").max_length)
    return Announcement.objects.get_or_create(key=key, defaults={"kind": kind, "subject": subject, "news": news})


def _everyone() -> Q:
    return Q(proposal__isnull=True, axis__isnull=True)


def plan_messages(announcement: Announcement) -> list[int]:
    """One pending message per confirmed follower the announcement concerns, in bulk (a few
    queries whatever the number of followers); returns the ids of its pending messages."""
    news = announcement.news
    keys = {change["proposal_id"]: change["key"] for change in news.get("changes", []) if change.get("proposal_id")}
    axes = dict(Axis.objects.filter(slug__in=news.get("axes", [])).values_list("pk", "slug"))
    wanted = Q(proposal_id__in=list(keys)) | Q(axis_id__in=list(axes))
    if news.get("everyone"):
        wanted |= _everyone()
    concerns = defaultdict(lambda: {"proposals": [], "axes": [], "everything": False})
    rows = (
        Subscription.objects.filter(wanted, pending=False, follower__confirmed_at__isnull=False)
        .order_by("follower_id", "pk")
        .values_list("follower_id", "proposal_id", "axis_id")
    )
    for follower_id, proposal_id, axis_id in rows.iterator(chunk_size=5000):
        concern = concerns[follower_id]
        if proposal_id is not None:
            concern["proposals"].append(keys[proposal_id])
        elif axis_id is not None:
            concern["axes"].append(axes[axis_id])
        else:
            concern["everything"] = True
    Message.objects.bulk_create(
        (Message(announcement=announcement, follower_id=pk, concerns=concern) for pk, concern in concerns.items()),
        batch_size=1000,
        ignore_conflicts=True,  # planned already (the task ran twice): one message per follower still
    )
    return list(announcement.messages.filter(state=Message.State.PENDING).order_by("pk").values_list("pk", flat=True))


def batches(message_ids: list[int]) -> list[list[int]]:
    size = settings.FOLLOW_BATCH_SIZE
    return [message_ids[start : start + size] for start in range(0, len(message_ids), size)]


def claim(message_ids: list[int]) -> list[Message]:
    """Take the pending messages among `message_ids` for this worker alone: one atomic update,
    so a message another worker took (or sent) is not taken again."""
    token = get_random_string(24)
    Message.objects.filter(pk__in=message_ids, state=Message.State.PENDING).update(
        state=Message.State.SENDING, claim=token, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    return list(
        Message.objects.filter(claim=token, state=Message.State.SENDING)
        .select_related("announcement", "follower")
        .order_by("pk")
    )


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait before the next attempt after `attempts` failed ones."""
    return datetime.timedelta(seconds=settings.FOLLOW_RETRY_SECONDS * 2 ** (attempts - 1))


def _record_failure(message: Message, error: Exception) -> bool:
    """Back to pending for another attempt (True), or failed after the last one (False)."""
    again = message.attempts < settings.FOLLOW_MAX_ATTEMPTS
    message.state = Message.State.PENDING if again else Message.State.FAILED
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    message.claim = ""
    message.save(update_fields=["state", "last_error", "claim"])
    return again


def send_messages(message_ids: list[int]) -> dict[datetime.timedelta, list[int]]:
    """Send the pending messages among `message_ids` through the SMTP server (one connection for
    the batch); returns the messages to try again, by delay."""
    retry = defaultdict(list)
    messages = claim(message_ids)
    if not messages:
        return retry
    convention = Convention.current()
    connection = None
    try:
        for message in messages:
            try:
                if connection is None:
                    connection = get_connection(fail_silently=False)
                    connection.open()
                connection.send_messages([compose(message, convention)])
            except (smtplib.SMTPException, OSError) as error:
                # The server refused or the connection broke: a fresh connection for the next one.
                if connection is not None:
                    connection.close()
                    connection = None
                if _record_failure(message, error):
                    retry[retry_delay(message.attempts)].append(message.pk)
                continue
            Message.objects.filter(pk=message.pk).update(
                state=Message.State.SENT, sent_at=timezone.now(), claim="", last_error=""
            )
    finally:
        if connection is not None:
            connection.close()
    return retry


def requeue_stale(message_ids: list[int] | None = None) -> list[int]:
    """Messages a stopped worker left «sending» (among `message_ids`, or all): back to pending
    (or failed after the last attempt); returns those to send again."""
    stale = Message.objects.stale()
    if message_ids is not None:
        stale = stale.filter(pk__in=message_ids)
    with transaction.atomic():
        stale = list(stale.select_for_update(skip_locked=True).values_list("pk", "attempts"))
        again = [pk for pk, attempts in stale if attempts < settings.FOLLOW_MAX_ATTEMPTS]
        Message.objects.filter(pk__in=again).update(state=Message.State.PENDING, claim="")
        Message.objects.filter(pk__in=[pk for pk, attempts in stale if pk not in again]).update(
            state=Message.State.FAILED, claim="", last_error=_("Le programme d'envoi s'est arrêté pendant l'envoi.")
        )
    return again
