"""Publishing a review, and correcting it in the open (SG "services": a workflow across models).

`review_publish` freezes what the review says as of its year into a new `ReviewVersion` (the
proposals it counts, each one's axis, status, explanation and sources, the figures, the
review's texts and deliberations), then renders its five documents from that record and
stores them. All in one transaction: a failure leaves the review as it was.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.cache import warm_public_pages
from proposals.models import Axis, Proposal, Status, YearlyStatus
from publishing.signals import published

from .documents import forget_documents
from .models import AnnualReview, ReviewDocument, ReviewEntry, ReviewVersion

# Above this many proposals, publishing takes longer than a web request may (the PDF lists
# every proposal): the back office points to `manage.py publish_review` instead.
ADMIN_PUBLISH_MAX_PROPOSALS = 1000


class PublicationError(Exception):
    """Why a review cannot be published now (a French message for the clerk)."""


def _sources(yearly: YearlyStatus | None) -> list[dict]:
    if yearly is None:
        return []
    return [
        {
            "label": source.label,
            "url": source.url,
            "reference": source.reference,
            "date": source.date.isoformat() if source.date else None,
        }
        for source in yearly.sources.all()
    ]


def _latest_statuses(year: int) -> dict[int, YearlyStatus]:
    """Each proposal's latest yearly status with year <= `year`, with its sources (two queries)."""
    latest = {}
    for yearly in (
        YearlyStatus.objects.filter(year__lte=year).order_by("proposal_id", "-year").prefetch_related("sources")
    ):
        latest.setdefault(yearly.proposal_id, yearly)
    return latest


def freeze_entries(version: ReviewVersion, year: int) -> list[ReviewEntry]:
    """Every proposal as of `year`, in the convention's order, as rows of `version`."""
    latest = _latest_statuses(year)
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
                sources=_sources(yearly),
            )
        )
    return ReviewEntry.objects.bulk_create(entries, batch_size=1000)


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


def _deliberations(review: AnnualReview) -> list[dict]:
    return [
        {
            "body": deliberation.body.name,
            "date": deliberation.date.isoformat(),
            "reference": deliberation.reference,
            "url": deliberation.url,
        }
        for deliberation in review.deliberations.select_related("body")
    ]


def store_documents(version: ReviewVersion, progress: Callable[[str], None] | None = None) -> None:
    """Render the five documents of `version` from its record and store them."""
    from .exports import FORMATS, export_review  # the exports read the summary, which reads the models

    for fmt in FORMATS:
        if progress:
            progress(fmt)
        content = export_review(version.review, fmt, base_url=settings.SITE_URL)
        ReviewDocument.build(version, fmt, content).save()


def review_publish(
    review: AnnualReview,
    *,
    user=None,
    when=None,
    progress: Callable[[str], None] | None = None,
    with_documents: bool = True,
) -> ReviewVersion:
    """Publish `review` (version 1), or its open rectificatif (the next version).

    Raises PublicationError when the review is already published and no correction is open.
    `progress(step)` is told each step (the command shows it). `with_documents=False` is for
    tests that measure pages only: a version without stored documents renders them on request."""
    with transaction.atomic():
        review = AnnualReview.objects.select_for_update().get(pk=review.pk)
        last = review.versions.order_by("-number").first()
        if last is not None and not review.correction_is_open:
            raise PublicationError(
                _("Le bilan %(year)s est déjà publié : pour le corriger, ouvrez un rectificatif.")
                % {"year": review.year}
            )
        when = when or timezone.now()
        version = ReviewVersion(
            review=review,
            number=last.number + 1 if last else 1,
            published_at=when,
            published_by=user,
            reason=review.correction_reason if last else "",
            situation_date=review.situation_date,
            introduction=review.introduction,
            is_final=review.is_final,
            deliberations=_deliberations(review),
            figures={},
        )
        version.save()
        if progress:
            progress("statuts")
        version.figures = figures_of(freeze_entries(version, review.year))
        version.save(update_fields=["figures"])
        review.published_at = review.published_at or when
        review.correction_reason = ""
        review.correction_opened_at = None
        review._history_user = user
        review.save()
        published.send(type(review), record=review, version=version, previous=last)
        if with_documents:
            store_documents(version, progress)
        transaction.on_commit(forget_documents)
        # Publication day: the pages that change are rendered before visitors ask for them.
        transaction.on_commit(lambda: warm_public_pages(pages_to_warm(review)))
    forget_documents()
    return version


def pages_to_warm(review: AnnualReview) -> list[str]:
    """What a publication changes: the home page, the table, the reviews, every proposal's page."""
    keys = Proposal.objects.order_by().values_list("key", flat=True)
    return [
        reverse("proposals:home"),
        reverse("proposals:proposal-list"),
        reverse("reports:review-list"),
        review.get_absolute_url(),
        *(reverse("proposals:proposal-detail", args=[key]) for key in keys),
    ]


def review_open_correction(review: AnnualReview, *, reason: str, user=None) -> None:
    """Open a rectificatif on a published review: its year's statuses may then be corrected."""
    reason = reason.strip()
    if not review.versions.exists():
        raise PublicationError(_("Seul un bilan publié peut être rectifié."))
    if review.correction_is_open:
        raise PublicationError(_("Un rectificatif est déjà ouvert sur ce bilan."))
    if not reason:
        raise PublicationError(_("Indiquez le motif du rectificatif : il sera publié avec lui."))
    review._history_user = user
    review.open_correction(reason)


def freeze_published_reviews(progress: Callable[[str], None] | None = None) -> list[ReviewVersion]:
    """Give a first version to every review marked published that has none (data loaded from a
    fixture, or a database from before publication froze reviews): oldest year first."""
    pending = AnnualReview.objects.filter(published_at__isnull=False, versions__isnull=True).order_by("year")
    return [review_publish(review, when=review.published_at, progress=progress) for review in pending]
