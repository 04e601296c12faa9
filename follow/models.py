"""Who follows what. An e-mail address is the only personal data the site keeps about a
follower; it follows nothing until it has confirmed (double opt-in), and an address left
unconfirmed is forgotten after UNCONFIRMED_DAYS."""

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

UNCONFIRMED_DAYS = 7
# At most one confirmation message per address in this time, whoever asks for it.
CONFIRMATION_INTERVAL = datetime.timedelta(days=1)


class FollowerQuerySet(models.QuerySet):
    def unconfirmed_since(self, days: int = UNCONFIRMED_DAYS):
        """The addresses left unconfirmed `days` days after they were given (or asked again for
        a confirmation message, whose link lives as long): to forget."""
        cutoff = timezone.now() - datetime.timedelta(days=days)
        return self.filter(confirmed_at__isnull=True, created_at__lt=cutoff).exclude(confirmation_sent_at__gte=cutoff)

    def forget_unconfirmed(self) -> int:
        """Delete the addresses left unconfirmed for UNCONFIRMED_DAYS (with what they asked to
        follow); how many were forgotten."""
        deleted, per_model = self.unconfirmed_since().delete()
        return per_model.get(Follower._meta.label, 0)


class Follower(models.Model):
    """An e-mail address (stored lower-cased, so that one person is one follower)."""

    email = models.EmailField(_("adresse électronique"), max_length=254, unique=True)
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

    def __str__(self):
        return self.email

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
        """The address is confirmed: it now follows what it asked to follow."""
        if self.confirmed_at is None:
            self.confirmed_at = timezone.now()
            self.save(update_fields=["confirmed_at"])


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
            return reverse("proposals:proposal-list") + "?" + urlencode({"axe": self.axis.slug})
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
        """What is followed, as a confirmation link carries it (see `from_target_values`)."""
        if self.proposal_id:
            return ["proposal", self.proposal_id]
        if self.axis_id:
            return ["axis", self.axis_id]
        return ["all"]

    @classmethod
    def from_target_values(cls, follower: Follower, values: list) -> "Subscription":
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


# The outbox: what the site has to tell its followers, and each message's fate.


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

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("annonce")
        verbose_name_plural = _("annonces")

    def __str__(self):
        return self.subject


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
