"""Publishing a review: the one publication (`publishing.services`) applied to reviews.

A publication freezes what the review says as of its year into a new `ReviewVersion` (the
review's hooks, `AnnualReview.freeze`), then renders the five documents from that record and
stores them, one step each, in the same transaction (`AnnualReview.store_document`). The back
office runs it in the worker, with its progress (`publishing.workflow`); `publish_review` runs
the same workflow in its own process.
"""

from collections.abc import Callable

from publishing.services import PublicationError, open_correction, publish_record

from .models import AnnualReview, ReviewVersion

__all__ = [
    "PublicationError",
    "freeze_published_reviews",
    "review_open_correction",
    "review_publish",
]


def review_publish(
    review: AnnualReview,
    *,
    user=None,
    when=None,
    progress: Callable[[str], None] | None = None,
    with_documents: bool = True,
) -> ReviewVersion:
    """Publish `review` (version 1), or its open rectificatif (the next version), here and now;
    see `AnnualReview.publish`. `progress(step)` is told each step's key as it starts."""
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
