"""Which years the public sees, and where a year's statuses come from: the one place for both.

A year is public once its review is published. Its statuses then come from the review's
latest published version (`ReviewEntry` rows), never from the live yearly statuses, which
only feed years not yet published (a draft that staff preview, or the back office's work).
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from core.cache import memoized
from proposals.models import Axis, Proposal

from .models import AnnualReview, FrozenAxis, ReviewVersion


@dataclass(frozen=True)
class ReviewYear:
    """A year as the site shows it: the published version it reads (`version_id`), or None for
    the live rows of a draft."""

    year: int
    version_id: int | None = None
    # The follow-up committee's latest published version of the year, if it has published.
    committee_version_id: int | None = None

    @property
    def is_published(self) -> bool:
        return self.version_id is not None

    def axes(self) -> list:
        """The axes this year's proposals stand in (slug, name): as its version froze them for a
        published year, else the live ones (one query)."""
        if self.version_id is None:
            return live_axes()
        return [FrozenAxis(axis["slug"], axis["name"]) for axis in version_figures(self.version_id)["axes"]]

    def proposals(self, queryset=None):
        """Proposals (of `queryset`) with `status_as_of`, `status_year` and `explanation_as_of`
        as this year's review says: for a published year, only those it counts."""
        queryset = Proposal.objects.all() if queryset is None else queryset
        if self.version_id is None:
            return queryset.with_status_as_of(self.year)
        return queryset.with_frozen_status(self.version_id)


@memoized
def version_figures(version_id: int) -> dict:
    """The figures a published version froze (one query, once per process and content generation;
    read-only: the same dict serves every caller)."""
    return ReviewVersion.objects.values_list("figures", flat=True).get(pk=version_id)


def live_axes() -> list:
    return list(Axis.objects.only("slug", "name"))


def _latest_version():
    return ReviewVersion.objects.filter(review=OuterRef("pk")).order_by("-number").values("pk")[:1]


def public_years(*, committee_version=None) -> list[ReviewYear]:
    """The published years, newest first, each with its latest version (one query).

    `committee_version`: the committee's latest published version of a review's year, as a
    subquery of its pk by `OuterRef("year")`, given by the app above that holds the committee
    (`public_site.committee.public_years_with_committee`); each year then carries it, in the same query.
    Without it, read once per process and content generation."""
    if committee_version is None:
        return _public_years()
    rows = _published_rows().annotate(committee_id=Subquery(committee_version))
    return [ReviewYear(*row) for row in rows.values_list("year", "version_id", "committee_id")]


def _published_rows():
    return AnnualReview.objects.published().annotate(version_id=Subquery(_latest_version())).order_by("-year")


@memoized
def _public_years() -> list[ReviewYear]:
    return [ReviewYear(*row) for row in _published_rows().values_list("year", "version_id")]


def latest_public_year() -> ReviewYear | None:
    """The year the public sees by default: the latest published review (one query)."""
    years = public_years()
    return years[0] if years else None


def no_public_year(queryset=None):
    """Before any review is published, every proposal reads «Non évaluée»."""
    queryset = Proposal.objects.all() if queryset is None else queryset
    return queryset.not_assessed()


def proposals_as_of(year: ReviewYear | None, queryset=None):
    """`ReviewYear.proposals`, or every proposal «Non évaluée» when no year is public."""
    return year.proposals(queryset) if year else no_public_year(queryset)
