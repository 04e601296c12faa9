"""Publishing a review: the one publication (`publishing.services`) applied to reviews.

A publication freezes what the review says as of its year into a new `ReviewVersion` (the
review's hooks, `AnnualReview.freeze`), then renders the five documents from that record and
stores them, one step each, in the same transaction (`AnnualReview.store_document`). The back
office runs it in the worker, with its progress (`publishing.workflow`); `publish_review` runs
the same workflow in its own process.
"""

from collections.abc import Callable

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from proposals.models import YearlyStatus
from publishing.services import PublicationError, open_correction, publish_record

from .models import AnnualReview, ReviewVersion

__all__ = [
    "PublicationError",
    "PublishReviewForm",
    "check_statuses_entered",
    "freeze_published_reviews",
    "review_open_correction",
    "review_publish",
]


def statuses_entered(year: int) -> int:
    """How many statuses were entered for `year` itself (not carried over from earlier years)."""
    return YearlyStatus.objects.filter(year=year).count()


def check_statuses_entered(review: AnnualReview, *, no_status_acknowledged: bool) -> None:
    """A year without a status of its own repeats the previous year's situation: it is published
    only when the publisher says so explicitly. Every publication path calls this first."""
    if not no_status_acknowledged and statuses_entered(review.year) == 0:
        raise PublicationError(
            gettext(
                "Aucun statut n'a été saisi pour %(year)s : le bilan ne ferait que répéter la situation "
                "des années précédentes. Saisissez les statuts %(year)s, ou confirmez explicitement la "
                "publication d'un bilan sans statut de l'année."
            )
            % {"year": review.year}
        )


class PublishReviewForm(forms.Form):
    """The confirmation of a review's publication: says how many statuses the year has and,
    when it has none, asks for an explicit acknowledgement."""

    no_status_acknowledged = forms.BooleanField(
        label=_("Je confirme publier ce bilan sans aucun statut saisi pour son année."), required=False
    )

    def __init__(self, review: AnnualReview, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.statuses = statuses_entered(review.year)
        if self.statuses:
            del self.fields["no_status_acknowledged"]

    def clean(self):
        cleaned = super().clean()
        try:
            check_statuses_entered(self.review, no_status_acknowledged=cleaned.get("no_status_acknowledged", False))
        except PublicationError as error:
            raise forms.ValidationError(str(error), code="no_status") from error
        return cleaned

    @property
    def acknowledged(self) -> bool:
        return self.statuses == 0 and self.cleaned_data.get("no_status_acknowledged", False)


def review_publish(
    review: AnnualReview,
    *,
    user=None,
    when=None,
    progress: Callable[[str], None] | None = None,
    with_documents: bool = True,
    no_status_acknowledged: bool = False,
) -> ReviewVersion:
    """Publish `review` (version 1), or its open rectificatif (the next version), here and now;
    see `AnnualReview.publish`. `progress(step)` is told each step's key as it starts. A year
    without a status of its own is refused unless `no_status_acknowledged`."""
    check_statuses_entered(review, no_status_acknowledged=no_status_acknowledged)
    return publish_record(review, user=user, when=when, documents=with_documents, progress=progress)


def review_open_correction(review: AnnualReview, *, reason: str, user=None) -> None:
    """Open a rectificatif on a published review: its year's statuses may then be corrected."""
    open_correction(review, reason=reason, user=user)


def freeze_published_reviews(progress: Callable[[str], None] | None = None) -> list[ReviewVersion]:
    """Give a first version to every review marked published that has none (data loaded from a
    fixture, or a database from before publication froze reviews): oldest year first, each
    published at the date it carries."""
    pending = AnnualReview.objects.filter(published_at__isnull=False, versions__isnull=True).order_by("year")
    return [
        review_publish(review, when=review.published_at, progress=progress, no_status_acknowledged=True)
        for review in pending
    ]
