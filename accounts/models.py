"""Invitations to the back office, and the requests for a password reset (counted to limit them).

An invitation names an e-mail address and a role (a group); its link carries a token derived from
the invitation's current nonce, so re-sending it (a new nonce) kills the old link, and accepting
or revoking it (no nonce) kills every link. Only the worker builds the link, from the row."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        """Neither accepted nor revoked (perhaps expired: it may be sent again)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        EXPIRED = "expired", _("Expirée")
        ACCEPTED = "accepted", _("Acceptée")
        REVOKED = "revoked", _("Révoquée")

    email = models.EmailField(_("adresse électronique"))
    role = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        verbose_name=_("rôle"),
        help_text=_("Le groupe que la personne rejoint en acceptant l'invitation."),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invitée par"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("compte créé"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now, help_text=_("Le dernier envoi."))
    expires_at = models.DateTimeField(_("valable jusqu'au"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    # The secret of the current link; empty once the invitation is accepted or revoked.
    nonce = models.CharField(max_length=64, blank=True, editable=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            # One live invitation per address: re-send it rather than invite twice.
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="accounts_invitation_one_pending_per_address",
                violation_error_message=_("Une invitation est déjà en attente pour cette adresse."),
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.role})"

    @staticmethod
    def lifetime() -> datetime.timedelta:
        return datetime.timedelta(hours=settings.ACCOUNTS_INVITATION_HOURS)

    def renew(self) -> None:
        """A new link (the previous one no longer works), valid for the whole lifetime again."""
        now = timezone.now()
        self.nonce = secrets.token_urlsafe(32)
        self.sent_at = now
        self.expires_at = now + self.lifetime()

    @property
    def state(self) -> "Invitation.State":
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    def token(self) -> str:
        """The link's secret: nothing stored lets anyone rebuild it without the site's key."""
        return salted_hmac("accounts.invitation", f"{self.pk}:{self.nonce}", algorithm="sha256").hexdigest()

    def token_matches(self, token: str) -> bool:
        return bool(self.nonce) and constant_time_compare(self.token(), token)


def address_digest(value: str) -> str:
    """What the reset counter keeps of an address: a keyed digest, never the address itself."""
    return salted_hmac("accounts.reset", value.strip().lower(), algorithm="sha256").hexdigest()


class ResetRequest(models.Model):
    """One request for a password reset, kept an hour or so to limit them per e-mail address and
    per client (in the database, so every process of every server counts the same)."""

    email_digest = models.CharField(max_length=64)
    client_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("demande de réinitialisation")
        verbose_name_plural = _("demandes de réinitialisation")
        indexes = [
            # The two counts of each request (accounts.services.reset_allowed).
            models.Index(fields=["email_digest", "created_at"], name="accounts_reset_email_idx"),
            models.Index(fields=["client_digest", "created_at"], name="accounts_reset_client_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M}"
