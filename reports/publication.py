"""Publishing a review: the one publication (`publishing.services`) applied to reviews.

A publication freezes what the review says as of its year into a new `ReviewVersion` (the
review's hooks, `AnnualReview.freeze`); the public layer, a receiver of
`publishing.signals.published`, then renders the five documents from that record and stores
them in the same transaction (`public_site.exports.store_published_documents`).
"""

from collections.abc import Callable

from publishing.services import PublicationError, open_correction, publish_record

from .models import AnnualReview, ReviewVersion

__all__ = [
    "ADMIN_PUBLISH_MAX_PROPOSALS",
    "PublicationError",
    "freeze_published_reviews",
    "review_open_correction",
    "review_publish",
]

# Above this many proposals, publishing takes longer than a web request may (the PDF lists
# every proposal): the back office points to `manage.py publish_review` instead.
ADMIN_PUBLISH_MAX_PROPOSALS = 1000


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
