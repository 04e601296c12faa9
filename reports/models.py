"""The yearly reviews (bilans annuels) the institutions publish every December, and the record
each publication leaves.

A published review is a record: «Publier» stores in a `ReviewVersion` what the review says
(which proposals it counts, in which axis, each one's status, explanation and sources, the
figures) and its five documents, byte for byte. Every public view of a published year reads
that record, never the live rows; only a public correction (a rectificatif, version 2, 3…)
changes what a year says, and earlier versions stay available.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import CleanTextModel

from .formatting import fr_date


class AnnualReviewQuerySet(models.QuerySet):
    def published(self):
        """Reviews with a frozen version: the only years the public sees."""
        return self.filter(models.Exists(ReviewVersion.objects.filter(review=models.OuterRef("pk"))))

    def locked(self):
        """Published reviews without an open correction: their year's statuses cannot change."""
        return self.published().filter(correction_opened_at__isnull=True)

    def visible_to(self, user):
        """Published reviews, plus drafts for staff allowed to preview them."""
        if user.has_perm("reports.preview_annualreview"):
            return self
        return self.published()

    def latest_published_year(self) -> int | None:
        return self.published().order_by("-year").values_list("year", flat=True).first()

    def for_writing(self):
        """These reviews, their rows locked until the saving transaction ends (outside one: as
        they are). A publication holds this lock from its start to its commit, so a write that
        checks a review this way either comes first, and the publication includes it, or waits
        for the publication and then sees the review published."""
        return self if transaction.get_autocommit() else self.select_for_update()


