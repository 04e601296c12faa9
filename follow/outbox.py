"""The outbox: planning an announcement's messages, and sending them without losing or
doubling any (SG "services": workflows across models and the SMTP server).

A message is sent by one worker only: it claims a batch of pending messages in one atomic
update (pending → sending, stamped with a claim of its own), sends each one, and records each
as sent right after the SMTP server accepted it. A delivery the server refuses goes back to
pending, for another attempt after a growing delay (FOLLOW_RETRY_SECONDS, doubled each time up
to FOLLOW_RETRY_MAX_SECONDS), until FOLLOW_MAX_ATTEMPTS (about two days by default): then it is
marked failed, with the server's answer, in the back office, where a superuser may send it
again. A server that cannot be reached or does not answer within FOLLOW_SMTP_TIMEOUT pauses the
batch: the rest waits as long as the message in hand, and so do the batches that start
meanwhile (PAUSE_KEY), so that the worker runs other tasks. A worker asked to stop (TERM)
stops after the message in hand and queues the rest. A worker stopped mid-send leaves its
claimed messages «sending»: each batch has a watchdog task, queued before it sends, that puts
them back in the queue after CLAIM_TIMEOUT, queues again those left pending (with the same
Message-ID, so a copy the server had already accepted is one message to the reader's mail
client), and ends the follow tasks the dead worker left running.
"""

import datetime
import logging
import re
import smtplib
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
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

logger = logging.getLogger(__name__)


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
    """How long to wait before the next attempt after `attempts` failed ones: FOLLOW_RETRY_SECONDS,
    twice as long each time, at most FOLLOW_RETRY_MAX_SECONDS."""
    seconds = settings.FOLLOW_RETRY_SECONDS * 2 ** min(attempts - 1, 32)
    return datetime.timedelta(seconds=min(seconds, settings.FOLLOW_RETRY_MAX_SECONDS))


def retry_schedule() -> list[datetime.timedelta]:
    """The waits between a message's attempts, from its first to its last (FOLLOW_MAX_ATTEMPTS)."""
    return [retry_delay(attempts) for attempts in range(1, settings.FOLLOW_MAX_ATTEMPTS)]


# Anything that looks like an e-mail address, in what a server answered: the log and the outbox
# carry the follower's id, never its address (a server's refusal usually repeats it).
ADDRESS = re.compile(r"""[^\s<>"'(),;:\[\]]+@[^\s<>"'(),;:\[\]]+""")


def describe(error: Exception) -> str:
    """What went wrong, without the address it may name."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [
            f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
            for code, text in error.recipients.values()
        ]
        text = "; ".join(answers)
    else:
        text = str(error)
    return ADDRESS.sub("<adresse>", f"{type(error).__name__}: {text}")[:2000]


def _refused(error: Exception) -> bool:
    """Whether the server answered about this message (refused its recipient or its data, for now
    or for good): the message alone is tried again later. Anything else (no connection, no answer
    in time, the connection lost, a refusal of the sender or of the log-in) is about the server:
    the rest of the batch is paused with it, rather than each message waiting in turn."""
    return isinstance(error, (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError))


def _permanent(error: Exception) -> bool:
    """Whether the server refused the message for good (a 5xx answer: «user unknown»): trying
    again would only be refused again; a superuser may still send it again from the outbox."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def _record_failures(messages: list[Message], error: Exception, later: dict) -> None:
    """Back to pending for another attempt after retry_delay (in `later`, by delay), or failed
    after the last one or a refusal for good. Logged with the follower's id only."""
    reason = describe(error)
    permanent = _permanent(error)
    for message in messages:
        again = message.attempts < settings.FOLLOW_MAX_ATTEMPTS and not permanent
        message.state = Message.State.PENDING if again else Message.State.FAILED
        message.last_error = reason
        message.claim = ""
        message.save(update_fields=["state", "last_error", "claim"])
        if again:
            later[retry_delay(message.attempts)].append(message.pk)
    first = messages[0]
    if len(messages) == 1:
        logger.warning(
            "Message %s to follower %s not delivered (attempt %s of %s): %s",
            first.pk,
            first.follower_id,
            first.attempts,
            settings.FOLLOW_MAX_ATTEMPTS,
            reason,
        )
    else:
        logger.warning(
            "SMTP server unavailable (%s): %s messages put back for later, from message %s (follower %s).",
            reason,
            len(messages),
            first.pk,
            first.follower_id,
        )


