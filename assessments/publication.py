"""The committee publishes its year, and corrects it in the open (the same rules as a review).

`committee_publish` freezes the year's assessments, axis statements and statement into a new
`CommitteeVersion`, in one transaction. It never touches the institutions' reviews, whose
stored documents stay byte for byte what they were.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from publishing.signals import published

from .models import Assessment, AssessmentEntry, AxisStatement, CommitteeReview, CommitteeVersion


class PublicationError(Exception):
    """Why the committee's year cannot be published now (a French message)."""


def _sources(assessment: Assessment) -> list[dict]:
    return [
        {
            "label": source.label,
            "url": source.url,
            "reference": source.reference,
            "date": source.date.isoformat() if source.date else None,
        }
        for source in assessment.sources.all()
    ]


def committee_publish(review: CommitteeReview, *, user=None, when=None) -> CommitteeVersion:
    """Publish the committee's `review` (version 1), or its open rectificatif (the next version)."""
    with transaction.atomic():
        review = CommitteeReview.objects.select_for_update().get(pk=review.pk)
        last = review.versions.order_by("-number").first()
        if last is not None and not review.correction_is_open:
            raise PublicationError(
                _("L'avis du comité pour %(year)s est déjà publié : pour le corriger, ouvrez un rectificatif.")
                % {"year": review.year}
            )
        assessments = list(
            Assessment.objects.filter(year=review.year)
            .select_related("proposal__axis")
            .prefetch_related("sources")
            .order_by(*[f"proposal__{field}" for field in ("axis__order", "order", "key")])
        )
        if not assessments:
            raise PublicationError(
                _("Aucun avis n'est saisi pour %(year)s : il n'y a rien à publier.") % {"year": review.year}
            )
        when = when or timezone.now()
        statements = AxisStatement.objects.filter(year=review.year).select_related("axis").order_by("axis")
        version = CommitteeVersion.objects.create(
            review=review,
            number=last.number + 1 if last else 1,
            published_at=when,
            published_by=user,
            reason=review.correction_reason if last else "",
            statement=review.statement,
            axis_statements=[
                {"slug": item.axis.slug, "name": item.axis.name, "text": item.text} for item in statements
            ],
        )
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
                sources=_sources(assessment),
            )
            for assessment in assessments
        )
        review.published_at = review.published_at or when
        review.correction_reason = ""
        review.correction_opened_at = None
        review._history_user = user
        review.save()
        published.send(type(review), record=review, version=version, previous=last)
    return version


def committee_open_correction(review: CommitteeReview, *, reason: str, user=None) -> None:
    """Open a rectificatif: the year's assessments may then be corrected, then published again."""
    reason = reason.strip()
    if not review.versions.exists():
        raise PublicationError(_("Seul un avis publié peut être rectifié."))
    if review.correction_is_open:
        raise PublicationError(_("Un rectificatif est déjà ouvert sur cet avis."))
    if not reason:
        raise PublicationError(_("Indiquez le motif du rectificatif : il sera publié avec lui."))
    review._history_user = user
    review.open_correction(reason)
