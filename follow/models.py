"""Who follows what. An e-mail address is the only personal data the site keeps about a
follower; it follows nothing until it has confirmed (double opt-in), and an address left
unconfirmed is forgotten after UNCONFIRMED_DAYS."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

UNCONFIRMED_DAYS = 7


class Follower(models.Model):
    """An e-mail address (stored lower-cased, so that one person is one follower)."""

    email = models.EmailField(_("adresse électronique"), max_length=254, unique=True)
    created_at = models.DateTimeField(_("inscrite le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("abonné")
        verbose_name_plural = _("abonnés")

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


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
