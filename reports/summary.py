"""The review's figures: how many proposals stand where, per axis and overall, as of a year.

Plain functions over plain data. Every page and document of a review takes its figures from
`review_summary`, so they can never disagree. Two queries, whatever the number of proposals.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from proposals.models import Axis, Proposal, Status

ONE_DECIMAL = Decimal("0.1")


def rate(implemented: int, total: int) -> Decimal:
    """Percentage of implemented proposals, one decimal, rounded half up (1/16 -> 6.3).

    Exact decimal arithmetic: no binary float ever rounds 6.25 down. An empty set is 0.0.
    """
    if total == 0:
        return Decimal("0.0")
    return (Decimal(implemented) * 100 / Decimal(total)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


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
    axis: Axis | None = None


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


def _tally_dict(tally: Tally) -> dict:
    return {
        "proposals": tally.proposals,
        "implemented": tally.implemented,
        "rate": float(tally.rate),
        "by_status": dict(tally.by_status),
    }


def review_summary(year: int) -> Summary:
    """Counts and rates of every axis and overall, with each proposal's status as of `year`.

    Every axis appears, even one without proposals (rate 0.0)."""
    axes = {axis.pk: AxisTally(axis=axis) for axis in Axis.objects.all()}
    totals = Tally()
    counts = (
        Proposal.objects.with_status_as_of(year)
        .order_by()
        .values("axis_id", "status_as_of")
        .annotate(count=Count("pk"))
    )
    for row in counts:
        axes[row["axis_id"]].add(row["status_as_of"], row["count"])
        totals.add(row["status_as_of"], row["count"])
    return Summary(year=year, axes=list(axes.values()), totals=totals)
