"""The yearly reviews (bilans annuels) published every December, and the deliberations of the
assemblies they are presented to."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AnnualReviewQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def visible_to(self, user):
        """Published reviews, plus drafts for staff allowed to preview them."""
        if user.has_perm("reports.preview_annualreview"):
            return self
        return self.published()

    def latest_published_year(self) -> int | None:
        return self.published().order_by("-year").values_list("year", flat=True).first()


class AnnualReview(models.Model):
    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    situation_date = models.DateField(_("situation au"), help_text=_("Date à laquelle la situation est donnée."))
    introduction = models.TextField(_("introduction"), blank=True)
    is_final = models.BooleanField(
        _("bilan final"), default=False, help_text=_("Dernier bilan du suivi formel (fin du mandat).")
    )
    published_at = models.DateTimeField(
        _("publié le"),
        null=True,
        blank=True,
        help_text=_("Vide tant que le bilan est un brouillon : l'année reste invisible au public."),
    )

    history = HistoricalRecords()
    objects = AnnualReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("bilan annuel")
        verbose_name_plural = _("bilans annuels")
        permissions = [
            ("preview_annualreview", _("Peut prévisualiser un bilan non publié")),
            ("publish_annualreview", _("Peut publier un bilan")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="reports_annualreview_year_range"
            ),
        ]

    def __str__(self):
        return str(_("Bilan %(year)s") % {"year": self.year})

    def get_absolute_url(self):
        return reverse("reports:review-detail", args=[self.year])

    def document_links(self) -> list[tuple[str, str]]:
        """(label, URL) of each document of the review: PDF, XLSX, ODS, CSV, JSON."""
        from .exports import FORMATS  # the exports need the models: import when called

        return [(fmt.upper(), reverse(f"reports:review-{fmt}", args=[self.year])) for fmt in FORMATS]

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def earlier_published_years(self) -> list[int]:
        """The published years before this one, oldest first (for the change and the history)."""
        years = AnnualReview.objects.published().filter(year__lt=self.year).order_by("year")
        return list(years.values_list("year", flat=True))

    def publish(self, when=None):
        self.published_at = when or timezone.now()
        self.save(update_fields=["published_at"])


class Assembly(models.Model):
    """A deliberating body a review is presented to (a council, a parliament's chamber): data,
    as each convention has its own."""

    name = models.CharField(_("nom"), max_length=200)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("assemblée")
        verbose_name_plural = _("assemblées")

    def __str__(self):
        return self.name


class Deliberation(models.Model):
    review = models.ForeignKey(
        AnnualReview, on_delete=models.CASCADE, related_name="deliberations", verbose_name=_("bilan")
    )
    body = models.ForeignKey(
        Assembly, on_delete=models.PROTECT, related_name="deliberations", verbose_name=_("assemblée")
    )
    date = models.DateField(_("date de la séance"))
    reference = models.CharField(_("numéro de la délibération"), max_length=100)
    url = models.URLField(_("lien"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "body", "date"]
        verbose_name = _("délibération")
        verbose_name_plural = _("délibérations")
        constraints = [
            models.UniqueConstraint(fields=["review", "body", "reference"], name="reports_deliberation_unique_ref"),
        ]

    def __str__(self):
        return f"{self.body} — {self.reference}"
