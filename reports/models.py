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

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import CleanOnReadTextField, CleanTextModel
from proposals.models import UNTITLED, Axis, Convention, Project, Proposal, Status, YearlyStatus
from publishing.models import FrozenEntry, PublishedRecord, PublishedRecordQuerySet, PublishedVersion, YearLockedRow

from .formats import FORMATS, render_document
from .identity import VersionIdentity


class AnnualReviewQuerySet(PublishedRecordQuerySet):
    def visible_to(self, user):
        """Published reviews, plus drafts for staff allowed to preview them."""
        if user.has_perm("reports.preview_annualreview"):
            return self
        return self.published()


class AnnualReview(PublishedRecord, CleanTextModel):
    situation_date = models.DateField(_("situation au"), help_text=_("Date à laquelle la situation est donnée."))
    introduction = models.TextField(_("introduction"), blank=True)
    is_final = models.BooleanField(
        _("bilan final"), default=False, help_text=_("Dernier bilan du suivi formel (fin du mandat).")
    )

    history = HistoricalRecords()
    objects = AnnualReviewQuerySet.as_manager()

    # The review's own fields that a published version records.
    record_fields = ["year", "situation_date", "introduction", "is_final"]
    locked_message = _(
        "Le bilan %(year)s est publié : ni ses textes ni ses délibérations ne peuvent plus être modifiés. "
        "Pour corriger une erreur, la Greffe ouvre un rectificatif sur ce bilan, corrige, puis publie le rectificatif."
    )
    already_published_message = _("Le bilan %(year)s est déjà publié : pour le corriger, ouvrez un rectificatif.")
    not_published_message = _("Seul un bilan publié peut être rectifié.")
    correction_open_message = _("Un rectificatif est déjà ouvert sur ce bilan.")

    class Meta(PublishedRecord.Meta):
        verbose_name = _("bilan annuel")
        verbose_name_plural = _("bilans annuels")
        permissions = [
            ("preview_annualreview", _("Peut prévisualiser un bilan non publié")),
            ("publish_annualreview", _("Peut publier un bilan")),
            # Editors correct a year's statuses under a rectificatif: they see the result too.
            ("preview_correction", _("Peut prévisualiser un rectificatif en préparation")),
        ]

    def __str__(self):
        return str(_("Bilan %(year)s") % {"year": self.year})

    def get_absolute_url(self):
        return reverse("public_site:review-detail", args=[self.year])

    def document_links(self) -> list[tuple[str, str]]:
        """(label, URL) of each document of the review (`formats.FORMATS`: PDF, XLSX, ODS, CSV, JSON)."""
        return [(fmt.upper(), reverse(f"public_site:review-{fmt}", args=[self.year])) for fmt in FORMATS]

    def publish(self, *, when=None, user=None, with_documents: bool = True, progress=None) -> "ReviewVersion":
        """Freeze the review; its documents are stored unless `with_documents=False` (for
        tests that measure pages only: a version without stored documents renders them on
        request)."""
        return super().publish(user=user, when=when, documents=with_documents, progress=progress)

    freeze_label = _("Figer le bilan : statuts, chiffres et textes")

    def document_steps(self) -> list[tuple[str, str]]:
        """The five documents, one step each; the PDF last, as it attaches the CSV and the JSON
        stored before it."""
        order = [fmt for fmt in FORMATS if fmt != "pdf"] + ["pdf"]
        return [(fmt, _("Document %(format)s") % {"format": fmt.upper()}) for fmt in order]

    def store_document(self, version: "ReviewVersion", key: str) -> None:
        ReviewDocument.build(version, key, render_document(self, key)).save()

    def shows_correction_to(self, user) -> bool:
        """Whether `user` may read this review as its open rectificatif will make it (the
        live rows), rather than as published."""
        return self.correction_is_open and user.has_perm("reports.preview_correction")

    # What a publication freezes: the review's texts and deliberations, every proposal as of
    # its year (axis, status, explanation, sources) and the figures. Unlike the committee's
    # year, a review refuses no year for being empty: it is the institutions' own report,
    # presented to their assemblies whatever was entered, and it counts every proposal as of
    # its latest status up to the year («Non évaluée» without one), so a year without a status
    # of its own still says where each proposal stands.

    def version_fields(self) -> dict:
        deliberations = [
            {
                "body": deliberation.body.name,
                "date": deliberation.date.isoformat(),
                "reference": deliberation.reference,
                "url": deliberation.url,
            }
            for deliberation in self.deliberations.select_related("body")
        ]
        return {
            "situation_date": self.situation_date,
            "introduction": self.introduction,
            "is_final": self.is_final,
            "deliberations": deliberations,
            "figures": {},
        }

    def freeze(self, version: "ReviewVersion") -> None:
        version.figures = figures_of(freeze_entries(version, self.year))
        # The change since the previous year is frozen with the version, from what that year
        # has published so far: a later rectificatif of it changes nothing here.
        version.figures["previous"] = previous_figures(self.year)
        # The licence its documents are published under, as the catalogue names it for them.
        convention = Convention.current()
        version.figures["licence"] = {"title": convention.licence_title, "url": convention.licence_url}
        version.save(update_fields=["figures"])

    def pages_to_warm(self) -> list[str]:
        """The home page, the table, the reviews, every proposal's page."""
        keys = Proposal.objects.order_by().values_list("key", flat=True)
        return [
            reverse("public_site:home"),
            reverse("public_site:proposal-list"),
            reverse("public_site:review-list"),
            self.get_absolute_url(),
            *(reverse("public_site:proposal-detail", args=[key]) for key in keys),
        ]


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


