"""The review's figures: how many proposals stand where, per axis and overall, as of a year,
their rates and the change since the previous year.

Plain functions over plain data. Every page and document of a review takes its figures from
here (`year_summaries`, and `report.review_report`, which gathers a whole review), so they can
never disagree. A published year's figures are those its latest version froze; a draft year's
are counted from the live rows. The query count never depends on the number of proposals.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from core.cache import memoized
from core.numbers import one_decimal
from proposals.models import Axis, Proposal, Status

from .models import FrozenAxis, ReviewVersion
from .years import ReviewYear


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
    none while this process holds them for the current content generation), draft years counted
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
