"""Who follows what. An e-mail address is the only personal data the site keeps about a
follower; it follows nothing until it has confirmed (double opt-in), and an address left
unconfirmed is forgotten after UNCONFIRMED_DAYS."""

import datetime
import ipaddress
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .addresses import display_address, normalize_address

UNCONFIRMED_DAYS = 7
# At most one confirmation message per address in this time, whoever asks for it.
CONFIRMATION_INTERVAL = datetime.timedelta(days=1)


def new_link_key() -> str:
    return secrets.token_urlsafe(16)


class FollowerQuerySet(models.QuerySet):
    def unconfirmed_since(self, days: int = UNCONFIRMED_DAYS):
        """The addresses left unconfirmed `days` days after they were given (or asked again for
        a confirmation message, whose link lives as long): to forget."""
        cutoff = timezone.now() - datetime.timedelta(days=days)
        return self.filter(confirmed_at__isnull=True, created_at__lt=cutoff).exclude(confirmation_sent_at__gte=cutoff)

    def forget_unconfirmed(self) -> int:
        """Delete the addresses left unconfirmed for UNCONFIRMED_DAYS (with what they asked to
        follow), and what confirmed addresses asked to add and left unconfirmed as long; how
        many addresses were forgotten."""
        cutoff = timezone.now() - datetime.timedelta(days=UNCONFIRMED_DAYS)
        Subscription.objects.filter(pending=True, created_at__lt=cutoff, follower__confirmed_at__isnull=False).exclude(
            follower__confirmation_sent_at__gte=cutoff
        ).delete()
        deleted, per_model = self.unconfirmed_since().delete()
        return per_model.get(Follower._meta.label, 0)


