"""The review's figures: how many proposals stand where, per axis and overall, as of a year.

Plain functions over plain data. Every page and document of a review takes its figures from
here (`year_summaries`, and `review_report` which gathers a whole review), so they can never
disagree. A published year's figures are those its latest version froze; a draft year's are
counted from the live rows. The query count never depends on the number of proposals.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from core.cache import memoized
from core.numbers import one_decimal
from proposals.models import Axis, Project, Proposal, Status

from .models import AnnualReview, Deliberation, FrozenAxis, ReviewDocument, ReviewEntry, ReviewVersion, VersionIdentity
from .years import ReviewYear, public_years

# The reasons a proposal is not (yet) counted as implemented, in the order the review gives them.
# Why a proposal is not implemented. «Non évaluée» is not a reason and never stands among
# them: those proposals get their own neutral list (`ReviewReport.not_assessed`).
PENDING_STATUSES = [Status.UNDERWAY, Status.NOT_IMPLEMENTED, Status.OUT_OF_SCOPE]


def rate(implemented: int, total: int) -> Decimal:
    """Percentage of implemented proposals, one decimal, rounded half up (1/16 -> 6.3).

    Exact decimal arithmetic: no binary float ever rounds 6.25 down. An empty set is 0.0.
    """
    if total == 0:
        return Decimal("0.0")
    return one_decimal(Decimal(implemented) * 100 / Decimal(total))


@dataclass
class Tally:
    """Counts by status for a set of proposals (one axis, or all of them)."""

    by_status: dict[str, int] = field(default_factory=lambda: {status.value: 0 for status in Status})

    @property
    def proposals(self) -> int:
        return sum(self.by_status.values())

    @property
    def implemented(self) -> int:
        return self.by_status[Status.IMPLEMENTED]

    @property
    def not_implemented(self) -> int:
        return self.proposals - self.implemented

    @property
    def rate(self) -> Decimal:
        return rate(self.implemented, self.proposals)

    def statuses(self) -> list[tuple[Status, int]]:
        """(status, count) in the order of `Status`, for tables and charts."""
        return [(status, self.by_status[status.value]) for status in Status]

    def add(self, status: str, count: int) -> None:
        self.by_status[status] += count


@dataclass
class AxisTally(Tally):
    axis: Axis | FrozenAxis | None = None


@dataclass
class Summary:
    year: int
    axes: list[AxisTally]
    totals: Tally

    def as_dict(self) -> dict:
        """The open-data shape of PRODUCT.md (rates as numbers with one decimal)."""
        return {
            "year": self.year,
            "totals": _tally_dict(self.totals),
            "axes": [{"slug": tally.axis.slug, "name": tally.axis.name, **_tally_dict(tally)} for tally in self.axes],
        }


def frozen_summary(year: int, figures: dict) -> Summary:
    """The Summary a published version froze (see `publication.figures_of`)."""
    axes = [
        AxisTally(axis=FrozenAxis(axis["slug"], axis["name"]), by_status=dict(axis["by_status"]))
        for axis in figures["axes"]
    ]
    return Summary(year=year, axes=axes, totals=Tally(by_status=dict(figures["totals"]["by_status"])))


def _tally_dict(tally: Tally) -> dict:
    return {
        "proposals": tally.proposals,
        "implemented": tally.implemented,
        "rate": float(tally.rate),
        "by_status": dict(tally.by_status),
    }


def _summarise(year: int, axes: list[Axis]) -> Summary:
    tallies = {axis.pk: AxisTally(axis=axis) for axis in axes}
    totals = Tally()
    counts = (
        Proposal.objects.with_status_as_of(year)
        .order_by()
        .values("axis_id", "status_as_of")
        .annotate(count=Count("pk"))
    )
    for row in counts:
        tallies[row["axis_id"]].add(row["status_as_of"], row["count"])
        totals.add(row["status_as_of"], row["count"])
    return Summary(year=year, axes=list(tallies.values()), totals=totals)


def live_summary(year: int) -> Summary:
    """Counts and rates of every axis and overall, from the live statuses as of `year` (a draft,
    or what a publication is about to freeze). Every axis appears, even one without proposals."""
    return _summarise(year, list(Axis.objects.all()))


def year_summaries(years: list[ReviewYear]) -> dict[int, Summary]:
    """The Summary of each year: published years from their frozen figures (one query for all,
    none while this process holds them for the current content version), draft years counted
    from the live rows (two queries each)."""
    frozen = frozen_figures(tuple(year.version_id for year in years if year.is_published))
    return {
        year.year: frozen_summary(year.year, frozen[year.version_id]) if year.is_published else live_summary(year.year)
        for year in years
    }


@memoized
def frozen_figures(version_ids: tuple[int, ...]) -> dict[int, dict]:
    """The figures each of these published versions froze, by version (one query; read-only)."""
    return dict(ReviewVersion.objects.filter(pk__in=version_ids).values_list("pk", "figures"))


def year_summary(year: ReviewYear) -> Summary:
    return year_summaries([year])[year.year]


# The change since the previous published year.


@dataclass(frozen=True)
class RateChange:
    previous: Decimal
    current: Decimal

    @property
    def points(self) -> Decimal:
        """The difference of the two rates as printed (one decimal), so a reader can check it."""
        return self.current - self.previous


@dataclass
class Comparison:
    """How each axis (and the whole) moved between a previous review and this one."""

    previous_year: int
    axes: dict[str, RateChange]  # by axis slug
    totals: RateChange


def compare(current: Summary, previous: Summary) -> Comparison:
    """Axes are matched by slug: a frozen year and a draft year compare."""
    before = {tally.axis.slug: tally.rate for tally in previous.axes}
    return Comparison(
        previous_year=previous.year,
        axes={
            tally.axis.slug: RateChange(previous=before.get(tally.axis.slug, Decimal("0.0")), current=tally.rate)
            for tally in current.axes
        },
        totals=RateChange(previous=previous.totals.rate, current=current.totals.rate),
    )


def frozen_comparison(summary: Summary, version: ReviewVersion) -> Comparison | None:
    """The change since the previous year as `version` froze it at publication (None: it had no
    earlier published year)."""
    previous = version.figures.get("previous")
    return compare(summary, frozen_summary(previous["year"], previous)) if previous else None


# The proposals of a review, and those not implemented grouped by reason.


PROJECT_TITLES = Prefetch("projects", queryset=Project.objects.only("slug", "title").order_by("title"))


def live_proposals(year: int):
    """Every proposal with its live status and public explanation as of `year`, its axis and its
    projects (titles), in the convention's order (a draft). Three queries, whatever the size."""
    return Proposal.objects.with_status_as_of(year).select_related("axis").prefetch_related(PROJECT_TITLES)


