"""What the public sees of the committee: only its published, frozen assessments (the latest
version of each year), read with one query per page."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from assessments.models import AssessmentEntry, CommitteeVersion
from core.cache import memoized
from core.numbers import one_decimal
from proposals.models import Status, YearlyStatus
from reports.formatting import fr_decimal
from reports.models import ReviewEntry
from reports.years import ReviewYear, public_years

# A grade below this, for a proposal the institutions count as implemented, is a divergence
# (the tracking table's filter `avis=ecart` and «moins-de-5» read it too).
PASSING_GRADE = 5
DIVERGENCES_SHOWN = 10


def average(grades: list[int]) -> Decimal | None:
    """The mean of `grades`, one decimal, rounded half up (exact decimals); None without grades."""
    if not grades:
        return None
    return one_decimal(Decimal(sum(grades)) / Decimal(len(grades)))


def proposal_entries(proposal) -> dict[int, AssessmentEntry]:
    """The committee's published assessments of `proposal`, by year (one query)."""
    entries = AssessmentEntry.objects.latest().filter(proposal=proposal).select_related("version__review")
    return {entry.version.review.year: entry for entry in entries}


@dataclass
class Grades:
    """The committee's grades for a set of proposals (an axis, or all of them)."""

    grades: list[int] = field(default_factory=list)
    ungraded: int = 0

    def add(self, grade: int | None) -> None:
        if grade is None:
            self.ungraded += 1
        else:
            self.grades.append(grade)

    @property
    def graded(self) -> int:
        return len(self.grades)

    @property
    def average(self) -> Decimal | None:
        return average(self.grades)


@dataclass
class AxisVoices:
    """An axis of the review: the institutions' rate beside the committee's grades."""

    slug: str
    name: str
    tally: object  # reports.summary.Tally: the institutions' count
    grades: Grades
    statement: str = ""
    is_total: bool = False

    @property
    def ungraded(self) -> int:
        """The proposals of the axis without a grade: «pas d'avis», or not assessed at all."""
        return max(self.tally.proposals - self.grades.graded, self.grades.ungraded)

    @property
    def average_label(self) -> str:
        """«4,3 sur 10», or "" when no proposal of the axis is graded."""
        if self.grades.average is None:
            return ""
        return _("%(average)s sur 10") % {"average": fr_decimal(self.grades.average)}


@dataclass
class CommitteeReport:
    version: CommitteeVersion
    axes: list[AxisVoices]
    implemented_low: list[AssessmentEntry]  # «mise en œuvre» for the institutions, graded below 5
    pending_high: list[AssessmentEntry]  # not implemented for the institutions, graded 5 or more

    def as_dict(self) -> dict:
        """The committee's figures in a review's JSON (averages as numbers with one decimal)."""

        def grades(axis: AxisVoices) -> dict:
            average = axis.grades.average
            return {
                "average": float(average) if average is not None else None,
                "graded": axis.grades.graded,
                "ungraded": axis.ungraded,
            }

        return {
            "version": self.version.number,
            "published_at": self.version.published_at.isoformat(),
            "totals": grades(self.axes[-1]),
            "axes": [{"slug": axis.slug, **grades(axis)} for axis in self.axes[:-1]],
        }


def _city_status(year: int, city_version_id: int | None) -> Subquery:
    """Each entry's proposal's status as the institutions' review of `year` says it."""
    if city_version_id is not None:
        rows = ReviewEntry.objects.filter(version_id=city_version_id, proposal_id=OuterRef("proposal_id"))
    else:  # a draft review that staff preview: the live statuses
        rows = YearlyStatus.objects.filter(proposal_id=OuterRef("proposal_id"), year__lte=year).order_by("-year")
    return Subquery(rows.values("status")[:1])


def committee_report(summary, total_label: str, city_version_id: int | None) -> CommitteeReport | None:
    """The committee's voice beside a review's `summary` (reports.summary.Summary), if the
    committee has published that year (one query: its entries, their version and the
    institutions' status of each)."""
    entries = list(
        AssessmentEntry.objects.latest()
        .filter(version__review__year=summary.year)
        .select_related("version", "proposal")
        .annotate(city_status=_city_status(summary.year, city_version_id))
        .order_by("pk")
    )
    if not entries:
        return None
    version = entries[0].version
    by_axis: dict[str, Grades] = {tally.axis.slug: Grades() for tally in summary.axes}
    totals = Grades()
    for entry in entries:
        by_axis.setdefault(entry.axis_slug, Grades()).add(entry.grade)
        totals.add(entry.grade)
    statements = {item["slug"]: item["text"] for item in version.axis_statements}
    axes = [
        AxisVoices(
            tally.axis.slug, tally.axis.name, tally, by_axis[tally.axis.slug], statements.get(tally.axis.slug, "")
        )
        for tally in summary.axes
    ]
    axes.append(AxisVoices("", total_label, summary.totals, totals, is_total=True))
    graded = [entry for entry in entries if entry.grade is not None]
    implemented_low = sorted(
        (e for e in graded if e.city_status == Status.IMPLEMENTED and e.grade < PASSING_GRADE),
        key=lambda e: (e.grade, e.key),
    )
    pending_high = sorted(
        (e for e in graded if e.city_status != Status.IMPLEMENTED and e.grade >= PASSING_GRADE),
        key=lambda e: (-e.grade, e.key),
    )
    return CommitteeReport(version, axes, implemented_low[:DIVERGENCES_SHOWN], pending_high[:DIVERGENCES_SHOWN])


@memoized
def public_years_with_committee() -> list[ReviewYear]:
    """`reports.years.public_years`, each year with the committee's latest published version of
    it, if any (`committee_version_id`; still one query, once per process and content generation)."""
    latest = CommitteeVersion.objects.filter(review__year=OuterRef("year")).order_by("-number").values("pk")[:1]
    return public_years(committee_version=latest)


def with_committee(queryset, version_id: int):
    """Proposals annotated with the committee's assessment in its published `version_id`:
    `committee_entry` (None when the committee did not assess it), `committee_grade`,
    `committee_fidelity`, `committee_comment`. No extra query: a join."""
    entry = FilteredRelation("assessment_entries", condition=Q(assessment_entries__version_id=version_id))
    return queryset.annotate(
        committee=entry,
        committee_entry=F("committee__pk"),
        committee_grade=F("committee__grade"),
        committee_fidelity=F("committee__fidelity"),
        committee_comment=F("committee__comment"),
    )
