"""The convention's proposals, their yearly follow-up, and the projects that carry them out."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Institution(models.TextChoices):
    """Who carries a proposal or a project. The codes are the `porteur` filter values."""

    VILLE = "ville", _("Ville")
    METROPOLE = "metropole", _("Métropole")
    VILLE_METROPOLE = "ville_metropole", _("Ville et Métropole")
    NONE = "aucun", _("Aucune (hors compétences)")


# How the site shows a proposal whose title is not known yet (never an invented one).
UNTITLED = _("Intitulé à compléter")


class Status(models.TextChoices):
    """Where a proposal stands in a given year. Only IMPLEMENTED counts in the rates."""

    IMPLEMENTED = "implemented", _("Mise en œuvre")
    UNDERWAY = "underway", _("En cours")
    NOT_IMPLEMENTED = "not_implemented", _("Non mise en œuvre à ce jour")
    OUT_OF_SCOPE = "out_of_scope", _("Hors compétences")
    NOT_ASSESSED = "not_assessed", _("Non évaluée")

    @classmethod
    def of(cls, code: str) -> "Status":
        """The status of a code; an unknown or missing code reads «Non évaluée», never a verdict."""
        try:
            return cls(code)
        except ValueError:
            return cls.NOT_ASSESSED


class Convention(models.Model):
    """The convention itself, as the home page presents it: the city's own words."""

    name = models.CharField(_("nom"), max_length=200)
    introduction = models.TextField(
        _("présentation"),
        help_text=_("Quelques lignes pour le public : qui, quand, combien. Paragraphes séparés par une ligne vide."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("convention")
        constraints = [
            # One convention per site: pk 1.
            models.CheckConstraint(condition=models.Q(pk=1), name="proposals_convention_single_row"),
        ]

    def __str__(self):
        return self.name


class Axis(models.Model):
    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(
        _("identifiant"), max_length=50, unique=True, help_text=_("Valeur du filtre « axe » des URL.")
    )
    description = models.TextField(_("description courte"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("axe de transition")
        verbose_name_plural = _("axes de transition")

    def __str__(self):
        return self.name


class ProposalQuerySet(models.QuerySet):
    def with_status_as_of(self, year: int):
        """Annotate `status_as_of` (and `status_year`): the latest yearly status with
        year <= `year`, or NOT_ASSESSED when there is none. One subquery, whatever the size."""
        latest = YearlyStatus.objects.filter(proposal=OuterRef("pk"), year__lte=year).order_by("-year")
        return self.annotate(
            status_as_of=Coalesce(
                Subquery(latest.values("status")[:1]),
                Value(Status.NOT_ASSESSED.value),
                output_field=models.CharField(),
            ),
            status_year=Subquery(latest.values("year")[:1]),
        )

    def to_check(self, review_year: int | None):
        """«À vérifier»: proposals whose latest yearly status is older than `review_year`
        (the latest review, draft or not), or that have none. Nothing when there is no review."""
        if review_year is None:
            return self.none()
        latest_year = YearlyStatus.objects.filter(proposal=OuterRef("pk")).order_by("-year").values("year")[:1]
        return self.alias(latest_status_year=Subquery(latest_year)).filter(
            models.Q(latest_status_year__lt=review_year) | models.Q(latest_status_year__isnull=True)
        )


class Proposal(models.Model):
    key = models.SlugField(
        _("clé"),
        max_length=80,
        unique=True,
        help_text=_("Identifiant stable, utilisé dans l'adresse de la page et dans les imports."),
    )
    number = models.PositiveSmallIntegerField(
        _("numéro officiel"), null=True, blank=True, help_text=_("Laisser vide s'il n'est pas connu.")
    )
    axis = models.ForeignKey(Axis, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("axe"))
    # Conventions write long titles (several hundred characters): kept whole.
    title = models.CharField(
        _("intitulé"),
        max_length=1000,
        blank=True,
        help_text=_("Laisser vide tant que l'intitulé n'est pas connu : le site affiche « Intitulé à compléter »."),
    )
    short_title = models.CharField(
        _("intitulé court"),
        max_length=200,
        blank=True,
        help_text=_(
            "Facultatif. Remplace un long intitulé dans le tableau de suivi, les liens vers les propositions "
            "voisines, le titre de l'onglet et le flux ; la page de la proposition et les documents du bilan "
            "donnent l'intitulé complet."
        ),
    )
    text = models.TextField(_("texte de la Convention"), blank=True)
    summary = models.TextField(_("résumé en langage clair"), blank=True)
    lead = models.CharField(
        _("porteur"),
        max_length=20,
        choices=Institution,
        blank=True,
        help_text=_("Institution chargée de la mise en œuvre ; vide si elle n'est pas connue."),
    )
    order = models.PositiveSmallIntegerField(_("ordre dans l'axe"), default=0)

    history = HistoricalRecords()
    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["axis__order", "order", "key"]
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        constraints = [
            # An official number identifies one proposal; many have none (NULLs don't clash).
            models.UniqueConstraint(fields=["number"], name="proposals_proposal_unique_number"),
        ]

    def __str__(self):
        return f"{self.key} — {self.display_title}"

    def get_absolute_url(self):
        return reverse("proposals:proposal-detail", args=[self.key])

    @property
    def display_title(self) -> str:
        return self.title or str(UNTITLED)

    @property
    def short_display_title(self) -> str:
        """The short title where one is given, for links and lists where space is short."""
        return self.short_title or self.display_title

    @property
    def has_title(self) -> bool:
        return bool(self.title)

    def status_as_of(self, year: int) -> Status:
        """The status for one proposal (a query); lists use `with_status_as_of`."""
        latest = self.yearly_statuses.filter(year__lte=year).order_by("-year").first()
        return Status(latest.status) if latest else Status.NOT_ASSESSED


class YearlyStatus(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="yearly_statuses", verbose_name=_("proposition")
    )
    year = models.PositiveSmallIntegerField(_("année du bilan"))
    status = models.CharField(_("statut"), max_length=20, choices=Status)
    explanation = models.TextField(_("explication publique"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "-year"]
        verbose_name = _("suivi annuel")
        verbose_name_plural = _("suivis annuels")
        constraints = [
            # The status of a proposal "as of a year" must be unambiguous.
            models.UniqueConstraint(fields=["proposal", "year"], name="proposals_yearlystatus_one_per_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="proposals_yearlystatus_year_range"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="proposals_yearlystatus_known_status"
            ),
        ]
        indexes = [
            # The "status as of year" subquery looks up (proposal, year <= Y) for every row.
            models.Index(fields=["proposal", "-year"], name="proposals_ys_prop_year_idx"),
        ]

    def __str__(self):
        return f"{self.proposal.key} {self.year} : {self.get_status_display()}"

    def needs_source(self) -> bool:
        """The source rule: a status that differs from the previous year's (or the first
        status of a proposal) must say where it comes from. One query."""
        previous = (
            YearlyStatus.objects.filter(proposal_id=self.proposal_id, year__lt=self.year)
            .order_by("-year")
            .values_list("status", flat=True)
            .first()
        )
        return previous != self.status

    def validate_sources(self, sources) -> None:
        """Raise a ValidationError unless the rule above is met by `sources` (Source
        instances, saved or not). The admin, the import and the bulk action all call this."""
        if self.needs_source() and not any(source.is_complete for source in sources):
            raise ValidationError(SOURCE_REQUIRED_MESSAGE, code="source_required")


SOURCE_REQUIRED_MESSAGE = _(
    "Ce statut est nouveau ou diffère de celui de l'année précédente : indiquez au moins une source "
    "avec un libellé, une adresse (URL) ou une référence, et une date."
)


class Source(models.Model):
    """Where a yearly status comes from: a deliberation, the review document, a page."""

    yearly_status = models.ForeignKey(
        YearlyStatus, on_delete=models.CASCADE, related_name="sources", verbose_name=_("suivi annuel")
    )
    label = models.CharField(_("libellé"), max_length=300)
    url = models.URLField(_("adresse (URL)"), max_length=500, blank=True)
    reference = models.CharField(
        _("référence du document"), max_length=200, blank=True, help_text=_("Par exemple le numéro d'une délibération.")
    )
    date = models.DateField(_("date"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = [F("date").asc(nulls_last=True), "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.label

    @property
    def is_complete(self) -> bool:
        """Enough to find the document again: a label, a URL or a reference, and a date."""
        return bool(self.label and (self.url or self.reference) and self.date)


class ProjectState(models.TextChoices):
    DELIVERED = "delivered", _("Réalisé")
    IN_PROGRESS = "in_progress", _("En cours")


class Project(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"), blank=True)
    focus = models.TextField(_("texte du focus"), blank=True, help_text=_("Paragraphes séparés par une ligne vide."))
    lead = models.CharField(_("porteur"), max_length=20, choices=Institution, blank=True)
    start_year = models.PositiveSmallIntegerField(_("année de lancement"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=20, choices=ProjectState, default=ProjectState.IN_PROGRESS)
    proposals = models.ManyToManyField(
        Proposal, related_name="projects", blank=True, verbose_name=_("propositions mises en œuvre")
    )

    history = HistoricalRecords(m2m_fields=[proposals])

    class Meta:
        ordering = ["title"]
        verbose_name = _("projet")
        verbose_name_plural = _("projets")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("proposals:project-detail", args=[self.slug])


class KeyFigure(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="key_figures", verbose_name=_("projet"))
    label = models.CharField(_("libellé"), max_length=200)
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unité"), max_length=20, blank=True, help_text=_("Par exemple « € » ou « ha »."))
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "order", "pk"]
        verbose_name = _("chiffre clé")
        verbose_name_plural = _("chiffres clés")

    def __str__(self):
        return f"{self.label} : {self.value} {self.unit}".strip()