class AnnualReview(CleanTextModel):
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
    correction_reason = models.TextField(
        _("motif du rectificatif en cours"),
        blank=True,
        help_text=_("Dit au public pourquoi le bilan publié est corrigé."),
    )
    correction_opened_at = models.DateTimeField(
        _("rectificatif ouvert le"),
        null=True,
        blank=True,
        help_text=_("Tant qu'un rectificatif est ouvert, les statuts de l'année peuvent être corrigés."),
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
            # Editors correct a year's statuses under a rectificatif: they see the result too.
            ("preview_correction", _("Peut prévisualiser un rectificatif en préparation")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="reports_annualreview_year_range"
            ),
        ]

    def __str__(self):
        return str(_("Bilan %(year)s") % {"year": self.year})

    def save(self, *args, **kwargs):
        # The record's guard (below) for the paths that skip clean().
        self.check_record(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reports:review-detail", args=[self.year])

    def document_links(self) -> list[tuple[str, str]]:
        """(label, URL) of each document of the review: PDF, XLSX, ODS, CSV, JSON."""
        from .exports import FORMATS  # the exports need the models: import when called

        return [(fmt.upper(), reverse(f"reports:review-{fmt}", args=[self.year])) for fmt in FORMATS]

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def correction_is_open(self) -> bool:
        return self.correction_opened_at is not None

    @property
    def is_locked(self) -> bool:
        """Published without an open rectificatif: nobody changes it, superusers included."""
        return self.is_published and not self.correction_is_open

    def publish(self, *, when=None, user=None, with_documents: bool = True) -> "ReviewVersion":
        """Freeze the review and store its documents (`publication.review_publish`)."""
        from .publication import review_publish

        version = review_publish(self, user=user, when=when, with_documents=with_documents)
        self.refresh_from_db()
        return version

    def shows_correction_to(self, user) -> bool:
        """Whether `user` may read this review as its open rectificatif will make it (the
        live rows), rather than as published."""
        return self.correction_is_open and user.has_perm("reports.preview_correction")

    def next_version_number(self) -> int:
        """The number the next publication gets: 1, then 2 for the first rectificatif…"""
        latest = self.latest_version()
        return latest.number + 1 if latest else 1

    def latest_version(self) -> "ReviewVersion | None":
        return self.versions.order_by("-number").first()

    def open_correction(self, reason: str, when=None) -> None:
        """A clerk opens a rectificatif: the year's statuses may be corrected until it is published."""
        self.correction_reason = reason
        self.correction_opened_at = when or timezone.now()
        self.save(update_fields=["correction_reason", "correction_opened_at"])

    # A published review is a record, as the committee's year is: its own texts change only
    # through a rectificatif, and its year never. Checked in clean() for the forms, and again
    # in save() for the paths that skip clean() (a shell, a script); publication itself only
    # writes the fields it manages (`published_at`, the correction's), which stay free.

    def clean(self):
        super().clean()
        self.check_record()

    def check_record(self, fields=None) -> None:
        """Raise a ValidationError (in French) when this unsaved state changes a published
        review's year, or a locked review's own fields (`fields`: only those, when given)."""
        if self.pk is None:
            return
        names = [name for name in RECORD_FIELDS if fields is None or name in fields]
        stored = (
            AnnualReview.objects.for_writing().filter(pk=self.pk).values(*RECORD_FIELDS, "correction_opened_at").first()
        )
        if not names or stored is None or not ReviewVersion.objects.filter(review_id=self.pk).exists():
            return
        if "year" in names and self.year != stored["year"]:
            raise ValidationError({"year": REVIEW_YEAR_MESSAGE % {"year": stored["year"]}}, code="review_year")
        changed = [name for name in names if getattr(self, name) != stored[name]]
        if changed and stored["correction_opened_at"] is None:
            raise ValidationError(REVIEW_LOCKED_MESSAGE % {"year": stored["year"]}, code="review_locked")


# The review's own fields that a published version records (`published_at` and the
# correction's fields are written by the publication itself).
RECORD_FIELDS = ["year", "situation_date", "introduction", "is_final"]

REVIEW_LOCKED_MESSAGE = _(
    "Le bilan %(year)s est publié : ni ses textes ni ses délibérations ne peuvent plus être modifiés. "
    "Pour corriger une erreur, la Greffe ouvre un rectificatif sur ce bilan, corrige, puis publie le rectificatif."
)
REVIEW_YEAR_MESSAGE = _("Le bilan %(year)s est publié : son année ne peut plus changer, même pendant un rectificatif.")


def check_review_open(pk) -> None:
    """Raise a ValidationError (in French) when the review `pk` is locked, as it is once any
    publication of it in progress has committed (the row is read `for_writing`)."""
    review = AnnualReview.objects.for_writing().filter(pk=pk).first()
    if review is not None and review.is_locked:
        raise ValidationError(REVIEW_LOCKED_MESSAGE % {"year": review.year}, code="review_locked")


class Assembly(CleanTextModel):
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


class Deliberation(CleanTextModel):
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

    # A locked review's deliberations are part of its record: none is added, changed or
    # deleted until a rectificatif is open (for the review it leaves, and the one it joins).

    def save(self, *args, **kwargs):
        self.check_reviews_open()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.check_reviews_open()
        return super().delete(*args, **kwargs)

    def clean(self):
        super().clean()
        self.check_reviews_open()

    def check_reviews_open(self) -> None:
        review_ids = {self.review_id}
        if self.pk:
            review_ids |= set(Deliberation.objects.filter(pk=self.pk).values_list("review_id", flat=True))
        for pk in sorted(pk for pk in review_ids if pk):
            check_review_open(pk)


class ReviewVersion(models.Model):
    """One publication of a review: version 1 at «Publier», then one per rectificatif.

    It holds what the review said when published (the review's own texts, its deliberations,
    the figures) and, in `entries` and `documents`, every proposal's frozen status and the five
    documents as served. Rows are only ever added, never changed."""

    review = models.ForeignKey(AnnualReview, on_delete=models.PROTECT, related_name="versions", verbose_name=_("bilan"))
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
    situation_date = models.DateField(_("situation au"))
    introduction = models.TextField(_("introduction"), blank=True)
    is_final = models.BooleanField(_("bilan final"), default=False)
    # [{"body": "Conseil municipal", "date": "2025-12-15", "reference": "…", "url": "…"}]
    deliberations = models.JSONField(_("délibérations"), default=list)
    # {"axes": [{"slug", "name", "by_status": {code: count}}], "totals": {"by_status": {…}}}
    figures = models.JSONField(_("chiffres"))

    class Meta:
        ordering = ["review", "-number"]
        verbose_name = _("version publiée")
        verbose_name_plural = _("versions publiées")
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="reports_reviewversion_unique_number"),
        ]

    def __str__(self):
        return str(_("Bilan %(year)s, version %(number)s") % {"year": self.review.year, "number": self.number})

    @property
    def year(self) -> int:
        return self.review.year

    @property
    def is_correction(self) -> bool:
        return self.number > 1

    def frozen_review(self) -> AnnualReview:
        """An unsaved AnnualReview carrying this version's texts: what pages and documents show."""
        return AnnualReview(
            pk=self.review_id,
            year=self.review.year,
            situation_date=self.situation_date,
            introduction=self.introduction,
            is_final=self.is_final,
            published_at=self.published_at,
        )

    def frozen_deliberations(self) -> list["FrozenDeliberation"]:
        return [FrozenDeliberation.from_dict(item) for item in self.deliberations]

    def identity(self, previous: "ReviewVersion | None") -> "VersionIdentity":
        """What each document of this version says about itself; `previous` is the version it
        replaces (its stored documents prefetched, or read here)."""
        replaced_pdf = None
        if previous is not None:
            replaced_pdf = next((document for document in previous.documents.all() if document.fmt == "pdf"), None)
        return VersionIdentity(
            year=self.review.year,
            number=self.number,
            published_at=timezone.localtime(self.published_at),
            reason=self.reason if self.is_correction else "",
            replaces_number=previous.number if previous is not None else None,
            replaces_sha256=replaced_pdf.sha256 if replaced_pdf is not None else "",
        )


