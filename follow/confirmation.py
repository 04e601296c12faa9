"""The confirmation message (double opt-in): nothing is followed, and nothing else is sent,
until its link is opened and its button pressed.

A request to follow only plans the message (a row of the outbox, what it lists as the request
asked it) and queues its sending (follow/tasks.py `queue_confirmation`): the worker sends it
like an announcement's messages, with the same retries. No mail server is reached inside the
request, so its answer does not depend on the address nor on the mail server. Its confirmation
link is dated when the message was planned (in the request), not when the worker writes it: it
confirms what was asked until the request, nothing asked later (Subscription.pending)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from proposals.models import Convention

from .links import confirm_url, manage_url
from .models import UNCONFIRMED_DAYS, Follower, Message, Subscription


def plan_confirmation(follower: Follower, *, addition: Subscription | None = None) -> Message:
    """The confirmation message to `follower`, in the outbox: for what it asked to follow while
    unconfirmed; for a confirmed address, for `addition` only (pending), or, when `addition` is
    followed already, the link to its page instead. What it lists is kept as asked now."""
    if addition is None:
        targets = [subscription.target_values() for subscription in follower.subscriptions.order_by("pk")]
    else:
        targets = [addition.target_values()]
    concerns = {
        "targets": targets,
        "addition": addition is not None,
        "already": addition is not None and not addition.pending,
    }
    return Message.objects.create(kind=Message.Kind.CONFIRMATION, follower=follower, concerns=concerns)


def _targets(message: Message) -> list[Subscription]:
    """What the message lists (what still exists of it: a proposal may have been deleted since)."""
    targets = [Subscription.from_target_values(message.follower, values) for values in message.concerns["targets"]]
    return [target for target in targets if target.target_exists()]


def confirmation_email(message: Message, convention: Convention) -> EmailMultiAlternatives:
    follower, concerns = message.follower, message.concerns
    already = concerns["already"]
    link = manage_url(follower) if already else confirm_url(follower, issued_at=message.created_at)
    context = {
        "convention": convention,
        "targets": _targets(message),
        "link": link,
        "already": already,
        "days": UNCONFIRMED_DAYS,
        "confirmed": follower.is_confirmed,
        "site_url": settings.SITE_URL,
    }
    subject = _("Vos abonnements — %(site)s") if already else _("Confirmez votre abonnement — %(site)s")
    email = EmailMultiAlternatives(
        subject=subject % {"site": convention.name},  # the full name says which convention
        body=render_to_string("follow/email/confirmation.txt", context),
        to=[follower.email],
    )
    email.attach_alternative(render_to_string("follow/email/confirmation.html", context), "text/html")
    return email