class Deliberation(YearLockedRow, CleanTextModel):
    """A deliberation a review was presented in: part of the review's record, so none is changed
    or deleted while the review is locked.

    An assembly often votes on a review after its publication: such a deliberation is recorded
    as a dated addition to the published version (`added_to`, `added_at`), by whoever may record
    deliberations (`reports.add_deliberation`, the clerks). It is shown on the review's page and
    in its live open data as recorded on that date; the version's record and stored documents
    are never changed by it, and once recorded it is neither changed nor deleted (a rectificatif
    may, and then records it in its own version)."""

    locked_by = "reports.AnnualReview"

    review = models.ForeignKey(
        AnnualReview, on_delete=models.CASCADE, related_name="deliberations", verbose_name=_("bilan")
    )
    body = models.ForeignKey(
        Assembly, on_delete=models.PROTECT, related_name="deliberations", verbose_name=_("assemblée")
    )
    date = models.DateField(_("date de la séance"))
    reference = models.CharField(_("numéro de la délibération"), max_length=100)
    url = models.URLField(_("lien"), max_length=500, blank=True)
    added_to = models.ForeignKey(
        "ReviewVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="additions",
        verbose_name=_("ajoutée à la version publiée"),
    )
    added_at = models.DateTimeField(_("ajoutée le"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    addition_refused_message = _(
        "Seule la Greffe peut ajouter une délibération à un bilan publié, et seulement à sa dernière version."
    )

    class Meta:
        ordering = ["review", "body", "date"]
        verbose_name = _("délibération")
        verbose_name_plural = _("délibérations")
        constraints = [
            models.UniqueConstraint(fields=["review", "body", "reference"], name="reports_deliberation_unique_ref"),
        ]

    def __str__(self):
        return f"{self.body} — {self.reference}"

    def record_years(self) -> set[int]:
        """The year of its review, and of the review it leaves if it moves."""
        return self.parent_years("review")

    @property
    def is_addition(self) -> bool:
        return self.added_to_id is not None

    @property
    def added_on(self) -> datetime.date | None:
        return timezone.localdate(self.added_at) if self.added_at else None

    def prepare_addition(self, user) -> None:
        """Make this new deliberation of a locked review a dated addition to its latest published
        version, if `user` may record deliberations; otherwise leave it, so that the review's
        lock refuses it. Every path that records one for a user (the back office) calls this."""
        if self.pk is not None or self.review_id is None or not user.has_perm("reports.add_deliberation"):
            return
        review = self.review
        if not review.is_locked:
            return
        self.added_to = review.latest_version()
        self.added_at = timezone.now()

    def check_addition(self) -> None:
        """An addition is new, and goes to the latest version of a locked review."""
        version = ReviewVersion.objects.filter(pk=self.added_to_id).select_related("review").first()
        if (
            self.pk is not None
            or version is None
            or version.review_id != self.review_id
            or not version.review.is_locked
            or version.review.latest_version() != version
        ):
            raise ValidationError(self.addition_refused_message, code="addition_refused")

    def clean(self):
        if self.is_addition:
            CleanTextModel.clean(self)
            self.check_addition()
            return
        super().clean()

    def save(self, *args, **kwargs):
        if not self.is_addition or self.pk is not None:
            return super().save(*args, **kwargs)  # the lock refuses a change to an addition
        with transaction.atomic():
            # Waits for a publication of the year in progress, like every write of its rows.
            AnnualReview.objects.locked_years(self.record_years(), for_writing=True)
            self.check_addition()
            return super(YearLockedRow, self).save(*args, **kwargs)


class ReviewVersion(PublishedVersion):
    """One publication of a review: version 1 at «Publier», then one per rectificatif.

    It holds what the review said when published (the review's own texts, its deliberations,
    the figures) and, in `entries` and `documents`, every proposal's frozen status and the five
    documents as served. Rows are only ever added, never changed."""

    review = models.ForeignKey(AnnualReview, on_delete=models.PROTECT, related_name="versions", verbose_name=_("bilan"))
    # Read clean: a reason published before control characters were refused renders clean, its row untouched.
    reason = CleanOnReadTextField(_("motif du rectificatif"), blank=True)
    situation_date = models.DateField(_("situation au"))
    introduction = models.TextField(_("introduction"), blank=True)
    is_final = models.BooleanField(_("bilan final"), default=False)
    # [{"body": "Conseil municipal", "date": "2025-12-15", "reference": "…", "url": "…"}]
    deliberations = models.JSONField(_("délibérations"), default=list)
    # {"axes": [{"slug", "name", "by_status": {code: count}}], "totals": {"by_status": {…}}}
    figures = models.JSONField(_("chiffres"))

    class Meta(PublishedVersion.Meta):
        verbose_name = _("version publiée")
        verbose_name_plural = _("versions publiées")

    def __str__(self):
        return str(_("Bilan %(year)s, version %(number)s") % {"year": self.review.year, "number": self.number})

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

    def licence(self) -> dict:
        """{"title", "url"}: the licence its documents were published under, frozen with it
        (`freeze`; filled for earlier versions by migration 0011); today's for a version that
        somehow holds none."""
        if "licence" in self.figures:
            return self.figures["licence"]
        convention = Convention.current()
        return {"title": convention.licence_title, "url": convention.licence_url}

    def frozen_deliberations(self) -> list["FrozenDeliberation"]:
        return [FrozenDeliberation.from_dict(item) for item in self.deliberations]

    def added_deliberations(self) -> list["Deliberation"]:
        """The deliberations recorded after this version was published, oldest first."""
        return list(self.additions.select_related("body").order_by("added_at", "pk"))

    def deliberation_rows(self) -> list[dict]:
        """Every deliberation of this version as open data: those it published (recorded on its
        publication date), then the additions, each on the date it was recorded."""
        published_on = timezone.localdate(self.published_at).isoformat()
        rows = [{**item, "recorded_on": published_on, "addition": False} for item in self.deliberations]
        for deliberation in self.added_deliberations():
            rows.append(
                {
                    "body": deliberation.body.name,
                    "date": deliberation.date.isoformat(),
                    "reference": deliberation.reference,
                    "url": deliberation.url,
                    "recorded_on": deliberation.added_on.isoformat(),
                    "addition": True,
                }
            )
        return rows

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


class ReviewEntry(FrozenEntry):
    """A proposal as a published version counts it: its axis, status, explanation and sources
    as of the review year. The proposal's live texts (title, summary, projects) stay live."""

    version = models.ForeignKey(ReviewVersion, on_delete=models.CASCADE, related_name="entries")
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.SET_NULL, null=True, related_name="review_entries"
    )
    position = models.PositiveIntegerField()  # the convention's order at publication
    # Where its axis stands in the version: the position of the axis's first proposal. Stored so
    # that the table sorts a published year by axis without a subquery per row.
    axis_rank = models.PositiveIntegerField(default=0)
    number = models.PositiveSmallIntegerField(null=True)
    title = models.TextField(blank=True)  # as published; pages show the live title
    status = models.CharField(max_length=20)
    status_year = models.PositiveSmallIntegerField(null=True)  # the yearly status it comes from
    explanation = models.TextField(blank=True)

    class Meta(FrozenEntry.Meta):
        ordering = ["version", "position"]
        verbose_name = _("statut publié")
        verbose_name_plural = _("statuts publiés")
        indexes = [
            # A proposal's page reads its entries in every published version.
            models.Index(fields=["proposal", "version"], name="reports_entry_proposal_idx"),
            # The table of a published year reads a version's entries in the convention's order.
            models.Index(fields=["version", "axis_rank", "position"], name="reports_entry_order_idx"),
        ]

    def __str__(self):
        return f"{self.key} : {self.status}"

    def get_absolute_url(self):
        return reverse("public_site:proposal-detail", args=[self.key])

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
        return self.title or str(UNTITLED)

    @property
    def has_title(self) -> bool:
        return bool(self.proposal.title if self.proposal is not None else self.title)

    @property
    def projects(self):
        return self.proposal.projects if self.proposal is not None else Project.objects.none()


@dataclass(frozen=True)
class StatusCorrection:
    """The rectificatif that last changed a frozen status: its date, its reason, its number and
    the status the version before it said."""

    date: datetime.date
    reason: str
    number: int
    previous_status: str

    @property
    def previous_label(self) -> str:
        return Status.of(self.previous_status).label


def mark_corrections(entries: list["ReviewEntry"]) -> None:
    """Set `correction` on each entry (its `version` loaded): the rectificatif that last changed
    its status, or None. One query, for every rectificatif among the entries' versions."""
    for entry in entries:
        entry.correction = None
    corrected = [entry for entry in entries if entry.version.number > 1]
    if not corrected:
        return
    condition = models.Q()
    for (review_id, number), keys in _keys_by_version(corrected).items():
        condition |= models.Q(version__review_id=review_id, version__number__lte=number, key__in=keys)
    history: dict[tuple[int, str], list] = {}
    rows = ReviewEntry.objects.filter(condition).order_by("version__number")
    for review_id, key, status, number, published_at, reason in rows.values_list(
        "version__review_id", "key", "status", "version__number", "version__published_at", "version__reason"
    ):
        history.setdefault((review_id, key), []).append((status, number, published_at, reason))
    for entry in corrected:
        previous = None
        for status, number, published_at, reason in history.get((entry.version.review_id, entry.key), []):
            if number > entry.version.number:
                break
            if previous is not None and status != previous and number > 1:
                entry.correction = StatusCorrection(timezone.localdate(published_at), reason, number, previous)
            previous = status


def _keys_by_version(entries) -> dict[tuple[int, int], list[str]]:
    keys: dict[tuple[int, int], list[str]] = {}
    for entry in entries:
        keys.setdefault((entry.version.review_id, entry.version.number), []).append(entry.key)
    return keys


class ReviewDocumentQuerySet(models.QuerySet):
    def in_site_order(self):
        """The documents in the order the site names them (`formats.FORMATS`: the PDF first),
        whatever order the publication stored them in (the PDF last)."""
        rank = models.Case(
            *(models.When(fmt=fmt, then=index) for index, fmt in enumerate(FORMATS)), default=len(FORMATS)
        )
        return self.order_by(rank, "fmt")


class ReviewDocument(models.Model):
    """A document of a published version (PDF, XLSX, ODS, CSV, JSON), stored in the database so
    that every app server serves the same bytes; `sha256` lets anyone check a copy."""

    version = models.ForeignKey(ReviewVersion, on_delete=models.CASCADE, related_name="documents")
    fmt = models.CharField(_("format"), max_length=10)
    content = models.BinaryField(_("contenu"))
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)

    objects = ReviewDocumentQuerySet.as_manager()

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
        return reverse(f"public_site:review-version-{self.fmt}", args=[self.version.review.year, self.version.number])

    def latest_url(self):
        """The year's default address, which serves the latest version."""
        return reverse(f"public_site:review-{self.fmt}", args=[self.version.review.year])

    @classmethod
    def build(cls, version: ReviewVersion, fmt: str, content: bytes) -> "ReviewDocument":
        return cls(
            version=version, fmt=fmt, content=content, size=len(content), sha256=hashlib.sha256(content).hexdigest()
        )