@dataclass(frozen=True)
class VersionIdentity:
    """A published version as its documents name it: number, publication date and, for a
    rectificatif, its reason and the version it replaces with the SHA-256 of that version's
    stored PDF (the council's document), so that someone holding two copies can tell which
    replaces which. The first version says it is the first."""

    year: int
    number: int
    published_at: datetime.datetime  # local time
    reason: str = ""
    replaces_number: int | None = None
    replaces_sha256: str = ""

    @property
    def is_correction(self) -> bool:
        return self.number > 1

    @property
    def published_iso(self) -> str:
        """«2025-12-15T18:30:00+01:00»: to the second, as PDF dates are."""
        return self.published_at.isoformat(timespec="seconds")

    def as_dict(self) -> dict:
        """The JSON's `version` key."""
        replaces = None
        if self.replaces_number is not None:
            replaces = {"number": self.replaces_number, "sha256": self.replaces_sha256 or None}
        return {
            "number": self.number,
            "published_at": self.published_iso,
            "first": not self.is_correction,
            "reason": self.reason or None,
            "replaces": replaces,
        }

    def headline(self) -> str:
        """«Version 1, publiée le 15 décembre 2025 (première version)» or «Rectificatif :
        version 2, publiée le 20 janvier 2026»."""
        date = fr_date(self.published_at.date())
        if self.is_correction:
            return _("Rectificatif : version %(number)s, publiée le %(date)s") % {"number": self.number, "date": date}
        return _("Version %(number)s, publiée le %(date)s (première version publiée)") % {
            "number": self.number,
            "date": date,
        }

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) of each thing the version says about itself, for the documents."""
        lines = [
            (str(_("Version")), str(self.number)),
            (str(_("Publiée le")), fr_date(self.published_at.date())),
        ]
        if not self.is_correction:
            lines.append((str(_("Nature")), str(_("Première version publiée"))))
            return lines
        lines.append((str(_("Nature")), str(_("Rectificatif"))))
        lines.append((str(_("Motif du rectificatif")), self.reason))
        lines.append((str(_("Remplace la version")), str(self.replaces_number)))
        lines.append((str(_("SHA-256 du PDF de la version remplacée")), self.replaces_sha256 or "—"))
        return lines

    def keywords(self) -> list[str]:
        """The PDF's keywords: what a file manager or a search engine can show without opening it."""
        words = [str(_("bilan %(year)s") % {"year": self.year}), str(_("version %(number)s") % {"number": self.number})]
        if self.is_correction:
            words.append(str(_("rectificatif")))
            words.append(str(_("remplace la version %(number)s") % {"number": self.replaces_number}))
            if self.replaces_sha256:
                words.append(f"sha256:{self.replaces_sha256}")
        else:
            words.append(str(_("première version")))
        return words

    def description(self) -> str:
        """One sentence: the PDF's subject."""
        text = self.headline() + "."
        if self.is_correction:
            text += " " + _("Motif : %(reason)s") % {"reason": self.reason}
            text += " " + _("Remplace la version %(number)s") % {"number": self.replaces_number}
            if self.replaces_sha256:
                text += " " + _("(PDF de SHA-256 %(sha256)s)") % {"sha256": self.replaces_sha256}
            text += "."
        return text


@dataclass(frozen=True)
class FrozenAssembly:
    name: str


