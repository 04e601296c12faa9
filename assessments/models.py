"""The follow-up committee's assessment of each proposal, per review year, and its publication.

The committee (the «Comité de suivi» group) grades each proposal from 0 to 10 (or gives no
grade: «pas d'avis»), comments it and may say whether the institutions took it up faithfully;
it writes a statement per axis and one for the year. It publishes its year itself
(`publication.committee_publish`): a `CommitteeVersion` then freezes what it said, and every
public page reads that record, never the live rows. A published year is corrected in the open
(a rectificatif, version 2…), like the institutions' reviews.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import CleanTextModel
from proposals.models import Axis, PartOfAYear, Proposal

MAX_GRADE = 10


class Fidelity(models.TextChoices):
    """Whether the institutions took the proposal up as the convention wrote it."""

    FAITHFUL = "faithful", _("Reprise fidèlement")
    PARTIAL = "partial", _("Reprise partiellement")
    DISTORTED = "distorted", _("Dénaturée")
    NOT_TAKEN = "not_taken", _("Pas reprise")


def grade_label(grade: int | None) -> str:
    """«6/10», or «pas d'avis» when the committee gave no grade."""
    if grade is None:
        return str(_("pas d'avis"))
    return f"{grade}/{MAX_GRADE}"


class CommitteeReviewQuerySet(models.QuerySet):
    def locked(self):
        """Published years without an open rectificatif: their assessments cannot change."""
        return self.filter(versions__isnull=False, correction_opened_at__isnull=True).distinct()

    def for_writing(self):
        """These years' rows locked until the saving transaction ends (outside one: as they are).
        `committee_publish` holds this lock until it commits: a write either comes first and is
        in the version, or waits and then sees the year published (AnnualReviewQuerySet too)."""
        return self if transaction.get_autocommit() else self.select_for_update()