def frozen_proposals(version_id: int):
    """The entries of a published version, read like `live_proposals` (live titles and projects)."""
    return (
        ReviewEntry.objects.filter(version_id=version_id)
        .select_related("proposal")
        .prefetch_related(Prefetch("proposal__projects", queryset=PROJECT_TITLES.queryset))
    )


@dataclass
class PendingGroup:
    status: Status
    proposals: list[Proposal]  # those listed: every one, or the first ones on a large review's page
    count: int | None = None  # how many the group holds (None: as many as listed)
    table_url: str = ""  # the table of the year filtered by this status, for those not listed

    @property
    def total(self) -> int:
        return len(self.proposals) if self.count is None else self.count

    @property
    def more(self) -> int:
        """How many the group holds beyond those listed."""
        return self.total - len(self.proposals)


def pending_groups(proposals, counts: dict[str, int] | None = None, table_url=None) -> list[PendingGroup]:
    """The proposals not implemented, grouped by status in the order of `PENDING_STATUSES`;
    empty groups are left out. `proposals` carry `status_as_of` (see `review_proposals`);
    `counts`: each group's size when `proposals` are only the first of each; `table_url(status)`
    then links to the rest."""
    groups = {
        status: PendingGroup(
            status=status,
            proposals=[],
            count=counts.get(status.value, 0) if counts is not None else None,
            table_url=table_url(status) if table_url else "",
        )
        for status in PENDING_STATUSES
    }
    for proposal in proposals:
        group = groups.get(Status(proposal.status_as_of))
        if group is not None:
            group.proposals.append(proposal)
    return [group for group in groups.values() if group.total]


# A whole review: everything its page and its documents show.


@dataclass
class Row:
    """A line of the summary table: an axis or the whole convention."""

    label: str
    tally: Tally
    change: RateChange | None
    is_total: bool = False