def _release(messages: list[Message]) -> list[int]:
    """Messages claimed and not tried (the worker is stopping): back to pending, uncounted."""
    ids = [message.pk for message in messages]
    Message.objects.filter(pk__in=ids, state=Message.State.SENDING).update(
        state=Message.State.PENDING, claim="", attempts=F("attempts") - 1
    )
    return ids


# Until when the SMTP server is left alone, after it could not be reached or did not answer, and
# how many times in a row it failed: the batches that start meanwhile wait without trying it, and
# each failure in a row doubles the pause (retry_delay), so that a server that hangs costs one
# FOLLOW_SMTP_TIMEOUT per pause, ever rarer, not one per batch or per confirmation message. In
# the cache: shared by the workers when Redis is on; a cache that does not answer pauses nothing.
# A message delivered ends the series.
PAUSE_KEY = "follow:smtp-paused"


def _pause() -> tuple[datetime.datetime, int] | None:
    try:
        return cache.get(PAUSE_KEY)
    except Exception:  # noqa: BLE001  a cache that does not answer: try the server
        return None


def server_paused_for() -> datetime.timedelta | None:
    """How long the SMTP server is still left alone (None: try it)."""
    pause = _pause()
    left = pause[0] - timezone.now() if pause else None
    return left if left and left > datetime.timedelta(0) else None


def _pause_server() -> None:
    failures = (_pause() or (None, 0))[1] + 1
    delay = retry_delay(failures)
    try:  # kept past its end, so that the next failure in a row waits longer
        cache.set(PAUSE_KEY, (timezone.now() + delay, failures), (delay * 2).total_seconds() + 3600)
    except Exception:  # noqa: BLE001  the next batch tries the server itself
        pass


def _server_answers() -> None:
    try:
        cache.delete(PAUSE_KEY)
    except Exception:  # noqa: BLE001  its pause ends by itself
        pass


def smtp_connection():
    """A connection for one batch, waiting FOLLOW_SMTP_TIMEOUT at most at each step."""
    return get_connection(fail_silently=False, timeout=settings.FOLLOW_SMTP_TIMEOUT)


def _drop(connection) -> None:
    """Close the connection without a word to a server that may not answer (QUIT would wait)."""
    for name in ("_partial_connection", "connection"):
        smtp = getattr(connection, name, None)
        if smtp is not None:
            smtp.close()
            setattr(connection, name, None)


def _close(connection) -> None:
    try:
        connection.close()
    except OSError:  # the server stopped answering at QUIT: the messages are sent all the same
        _drop(connection)


def send_messages(
    message_ids: list[int], *, stop: Callable[[], bool] | None = None
) -> dict[datetime.timedelta, list[int]]:
    """Send the pending messages among `message_ids` through the SMTP server (one connection for
    the batch); returns the messages to send later, by delay. A message the server refuses is
    tried again later; when the server cannot be reached or does not answer in time, the rest of
    the batch waits with it (the worker is free for other tasks meanwhile). When `stop()` says the
    worker is stopping, the messages not tried yet are returned to send at once (delay 0), by
    another run."""
    later = defaultdict(list)
    paused = server_paused_for()
    if paused is not None:  # untouched, uncounted: they wait as long as the pause
        pending = Message.objects.filter(pk__in=message_ids, state=Message.State.PENDING).order_by("pk")
        if ids := list(pending.values_list("pk", flat=True)):
            later[paused] = ids
        return later
    messages = claim(message_ids)
    if not messages:
        return later
    convention = Convention.current()
    connection = smtp_connection()
    try:
        for index, message in enumerate(messages):
            try:
                connection.open()  # once per batch (again after a refusal that broke it)
                connection.send_messages([compose(message, convention)])
            except (smtplib.SMTPException, OSError) as error:
                if not _refused(error):
                    _drop(connection)
                    _pause_server()
                    _record_failures(messages[index:], error, later)
                    return later
                _record_failures([message], error, later)
            else:
                Message.objects.filter(pk=message.pk).update(
                    state=Message.State.SENT, sent_at=timezone.now(), claim="", last_error=""
                )
                if index == 0:
                    _server_answers()
            rest = messages[index + 1 :]
            if rest and stop is not None and stop():
                later[datetime.timedelta(0)] += _release(rest)
                return later
    finally:
        _close(connection)
    return later


def resend_failed(message_ids: list[int]) -> list[int]:
    """Failed messages among `message_ids` given a new series of attempts (a superuser asked,
    once the mail server works again): back to pending, their attempts counted from zero;
    returns those to queue."""
    with transaction.atomic():
        ids = list(
            Message.objects.filter(pk__in=message_ids, state=Message.State.FAILED)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=ids).update(state=Message.State.PENDING, attempts=0, claim="")
    return ids


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