@dataclass(frozen=True)
class FrozenDeliberation:
    """A deliberation as a published version recorded it (the templates read it like a Deliberation)."""

    body: FrozenAssembly
    date: datetime.date
    reference: str
    url: str

    @classmethod
    def from_dict(cls, data: dict) -> "FrozenDeliberation":
        date = datetime.date.fromisoformat(data["date"])
        return cls(FrozenAssembly(data["body"]), date, data["reference"], data["url"])


@dataclass(frozen=True)
class FrozenAxis:
    """An axis as a published version recorded it."""

    slug: str
    name: str


@dataclass(frozen=True)
class FrozenSource:
    label: str
    url: str
    reference: str
    date: datetime.date | None


class ReviewEntry(models.Model):
    """A proposal as a published version counts it: its axis, status, explanation and sources
    as of the review year. The proposal's live texts (title, summary, projects) stay live."""

    version = models.ForeignKey(ReviewVersion, on_delete=models.CASCADE, related_name="entries")
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.SET_NULL, null=True, related_name="review_entries"
    )
    position = models.PositiveIntegerField()  # the convention's order at publication
    key = models.CharField(max_length=80)
    number = models.PositiveSmallIntegerField(null=True)
    title = models.TextField(blank=True)  # as published; pages show the live title
    axis_slug = models.CharField(max_length=50)
    axis_name = models.CharField(max_length=200)
    status = models.CharField(max_length=20)
    status_year = models.PositiveSmallIntegerField(null=True)  # the yearly status it comes from
    explanation = models.TextField(blank=True)
    sources = models.JSONField(default=list)  # [{"label", "url", "reference", "date"}]

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("statut publié")
        verbose_name_plural = _("statuts publiés")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="reports_reviewentry_unique_key"),
        ]
        indexes = [
            # A proposal's page reads its entries in every published version.
            models.Index(fields=["proposal", "version"], name="reports_entry_proposal_idx"),
        ]

    def __str__(self):
        return f"{self.key} : {self.status}"

    def get_absolute_url(self):
        return reverse("proposals:proposal-detail", args=[self.key])

    # Read like a proposal annotated with its status (`Proposal.objects.with_status_as_of`),
    # so that pages and documents show a published version and a draft the same way.

    @property
    def status_as_of(self) -> str:
        return self.status

    @property
    def explanation_as_of(self) -> str:
        return self.explanation

    @property
    def axis(self) -> FrozenAxis:
        return FrozenAxis(self.axis_slug, self.axis_name)

    @property
    def display_title(self) -> str:
        """The proposal's live title (a title filled in later shows), else the published one."""
        if self.proposal is not None:
            return self.proposal.display_title
        from proposals.models import UNTITLED

        return self.title or str(UNTITLED)

    @property
    def has_title(self) -> bool:
        return bool(self.proposal.title if self.proposal is not None else self.title)

    @property
    def projects(self):
        from proposals.models import Project

        return self.proposal.projects if self.proposal is not None else Project.objects.none()

    def source_list(self) -> list[FrozenSource]:
        return [
            FrozenSource(
                label=source["label"],
                url=source["url"],
                reference=source["reference"],
                date=datetime.date.fromisoformat(source["date"]) if source["date"] else None,
            )
            for source in self.sources
        ]


class ReviewDocument(models.Model):
    """A document of a published version (PDF, XLSX, ODS, CSV, JSON), stored in the database so
    that every app server serves the same bytes; `sha256` lets anyone check a copy."""

    version = models.ForeignKey(ReviewVersion, on_delete=models.CASCADE, related_name="documents")
    fmt = models.CharField(_("format"), max_length=10)
    content = models.BinaryField(_("contenu"))
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)

    class Meta:
        ordering = ["version", "fmt"]
        verbose_name = _("document publié")
        verbose_name_plural = _("documents publiés")
        constraints = [
            models.UniqueConstraint(fields=["version", "fmt"], name="reports_reviewdocument_one_per_format"),
        ]

    def __str__(self):
        return f"{self.version} ({self.fmt})"

    def get_absolute_url(self):
        """This version's own address, which never changes."""
        return reverse(f"reports:review-version-{self.fmt}", args=[self.version.review.year, self.version.number])

    def latest_url(self):
        """The year's default address, which serves the latest version."""
        return reverse(f"reports:review-{self.fmt}", args=[self.version.review.year])

    @classmethod
    def build(cls, version: ReviewVersion, fmt: str, content: bytes) -> "ReviewDocument":
        return cls(
            version=version, fmt=fmt, content=content, size=len(content), sha256=hashlib.sha256(content).hexdigest()
        )