@dataclass
class ReviewReport:
    """A review with its figures. The lists a document may not need (the proposals not
    implemented, the deliberations) are only queried when read."""

    review: AnnualReview  # for a published year, the texts its latest version froze
    summary: Summary
    history: list[Summary]  # the published years before this one, then this one, oldest first
    comparison: Comparison | None
    versions: list[ReviewVersion] = field(default_factory=list)  # published ones, newest first
    proposals: list | None = None  # every proposal (or frozen entry), only when a document lists them
    # How many proposals of each status the page lists (the first ones, in the convention's
    # order; the table lists them all): a published review's page then costs the same at any
    # size. None: every one (the documents, a draft).
    listed: int | None = None
    # The preview of a rectificatif in preparation: the number of the version that stays published.
    published_number: int | None = None

    @property
    def year(self) -> int:
        return self.summary.year

    @property
    def version(self) -> ReviewVersion | None:
        """The latest published version; None for a draft."""
        return self.versions[0] if self.versions else None

    @property
    def has_history(self) -> bool:
        """Whether there is more than this year to compare: a chart of one bar says nothing."""
        return len(self.history) > 1

    @property
    def is_draft(self) -> bool:
        return self.version is None

    @cached_property
    def identity(self) -> VersionIdentity | None:
        """What the documents of the latest version (the one being published, during a
        publication) say about themselves; None for a draft."""
        if self.version is None:
            return None
        return self.version.identity(self.versions[1] if len(self.versions) > 1 else None)

    @property
    def review_year(self) -> ReviewYear:
        return ReviewYear(self.year, self.version.pk if self.version else None)

    @cached_property
    def unimplemented(self) -> list:
        """Every proposal not implemented as of the year, assessed or not (one query)."""
        if self.proposals is not None:
            return [proposal for proposal in self.proposals if proposal.status_as_of != Status.IMPLEMENTED]
        if self.version is not None:
            entries = frozen_proposals(self.version.pk).prefetch_related(None).exclude(status=Status.IMPLEMENTED)
            if self.listed is not None:
                in_status = Window(RowNumber(), partition_by=[F("status")], order_by=F("position").asc())
                entries = entries.annotate(rank_in_status=in_status).filter(rank_in_status__lte=self.listed)
            return list(entries.order_by("position"))
        return list(live_proposals(self.year).exclude(status_as_of=Status.IMPLEMENTED).prefetch_related(None))

    @property
    def _limited(self) -> bool:
        return self.listed is not None and self.version is not None and self.proposals is None

    def table_url(self, status: Status) -> str:
        """The table of the year's proposals of `status` (where a large review's page sends for the rest)."""
        return reverse("proposals:proposal-list") + "?" + urlencode({"annee": self.year, "statut": status.value})

    @cached_property
    def pending(self) -> list[PendingGroup]:
        if self._limited:
            return pending_groups(self.unimplemented, self.summary.totals.by_status, self.table_url)
        return pending_groups(self.unimplemented)

    @cached_property
    def not_assessed(self) -> list[Proposal]:
        return [proposal for proposal in self.unimplemented if proposal.status_as_of == Status.NOT_ASSESSED]

    @property
    def not_assessed_count(self) -> int:
        if self._limited:
            return self.summary.totals.by_status[Status.NOT_ASSESSED]
        return len(self.not_assessed)

    @property
    def not_assessed_more(self) -> int:
        """How many proposals not assessed the page does not list."""
        return self.not_assessed_count - len(self.not_assessed)

    @property
    def not_assessed_url(self) -> str:
        return self.table_url(Status.NOT_ASSESSED)

    @cached_property
    def deliberations(self) -> list:
        if self.version is not None:
            return self.version.frozen_deliberations()
        return list(self.review.deliberations.select_related("body"))

    @cached_property
    def additions(self) -> list:
        """The deliberations recorded after the latest version was published (its page shows
        them; its stored documents never do)."""
        if self.version is None or not getattr(self.version, "has_additions", True):
            return []
        return self.version.added_deliberations()

    def rows(self, total_label: str) -> list[Row]:
        """The axes, then the whole convention, each with its change when there is one."""
        comparison = self.comparison
        rows = [
            Row(label=tally.axis.name, tally=tally, change=comparison.axes[tally.axis.slug] if comparison else None)
            for tally in self.summary.axes
        ]
        rows.append(
            Row(
                label=total_label,
                tally=self.summary.totals,
                change=comparison.totals if comparison else None,
                is_total=True,
            )
        )
        return rows

    def as_dict(self) -> dict:
        """The review's open-data shape (rates as numbers with one decimal), with `"draft": true`
        for a review not yet published, else `"version"` (`VersionIdentity.as_dict`)."""
        data = {"year": self.year, "final": self.review.is_final, **self.summary.as_dict()}
        if self.is_draft:
            data["draft"] = True
        else:
            data["version"] = self.identity.as_dict()
        return data


def review_report(
    review: AnnualReview, *, with_proposals: bool = False, live: bool = False, listed: int | None = None
) -> ReviewReport:
    """Gather what `review` says: its latest published version (or the live rows of a draft),
    its summary, and the earlier published years with the change since the latest of them;
    every proposal too when `with_proposals` (the PDF lists them all). `live` reads the live
    rows even of a published review: the preview of a rectificatif in preparation. `listed`: how
    many proposals of each status a published review's page lists (see `ReviewReport.listed`)."""
    # Every published version, newest first, with their documents' sizes and fingerprints.
    documents = Prefetch("documents", queryset=ReviewDocument.objects.defer("content").in_site_order())
    versions = (
        []
        if live
        else list(
            review.versions.select_related("review")
            .annotate(has_additions=Exists(Deliberation.objects.filter(added_to=OuterRef("pk"))))
            .order_by("-number")
            .prefetch_related(documents)
        )
    )
    version = versions[0] if versions else None
    this_year = ReviewYear(review.year, version.pk if version else None)
    earlier = sorted((year for year in public_years() if year.year < review.year), key=lambda year: year.year)
    summaries = year_summaries([*earlier, this_year])
    summary = summaries[review.year]
    if version is not None:
        review = version.frozen_review()
    live_comparison = compare(summary, summaries[earlier[-1].year]) if earlier and version is None else None
    proposals = None
    if with_proposals:
        proposals = list(frozen_proposals(version.pk) if version else live_proposals(review.year))
    published_number = None
    if live and review.correction_is_open:
        published_number = review.next_version_number() - 1
    return ReviewReport(
        published_number=published_number,
        review=review,
        summary=summary,
        history=list(summaries.values()),
        comparison=frozen_comparison(summary, version) if version else live_comparison,
        versions=versions,
        proposals=proposals,
        listed=listed,
    )
