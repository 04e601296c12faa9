"""Template filters for the review: French numbers, never computed in the template."""

from dataclasses import dataclass

from django import template

from reports import formatting, rows
from reports.formats import FORMATS

register = template.Library()


@register.filter
def carriers(proposal) -> str:
    """Who carries a proposal (or a version's entry): its institutions' names, «—» for none."""
    return rows.carriers(proposal) or "—"


@register.filter
def fr_integer(value) -> str:
    return formatting.fr_integer(value)


@register.filter
def fr_percent(value) -> str:
    """87.5 -> « 87,5 % »."""
    return formatting.fr_percent(value)


@register.filter
def fr_fraction(tally) -> str:
    """A tally (an axis or all proposals) -> « 14 sur 16 · 87,5 % »."""
    return formatting.fr_fraction(tally.implemented, tally.proposals, tally.rate)


@register.filter
def fr_points(value) -> str:
    """A change of rate -> « +6,2 points »."""
    return formatting.fr_points(value)


@register.filter
def fr_date(value) -> str:
    """« 29 août 2025 », « 1er décembre 2024 »."""
    return formatting.fr_date(value)


@dataclass
class YearTable:
    """Part of the year-by-axis table: one column per year, one row per axis, then the totals."""

    years: list[int]
    rows: list[tuple[str, list]]  # (axis name, [(year, tally or None) for each year])
    totals: list  # [(year, tally of all proposals) for each year]


@register.filter
def year_tables(history, per_table: int = 4) -> list[YearTable]:
    """The review's years (summaries, oldest first) as tables of at most `per_table` years (the
    latest years together), each with one row per axis (its tally is None in a year without it):
    any number of axes with long names and any number of years fit a phone and an A4 page."""
    tables = []
    # The latest years together: the first table takes what is left over.
    first = len(history) % per_table or per_table
    for start in [0, *range(first, len(history), per_table)]:
        chunk = history[start : start + (first if start == 0 else per_table)]
        names, cells = {}, {}
        for i, summary in enumerate(chunk):
            for tally in summary.axes:
                cells.setdefault(tally.axis.slug, [(year.year, None) for year in chunk])[i] = (summary.year, tally)
                names[tally.axis.slug] = tally.axis.name  # the latest name
        tables.append(
            YearTable(
                years=[summary.year for summary in chunk],
                rows=[(names[slug], cells[slug]) for slug in cells],
                totals=[(summary.year, summary.totals) for summary in chunk],
            )
        )
    return tables


@register.filter
def decision_reference(reference: str, decision_name: str) -> str:
    """«2025-118» -> «délibération n° 2025-118»; «Débat en séance publique n° 42» as given."""
    return formatting.decision_reference(reference, decision_name)


@register.filter
def document_label(fmt: str, convention) -> str:
    """ "pdf" -> «PDF, le document présenté aux conseils», in the convention's words."""
    return FORMATS[fmt].label_for(convention)
