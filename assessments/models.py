"""The follow-up committee's assessment of each proposal, per review year, and its publication.

The committee (the «Comité de suivi» group) grades each proposal from 0 to 10 (or gives no
grade: «pas d'avis»), comments it and may say whether the institutions took it up faithfully;
it writes a statement per axis and one for the year. It publishes its year itself
(`CommitteeReview.publish`): a `CommitteeVersion` then freezes what it said, and every
public page reads that record, never the live rows. A published year is corrected in the open
(a rectificatif, version 2…), like the institutions' reviews.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import CleanOnReadTextField, CleanTextModel
from proposals.models import Axis, Proposal
from publishing.models import CitedSource, FrozenEntry, PublishedRecord, PublishedVersion, YearLockedRow
from publishing.years import year_range

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


class CommitteeReview(PublishedRecord, CleanTextModel):
    """The committee's publication of a year: its overall statement, and the record of its
    published versions."""

    statement = models.TextField(_("déclaration du comité sur l'année"), blank=True)

    history = HistoricalRecords()

    record_fields = ["year", "statement"]
    locked_message = _(
        "L'avis du comité pour %(year)s est publié : il ne peut plus être modifié. Pour corriger une erreur, "
        "le comité ouvre un rectificatif sur son avis annuel, corrige, puis publie le rectificatif."
    )
    already_published_message = _(
        "L'avis du comité pour %(year)s est déjà publié : pour le corriger, ouvrez un rectificatif."
    )
    not_published_message = _("Seul un avis publié peut être rectifié.")
    correction_open_message = _("Un rectificatif est déjà ouvert sur cet avis.")

    class Meta(PublishedRecord.Meta):
        verbose_name = _("avis annuel du comité")
        verbose_name_plural = _("avis annuels du comité")
        permissions = [("publish_committeereview", _("Peut publier l'avis du comité"))]

    def __str__(self):
        return str(_("Avis du comité %(year)s") % {"year": self.year})

    # What a publication freezes: the year's statement, its axis statements and every
    # assessment of the year. Unlike a review (which counts every proposal as of its latest
    # status, see AnnualReview), the committee's year is nothing but its own assessments of
    # that year: without any, it has nothing to publish, and is refused.

    def assessments(self):
        return (
            Assessment.objects.filter(year=self.year)
            .select_related("proposal__axis")
            .prefetch_related("sources")
            .order_by(*[f"proposal__{field}" for field in ("axis__order", "order", "key")])
        )

    def publication_refusal(self) -> str:
        if not Assessment.objects.filter(year=self.year).exists():
            return _("Aucun avis n'est saisi pour %(year)s : il n'y a rien à publier.") % {"year": self.year}
        return ""

    def version_fields(self) -> dict:
        statements = AxisStatement.objects.filter(year=self.year).select_related("axis").order_by("axis")
        return {
            "statement": self.statement,
            "axis_statements": [
                {"slug": item.axis.slug, "name": item.axis.name, "text": item.text} for item in statements
            ],
        }

    def freeze(self, version: "CommitteeVersion") -> None:
        AssessmentEntry.objects.bulk_create(
            AssessmentEntry(
                version=version,
                proposal=assessment.proposal,
                key=assessment.proposal.key,
                axis_slug=assessment.proposal.axis.slug,
                axis_name=assessment.proposal.axis.name,
                grade=assessment.grade,
                comment=assessment.comment,
                fidelity=assessment.fidelity,
                sources=[source.frozen() for source in assessment.sources.all()],
            )
            for assessment in self.assessments()
        )

    def pages_to_warm(self) -> list[str]:
        """The committee speaks on the home page, its year's review and every assessed proposal."""
        keys = Assessment.objects.filter(year=self.year).order_by().values_list("proposal__key", flat=True)
        return [
            reverse("public_site:home"),
            reverse("public_site:review-list"),
            reverse("public_site:review-detail", args=[self.year]),
            *(reverse("public_site:proposal-detail", args=[key]) for key in keys),
        ]


class YearLocked(YearLockedRow, CleanTextModel):
    """A row of a committee year: it changes only while that year is unpublished or under correction."""

    locked_by = "assessments.CommitteeReview"

    class Meta:
        abstract = True


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
            models.CheckConstraint(condition=year_range(), name="assessments_assessment_year_range"),
        ]

    def __str__(self):
        return f"{self.proposal.key} {self.year} : {grade_label(self.grade)}"

    def clean(self):
        super().clean()
        if self.grade is not None and not 0 <= self.grade <= MAX_GRADE:
            raise ValidationError({"grade": _("La note va de 0 à 10.")})


class AssessmentSource(YearLocked, CitedSource):
    """A document the committee cites for an assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sources", verbose_name=_("avis"))

    history = HistoricalRecords()

    class Meta(CitedSource.Meta):
        verbose_name = _("source de l'avis")
        verbose_name_plural = _("sources de l'avis")

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


class CommitteeVersion(PublishedVersion):
    """One publication of the committee's year: version 1, then one per rectificatif."""

    review = models.ForeignKey(
        CommitteeReview, on_delete=models.PROTECT, related_name="versions", verbose_name=_("avis annuel")
    )
    # Read clean: a reason published before control characters were refused renders clean, its row untouched.
    reason = CleanOnReadTextField(_("motif du rectificatif"), blank=True)
    statement = models.TextField(_("déclaration sur l'année"), blank=True)
    axis_statements = models.JSONField(_("déclarations sur les axes"), default=list)  # [{"slug", "name", "text"}]

    class Meta(PublishedVersion.Meta):
        verbose_name = _("version publiée de l'avis")
        verbose_name_plural = _("versions publiées de l'avis")

    def __str__(self):
        return str(_("Avis du comité %(year)s, version %(number)s") % {"year": self.review.year, "number": self.number})


class PublishedEntryQuerySet(models.QuerySet):
    def latest(self):
        """Only the entries of each year's latest published version: what the public sees."""
        latest = CommitteeVersion.objects.filter(review=OuterRef("version__review")).order_by("-number")
        return self.alias(latest_version=Subquery(latest.values("pk")[:1])).filter(version_id=F("latest_version"))


class AssessmentEntry(FrozenEntry):
    """An assessment as a published version froze it."""

    version = models.ForeignKey(CommitteeVersion, on_delete=models.CASCADE, related_name="entries")
    proposal = models.ForeignKey(Proposal, on_delete=models.SET_NULL, null=True, related_name="assessment_entries")
    grade = models.PositiveSmallIntegerField(null=True)
    comment = models.TextField(blank=True)
    fidelity = models.CharField(max_length=20, blank=True)

    objects = PublishedEntryQuerySet.as_manager()

    class Meta(FrozenEntry.Meta):
        ordering = ["version", "pk"]
        verbose_name = _("avis publié")
        verbose_name_plural = _("avis publiés")

    def __str__(self):
        return f"{self.key} : {grade_label(self.grade)}"

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)

    @property
    def fidelity_label(self) -> str:
        return str(Fidelity(self.fidelity).label) if self.fidelity in Fidelity.values else ""
