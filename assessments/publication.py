"""The committee publishes its year, and corrects it in the open: the one publication
(`publishing.services`), with what the committee's year freezes (`CommitteeReview.freeze`).
It never touches the institutions' reviews, whose stored documents stay byte for byte what
they were."""

from publishing.services import PublicationError, open_correction, publish_record

from .models import CommitteeReview, CommitteeVersion

__all__ = ["PublicationError", "committee_open_correction", "committee_publish"]


def committee_publish(review: CommitteeReview, *, user=None, when=None) -> CommitteeVersion:
    """Publish the committee's `review` (version 1), or its open rectificatif (the next version)."""
    return publish_record(review, user=user, when=when)


def committee_open_correction(review: CommitteeReview, *, reason: str, user=None) -> None:
    """Open a rectificatif: the year's assessments may then be corrected, then published again."""
    open_correction(review, reason=reason, user=user)