def latest_statuses(year: int) -> dict[int, YearlyStatus]:
    """Each proposal's latest yearly status with year <= `year`, with its sources (two queries)."""
    latest = {}
    for yearly in (
        YearlyStatus.objects.filter(year__lte=year).order_by("proposal_id", "-year").prefetch_related("sources")
    ):
        latest.setdefault(yearly.proposal_id, yearly)
    return latest


def freeze_entries(version: ReviewVersion, year: int) -> list[ReviewEntry]:
    """Every proposal as of `year`, in the convention's order, as rows of `version`."""
    latest = latest_statuses(year)
    entries = []
    for position, proposal in enumerate(Proposal.objects.select_related("axis").order_by(*Proposal._meta.ordering)):
        yearly = latest.get(proposal.pk)
        entries.append(
            ReviewEntry(
                version=version,
                proposal=proposal,
                position=position,
                key=proposal.key,
                number=proposal.number,
                title=proposal.title,
                axis_slug=proposal.axis.slug,
                axis_name=proposal.axis.name,
                status=yearly.status if yearly else Status.NOT_ASSESSED.value,
                status_year=yearly.year if yearly else None,
                explanation=yearly.explanation if yearly else "",
                sources=[source.frozen() for source in yearly.sources.all()] if yearly else [],
            )
        )
    axis_ranks = {}
    for entry in entries:
        entry.axis_rank = axis_ranks.setdefault(entry.axis_slug, entry.position)
    return ReviewEntry.objects.bulk_create(entries, batch_size=1000)


def previous_figures(year: int) -> dict | None:
    """What the latest published version of the latest earlier published year counted (its
    year, axes and totals), or None: the base of the change since the previous year that a
    version of `year` freezes (`figures["previous"]`)."""
    version = (
        ReviewVersion.objects.filter(review__year__lt=year)
        .select_related("review")
        .order_by("-review__year", "-number")
        .first()
    )
    if version is None:
        return None
    return {"year": version.review.year, "axes": version.figures["axes"], "totals": version.figures["totals"]}


def figures_of(entries: list[ReviewEntry]) -> dict:
    """The counts by status per axis (every axis, in order, even an empty one) and overall."""

    def empty() -> dict:
        return {status.value: 0 for status in Status}

    axes = {axis.slug: {"slug": axis.slug, "name": axis.name, "by_status": empty()} for axis in Axis.objects.all()}
    totals = empty()
    for entry in entries:
        axis = axes.setdefault(
            entry.axis_slug, {"slug": entry.axis_slug, "name": entry.axis_name, "by_status": empty()}
        )
        axis["by_status"][entry.status] += 1
        totals[entry.status] += 1
    return {"axes": list(axes.values()), "totals": {"by_status": totals}}
