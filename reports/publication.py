"""Publishing a review: the one publication (`publishing.services`), and what follows it for
a review only, its five documents.

A publication freezes what the review says as of its year into a new `ReviewVersion` (the
review's hooks, `AnnualReview.freeze`); `store_published_documents`, a receiver of
`publishing.signals.published`, then renders the five documents from that record and stores
them, in the same transaction: a failure leaves the review as it was.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from publishing.services import PublicationError, open_correction, publish_record

from .documents import forget_documents
from .exports import FORMATS, export_review
from .models import AnnualReview, ReviewDocument, ReviewVersion

__all__ = [
    "ADMIN_PUBLISH_MAX_PROPOSALS",
    "PublicationError",
    "freeze_published_reviews",
    "review_open_correction",
    "review_publish",
    "store_documents",
    "store_published_documents",
]

# Above this many proposals, publishing takes longer than a web request may (the PDF lists
# every proposal): the back office points to `manage.py publish_review` instead.
ADMIN_PUBLISH_MAX_PROPOSALS = 1000


def store_documents(version: ReviewVersion, progress: Callable[[str], None] | None = None) -> None:
    """Render the five documents of `version` from its record and store them."""
    for fmt in FORMATS:
        if progress:
            progress(fmt)
        content = export_review(version.review, fmt, base_url=settings.SITE_URL)
        ReviewDocument.build(version, fmt, content).save()


def store_published_documents(sender, version, documents: bool = True, progress=None, **kwargs) -> None:
    """Receiver of `published` for reviews: store the version's documents (unless
    `documents=False`), and forget this process's copies of the earlier ones."""
    if documents:
        store_documents(version, progress)
    forget_documents()
    transaction.on_commit(forget_documents)


def review_publish(
    review: AnnualReview,
    *,
    user=None,
    when=None,
    progress: Callable[[str], None] | None = None,
    with_documents: bool = True,
) -> ReviewVersion:
    """Publish `review` (version 1), or its open rectificatif (the next version); see
    `AnnualReview.publish`. `progress(step)` is told each step (the command shows it)."""
    if progress:
        progress("statuts")
    return publish_record(review, user=user, when=when, documents=with_documents, progress=progress)


def review_open_correction(review: AnnualReview, *, reason: str, user=None) -> None:
    """Open a rectificatif on a published review: its year's statuses may then be corrected."""
    open_correction(review, reason=reason, user=user)


def freeze_published_reviews(progress: Callable[[str], None] | None = None) -> list[ReviewVersion]:
    """Give a first version to every review marked published that has none (data loaded from a
    fixture, or a database from before publication froze reviews): oldest year first, each
    published at the date it carries."""
    pending = AnnualReview.objects.filter(published_at__isnull=False, versions__isnull=True).order_by("year")
    return [review_publish(review, when=review.published_at, progress=progress) for review in pending]