class Follower(models.Model):
    """An e-mail address, stored in its one form (follow/addresses.py: one mailbox, one
    follower, however it was spelt), on every path: `save` normalises it or refuses it."""

    email = models.EmailField(_("adresse électronique"), max_length=254, unique=True)
    # What the follower's links carry instead of its id (follow/tokens.py): random, so a link
    # in an access log says nothing of who, how many, or in which order.
    key = models.CharField(_("clé des liens"), max_length=32, unique=True, default=new_link_key, editable=False)
    created_at = models.DateTimeField(_("inscrite le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(
        _("dernier message de confirmation"),
        null=True,
        blank=True,
        help_text=_("Au plus un message de confirmation par jour et par adresse, quel que soit le demandeur."),
    )

    objects = FollowerQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonné")
        verbose_name_plural = _("abonnés")
        indexes = [
            # forget_unconfirmed_followers, run on each new subscription: the old unconfirmed rows.
            models.Index(
                fields=["created_at"], condition=Q(confirmed_at__isnull=True), name="follow_unconfirmed_created"
            ),
        ]
        constraints = [
            # The part of the one form (follow/addresses.py) a database can check: lower case, a
            # plain local part. Whatever writes around `save` (update, bulk_create) meets it.
            models.CheckConstraint(
                condition=Q(email=Lower("email")) & ~Q(email__contains='"') & ~Q(email__contains="\\"),
                name="follow_follower_email_one_form",
            ),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalize_address(self.email)
        super().save(*args, **kwargs)

    @property
    def display_email(self) -> str:
        """The address as its owner reads it (the domain in Unicode)."""
        return display_address(self.email)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def claim_confirmation_message(self) -> bool:
        """Whether a confirmation message may be sent now (none in the last CONFIRMATION_INTERVAL),
        recorded at once: of two simultaneous requests, one only gets True."""
        now = timezone.now()
        free = Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lte=now - CONFIRMATION_INTERVAL)
        claimed = Follower.objects.filter(free, pk=self.pk).update(confirmation_sent_at=now)
        if claimed:
            self.confirmation_sent_at = now
        return bool(claimed)

    def confirm(self) -> None:
        """The address is confirmed (what it follows: `confirm_asked`)."""
        if self.confirmed_at is None:
            self.confirmed_at = timezone.now()
            self.save(update_fields=["confirmed_at"])

    def asked_until(self, moment: datetime.datetime):
        """What a confirmation link made at `moment` confirms: what was asked until then and is
        not confirmed yet (and, for an address not confirmed yet, what it follows)."""
        # A link's time is in whole seconds: what was asked within its second is before it
        # (a message is sent at most once a day: nothing else is asked within that second).
        asked = Q(pending=True, created_at__lt=moment + datetime.timedelta(seconds=1))
        if not self.is_confirmed:
            asked |= Q(pending=False)
        return self.subscriptions.filter(asked).select_related("proposal", "axis").order_by("created_at", "pk")

    def followed(self):
        """What the address follows (confirmed), in the order it asked for it."""
        return self.subscriptions.filter(pending=False).select_related("proposal", "axis").order_by("created_at", "pk")


class Subscription(models.Model):
    """One thing a follower follows: a proposal, an axis, or every review (neither)."""

    follower = models.ForeignKey(
        Follower, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("abonné")
    )
    proposal = models.ForeignKey(
        "proposals.Proposal",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposition"),
    )
    axis = models.ForeignKey(
        "proposals.Axis", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("axe")
    )
    pending = models.BooleanField(
        _("à confirmer"),
        default=False,
        help_text=_(
            "Demandé, annoncé par un message de confirmation, pas encore confirmé par son bouton : "
            "rien n'est envoyé à son sujet."
        ),
    )
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [
            models.CheckConstraint(
                condition=~(Q(proposal__isnull=False) & Q(axis__isnull=False)),
                name="follow_subscription_one_target",
            ),
            models.UniqueConstraint(
                fields=["follower", "proposal"], condition=Q(proposal__isnull=False), name="follow_one_per_proposal"
            ),
            models.UniqueConstraint(
                fields=["follower", "axis"], condition=Q(axis__isnull=False), name="follow_one_per_axis"
            ),
            models.UniqueConstraint(
                fields=["follower"],
                condition=Q(proposal__isnull=True, axis__isnull=True),
                name="follow_one_everything",
            ),
        ]

    def __str__(self):
        return str(self.proposal or self.axis or _("tous les bilans"))

    def get_absolute_url(self) -> str:
        """The public page of what is followed."""
        if self.proposal_id:
            return self.proposal.get_absolute_url()
        if self.axis_id:
            return reverse("public_site:proposal-list") + "?" + urlencode({"axe": self.axis.slug})
        return reverse("follow:index")

    @property
    def description(self) -> str:
        """What is followed, within a sentence («Vous suivez …»)."""
        if self.proposal_id:
            return _("la proposition « %(title)s »") % {"title": self.proposal.short_display_title}
        if self.axis_id:
            return _("les propositions de « %(axis)s »") % {"axis": self.axis.name}
        return _("tous les bilans")

    def target_values(self) -> list:
        """What is followed, as a confirmation message keeps it (see `from_target_values`)."""
        if self.proposal_id:
            return ["proposal", self.proposal_id]
        if self.axis_id:
            return ["axis", self.axis_id]
        return ["all"]

    @classmethod
    def from_target_values(cls, follower: Follower, values: list) -> "Subscription":
        """What a confirmation message lists, or a confirmation link made before the upgrade
        carried: ["proposal", id], ["axis", id] or ["all"]."""
        kind, *rest = values
        pk = rest[0] if rest else None
        return cls(
            follower=follower, proposal_id=pk if kind == "proposal" else None, axis_id=pk if kind == "axis" else None
        )

    def target_exists(self) -> bool:
        """Whether what is followed still exists (a link may outlive a deleted proposal)."""
        for field in ("proposal", "axis"):
            pk = getattr(self, f"{field}_id")
            if pk is not None:
                return self._meta.get_field(field).related_model.objects.filter(pk=pk).exists()
        return True


# The limit on requests to follow per client: how many a client's network made in the last hour.

# The limit's window: it slides (the last hour at every moment), so no hour boundary lets a
# client send the limit twice in a row.
CLIENT_WINDOW = datetime.timedelta(hours=1)


def client_network(client: str) -> str:
    """The part of a client's address that names one subscriber: an IPv4 address, or the /64 of
    an IPv6 one (a subscriber's network: a host picks its last 64 bits at will)."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client
    if address.version == 6:
        if address.ipv4_mapped is not None:  # an IPv4 client seen through IPv6
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class ClientRequestQuerySet(models.QuerySet):
    def over_limit(self, client: str) -> bool:
        """Count one request to follow from `client` (its network) and say whether it is over
        FOLLOW_MAX_REQUESTS_PER_HOUR in the last CLIENT_WINDOW. Each step commits on its own
        (outside any transaction), so every process sees the others' requests: a request
        counts itself after its row is committed, and so never counts fewer requests than
        were accepted before it; a refused request removes its row (a client that keeps
        trying stores no more rows than the limit)."""
        now = timezone.now()
        key = ClientRequest.key_for(client)
        self.filter(at__lte=now - CLIENT_WINDOW).delete()
        request = self.create(client=key, at=now)
        if self.filter(client=key, at__gt=now - CLIENT_WINDOW).count() <= settings.FOLLOW_MAX_REQUESTS_PER_HOUR:
            return False
        self.filter(pk=request.pk).delete()
        return True


class ClientRequest(models.Model):
    """One request to follow, from one client's network, kept CLIENT_WINDOW only. In the
    database, where every process of the site sees it and no cache can evict it. The address
    itself is not kept: only a keyed hash of its network (SECRET_KEY), which cannot be traced
    back to it without the key."""

    client = models.CharField(_("client"), max_length=64)
    at = models.DateTimeField(_("le"))

    objects = ClientRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande d'abonnement")
        verbose_name_plural = _("demandes d'abonnement")
        indexes = [
            # Counting one client's requests in the window; forgetting the old ones.
            models.Index(fields=["client", "at"], name="follow_clientrequest_window"),
            models.Index(fields=["at"], name="follow_clientrequest_at"),
        ]

    def __str__(self):
        return self.client

    @staticmethod
    def key_for(client: str) -> str:
        return salted_hmac("follow.client-limit", client_network(client), algorithm="sha256").hexdigest()


# The outbox: what the site has to tell its followers, and each message's fate.


class AnnouncementQuerySet(models.QuerySet):
    def of_project(self, project_id: int):
        """A project's announcement: `Announcement.project_key` (once, ever), or the keys used
        before, which held the project's edit counter too («project-<id>-<version>»)."""
        return self.filter(kind=Announcement.Kind.PROJECT).filter(
            Q(key=Announcement.project_key(project_id)) | Q(key__startswith=f"project-{project_id}-")
        )


class Announcement(models.Model):
    """Something followers may be told about: a review or a committee's year published (or
    corrected), a project delivered. `news` is what it says, computed once from the published
    record (follow/news.py); each follower it concerns gets one Message."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("bilan publié")
        COMMITTEE = "committee", _("avis du comité publié")
        PROJECT = "project", _("projet réalisé")

    kind = models.CharField(_("nature"), max_length=20, choices=Kind)
    # One announcement per publication («review-2025-2»), so planning it twice plans nothing more.
    key = models.CharField(_("clé"), max_length=100, unique=True)
    subject = models.CharField(_("objet"), max_length=200)
    news = models.JSONField(_("contenu"), default=dict)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("annonce")
        verbose_name_plural = _("annonces")

    def __str__(self):
        return self.subject

    @staticmethod
    def project_key(project_id: int) -> str:
        """A project's delivery is announced once, ever: switched back to «en cours» and
        delivered again, it is not announced again."""
        return f"project-{project_id}"


class MessageQuerySet(models.QuerySet):
    def stale(self):
        """Messages a worker claimed and never finished (it stopped mid-send): to send again."""
        return self.filter(state=Message.State.SENDING, claimed_at__lt=timezone.now() - CLAIM_TIMEOUT)

    def outbox_state(self) -> dict:
        """The outbox at a glance (/sante/, the back office): the backlog (messages to send or
        being sent, retries included), how long its oldest message has waited, in minutes, and
        the messages given up (failed: a superuser may send them again). Read through the
        state index: the sent messages, which pile up, are not counted."""
        states = Message.State
        waiting = Q(state__in=[states.PENDING, states.SENDING])
        totals = self.filter(state__in=[states.PENDING, states.SENDING, states.FAILED]).aggregate(
            backlog=models.Count("pk", filter=waiting),
            failed=models.Count("pk", filter=Q(state=states.FAILED)),
            oldest=models.Min("created_at", filter=waiting),
        )
        oldest = totals.pop("oldest")
        totals["oldest_minutes"] = None if oldest is None else int((timezone.now() - oldest).total_seconds() // 60)
        return totals


# A worker that has held a message (or run a follow task) this long has died: the message goes
# back to the queue, the task is ended. Longer than a whole batch may take (100 messages, each
# within FOLLOW_SMTP_TIMEOUT, 10 s by default, per exchange with the server).
CLAIM_TIMEOUT = datetime.timedelta(hours=1)


class Message(models.Model):
    """One message to one follower (the outbox): about an announcement, or the confirmation
    message a request to follow asked for (no mail is sent inside a request). A worker claims it
    (pending → sending, one atomic update: no other worker can send it too), sends it, marks it
    sent; a failed delivery goes back to pending for a later attempt, or to failed after the last."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("annonce")
        CONFIRMATION = "confirmation", _("confirmation d'abonnement")

    class State(models.TextChoices):
        PENDING = "pending", _("à envoyer")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec")

    kind = models.CharField(_("nature"), max_length=20, choices=Kind, default=Kind.ANNOUNCEMENT)
    announcement = models.ForeignKey(
        Announcement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("annonce"),
    )
    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="messages", verbose_name=_("abonné"))
    # An announcement: what of it concerns this follower, {"proposals": [keys], "axes": [slugs],
    # "everything": bool}. A confirmation: what it lists, as the request asked it (follow/confirmation.py).
    concerns = models.JSONField(_("ce qui le concerne"), default=dict)
    state = models.CharField(_("état"), max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("prévu le"), auto_now_add=True)
    # The worker's own mark on the messages it took (follow/outbox.py `claim`).
    claim = models.CharField(_("pris par"), max_length=24, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            # One message per person per publication, however many things they follow.
            models.UniqueConstraint(fields=["announcement", "follower"], name="follow_message_one_per_follower"),
            # An announcement's message names it; a confirmation message belongs to none.
            models.CheckConstraint(
                condition=Q(kind="announcement", announcement__isnull=False)
                | Q(kind="confirmation", announcement__isnull=True),
                name="follow_message_kind_announcement",
            ),
        ]
        indexes = [
            # The outbox's back-office list filters by state; the worker looks for stale claims.
            models.Index(fields=["state", "claimed_at"], name="follow_message_state_idx"),
        ]

    def __str__(self):
        # The follower's id, not its address: the admin's history keeps this text for good.
        return f"{self.announcement or self.get_kind_display()} → {_('abonné')} {self.follower_id}"