class CommitteeReview(CleanTextModel):
    """The committee's publication of a year: its overall statement, and the record of its
    published versions."""

    year = models.PositiveSmallIntegerField(_("année du bilan"), unique=True)
    statement = models.TextField(_("déclaration du comité sur l'année"), blank=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    correction_reason = models.TextField(_("motif du rectificatif en cours"), blank=True)
    correction_opened_at = models.DateTimeField(_("rectificatif ouvert le"), null=True, blank=True)

    history = HistoricalRecords()
    objects = CommitteeReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("avis annuel du comité")
        verbose_name_plural = _("avis annuels du comité")
        permissions = [("publish_committeereview", _("Peut publier l'avis du comité"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="assessments_committeereview_year_range"
            ),
        ]

    def __str__(self):
        return str(_("Avis du comité %(year)s") % {"year": self.year})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def correction_is_open(self) -> bool:
        return self.correction_opened_at is not None

    @property
    def is_locked(self) -> bool:
        return self.pk is not None and self.is_published and not self.correction_is_open

    def clean(self):
        if self.pk:
            list(CommitteeReview.objects.filter(pk=self.pk).for_writing().values_list("pk", flat=True))
            if CommitteeReview.objects.locked().filter(pk=self.pk).exists():
                raise ValidationError(LOCKED_MESSAGE % {"year": self.year}, code="year_locked")

    def open_correction(self, reason: str, when=None) -> None:
        self.correction_reason = reason
        self.correction_opened_at = when or timezone.now()
        self.save(update_fields=["correction_reason", "correction_opened_at"])


LOCKED_MESSAGE = _(
    "L'avis du comité pour %(year)s est publié : il ne peut plus être modifié. Pour corriger une erreur, "
    "le comité ouvre un rectificatif sur son avis annuel, corrige, puis publie le rectificatif."
)


def locked_years(years, *, for_writing: bool = False) -> list[int]:
    """Those of `years` whose committee assessment is published and has no open correction.
    `for_writing`: inside the saving transaction, first wait for a publication of these years."""
    reviews = CommitteeReview.objects.filter(year__in=[year for year in years if year])
    if for_writing:
        list(reviews.for_writing().order_by("year").values_list("pk", flat=True))
    return sorted(reviews.locked().values_list("year", flat=True))


def check_years_open(years) -> None:
    """Every write of a committee year's rows calls this in its transaction (model clean)."""
    locked = locked_years(years, for_writing=True)
    if locked:
        raise ValidationError(LOCKED_MESSAGE % {"year": locked[0]}, code="year_locked")


class YearLocked(CleanTextModel):
    """A row of a committee year: it changes only while that year is unpublished or under correction."""

    class Meta:
        abstract = True

    def clean(self):
        years = {self.year}
        if self.pk:
            years |= set(type(self).objects.filter(pk=self.pk).values_list("year", flat=True))
        check_years_open(years)

    def delete(self, *args, **kwargs):
        """Deleting a row of a published year would rewrite the record: refused on every path."""
        with transaction.atomic():
            check_years_open({self.year})
            return super().delete(*args, **kwargs)


class Assessment(YearLocked):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("proposition")
    )
    year = models.PositiveSmallIntegerField(_("année du bilan"))
    grade = models.PositiveSmallIntegerField(
        _("note sur 10"), null=True, blank=True, help_text=_("De 0 à 10 ; vide : « pas d'avis ».")
    )
    comment = models.TextField(_("commentaire public"), max_length=2000, blank=True)
    fidelity = models.CharField(_("fidélité à la proposition"), max_length=20, choices=Fidelity, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "-year"]
        verbose_name = _("avis du comité")
        verbose_name_plural = _("avis du comité")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "year"], name="assessments_assessment_one_per_year"),
            models.CheckConstraint(
                condition=models.Q(grade__gte=0, grade__lte=MAX_GRADE) | models.Q(grade__isnull=True),
                name="assessments_assessment_grade_range",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="assessments_assessment_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.proposal.key} {self.year} : {grade_label(self.grade)}"

    def clean(self):
        super().clean()
        if self.grade is not None and not 0 <= self.grade <= MAX_GRADE:
            raise ValidationError({"grade": _("La note va de 0 à 10.")})


class AssessmentSource(PartOfAYear, CleanTextModel):
    """A document the committee cites for an assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sources", verbose_name=_("avis"))
    label = models.CharField(_("libellé"), max_length=300)
    url = models.URLField(_("adresse (URL)"), max_length=500, blank=True)
    reference = models.CharField(_("référence du document"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = [F("date").asc(nulls_last=True), "pk"]
        verbose_name = _("source de l'avis")
        verbose_name_plural = _("sources de l'avis")

    def __str__(self):
        return self.label

    check_years_open = staticmethod(check_years_open)  # the committee's years

    def record_years(self) -> set[int]:
        return self.parent_years("assessment")


class AxisStatement(YearLocked):
    """The committee's overall statement on an axis for a year."""

    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="committee_statements", verbose_name=_("axe"))
    year = models.PositiveSmallIntegerField(_("année du bilan"))
    text = models.TextField(_("déclaration du comité sur l'axe"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "axis"]
        verbose_name = _("déclaration du comité sur un axe")
        verbose_name_plural = _("déclarations du comité sur les axes")
        constraints = [
            models.UniqueConstraint(fields=["axis", "year"], name="assessments_axisstatement_one_per_year"),
        ]

    def __str__(self):
        return f"{self.axis} {self.year}"


class CommitteeVersion(models.Model):
    """One publication of the committee's year: version 1, then one per rectificatif. Rows are
    only ever added, never changed."""

    review = models.ForeignKey(
        CommitteeReview, on_delete=models.PROTECT, related_name="versions", verbose_name=_("avis annuel")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    published_at = models.DateTimeField(_("publiée le"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publiée par"),
    )
    reason = models.TextField(_("motif du rectificatif"), blank=True)
    statement = models.TextField(_("déclaration sur l'année"), blank=True)
    axis_statements = models.JSONField(_("déclarations sur les axes"), default=list)  # [{"slug", "name", "text"}]

    class Meta:
        ordering = ["review", "-number"]
        verbose_name = _("version publiée de l'avis")
        verbose_name_plural = _("versions publiées de l'avis")
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="assessments_version_unique_number"),
        ]

    def __str__(self):
        return str(_("Avis du comité %(year)s, version %(number)s") % {"year": self.review.year, "number": self.number})

    @property
    def is_correction(self) -> bool:
        return self.number > 1


class PublishedEntryQuerySet(models.QuerySet):
    def latest(self):
        """Only the entries of each year's latest published version: what the public sees."""
        latest = CommitteeVersion.objects.filter(review=OuterRef("version__review")).order_by("-number")
        return self.alias(latest_version=Subquery(latest.values("pk")[:1])).filter(version_id=F("latest_version"))


class AssessmentEntry(models.Model):
    """An assessment as a published version froze it."""

    version = models.ForeignKey(CommitteeVersion, on_delete=models.CASCADE, related_name="entries")
    proposal = models.ForeignKey(Proposal, on_delete=models.SET_NULL, null=True, related_name="assessment_entries")
    key = models.CharField(max_length=80)
    axis_slug = models.CharField(max_length=50)
    axis_name = models.CharField(max_length=200)
    grade = models.PositiveSmallIntegerField(null=True)
    comment = models.TextField(blank=True)
    fidelity = models.CharField(max_length=20, blank=True)
    sources = models.JSONField(default=list)  # [{"label", "url", "reference", "date"}]

    objects = PublishedEntryQuerySet.as_manager()

    class Meta:
        ordering = ["version", "pk"]
        verbose_name = _("avis publié")
        verbose_name_plural = _("avis publiés")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="assessments_entry_unique_key"),
        ]

    def __str__(self):
        return f"{self.key} : {grade_label(self.grade)}"

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)

    @property
    def fidelity_label(self) -> str:
        return str(Fidelity(self.fidelity).label) if self.fidelity in Fidelity.values else ""

    def source_list(self) -> list[dict]:
        return [
            {**source, "date": datetime.date.fromisoformat(source["date"]) if source["date"] else None}
            for source in self.sources
        ]
