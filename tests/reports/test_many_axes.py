"""A review of ten axes with long names: every figure of the last axis is on the page and in the
A4 PDF (never cut off at the right edge), and the year-by-axis table has one row per axis."""

import re

import pytest

from proposals.models import Proposal
from reports.formatting import fr_fraction
from reports.summary import live_summary
from tests.factory import (
    long_text,
    make_axis,
    make_proposal,
    make_review,
    make_wide_convention,
    publish_wide_convention,
    set_status,
)
from tests.pdf_checks import conformance_failures
from tests.reports.test_review_documents import pdf_text
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db


def build_ten_axes():
    axes = make_wide_convention(axes=10, title_length=400, publish=False)
    last = axes[-1]
    for n, (status_2024, status_2025) in enumerate([("implemented",) * 2, ("underway", "implemented")] * 2, start=4):
        proposal = make_proposal(last, key=f"fin-{n}", title=long_text(400, f"Proposition finale {n} :"))
        set_status(proposal, 2024, status_2024)
        set_status(proposal, 2025, status_2025)
    assert Proposal.objects.filter(axis=last).count() == 7
    publish_wide_convention()
    return axes


@pytest.fixture
def ten_axes():
    """Ten axes of three proposals; the last one gets seven, so its fractions («… sur 7») are its own."""
    return replayed(build_ten_axes)


def last_axis_fractions(axes) -> dict[int, str]:
    fractions = {}
    for year in (2024, 2025):
        tally = next(tally for tally in live_summary(year).axes if tally.axis.slug == axes[-1].slug)
        fractions[year] = fr_fraction(tally.implemented, tally.proposals, tally.rate).replace("\u00a0", " ")
    return fractions


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.engine_independent("the PDF's layout and conformance; the figures are live_summary's, on the same engine")
def test_the_pdf_gives_the_last_axis_figures_of_every_year(citizen, ten_axes):
    fractions = last_axis_fractions(ten_axes)
    assert fractions[2024] != fractions[2025] and fractions[2024].split(" · ")[0].endswith("sur 7")

    content = citizen.get("/bilans/2025.pdf").content
    text = flat(pdf_text(content))

    assert conformance_failures(content) == []  # ten long axis names, tables over several pages
    # 2024's fraction is only in the year-by-axis table: it must not be cut off the page.
    assert fractions[2024] in text
    assert text.count(fractions[2025]) >= 2  # the summary table, the year-by-axis table
    assert "Axe final" in text


def test_the_year_by_axis_table_has_one_row_per_axis_and_one_column_per_year(citizen, ten_axes):
    html = citizen.get("/bilans/2025/").content.decode()
    assert html.count('id="tableau-annees-') == 1
    table = html.split('id="tableau-annees-1"')[1].split("</table>")[0]

    header = table.split("</thead>")[0]
    assert re.findall(r'<th scope="col">(\d{4})</th>', header) == ["2024", "2025"]
    rows = table.split("<tbody>")[1].split("</tr>")[:-1]
    assert len(rows) == 11  # ten axes, then all proposals
    assert ten_axes[-1].name in rows[9]
    fractions = last_axis_fractions(ten_axes)
    assert [fractions[2024], fractions[2025]] == [
        flat(cell).replace("\u00a0", " ") for cell in re.findall(r'<td class="figure"[^>]*>([^<]*)</td>', rows[9])
    ]


def test_the_status_chart_wraps_a_long_axis_name_instead_of_cutting_it(citizen, ten_axes):
    html = citizen.get("/bilans/2025/").content.decode()
    chart = html.split('id="graphique-statuts-titre"')[1].split("</svg>")[0]
    last = ten_axes[-1].name

    label = next(text for text in re.findall(r"<text x=\"0\"[^>]*>(.*?)</text>", chart) if "Axe final" in text)
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", label)

    assert len(lines) >= 2
    assert all(len(line) <= 60 for line in lines)
    assert " ".join(lines).startswith(last)
    # The chart is as tall as its wrapped labels: the legend comes after the last bar.
    heights = [float(h) for h in re.findall(r'viewBox="0 0 \d+ ([\d.]+)"', html)]
    bottoms = [float(y) for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)"', chart)]
    assert max(bottoms) < heights[0]


@pytest.mark.engine_independent("the PDF's layout and conformance: how the renderer splits the tables")
def test_ten_years_of_reviews_fit_the_pdf(citizen, db):
    axes = [make_axis(name=long_text(90, f"Axe {a} :"), order=a) for a in (1, 2, 3)]
    # One more proposal implemented each year: 0 sur 9 in 2016, … 9 sur 9 in 2025.
    for k in range(9):
        proposal = make_proposal(axes[k // 3], title=long_text(300, f"Proposition {k} :"))
        for year in range(2016, 2026):
            set_status(proposal, year, "implemented" if k < year - 2016 else "underway")
    for year in range(2016, 2026):
        make_review(year)

    html = citizen.get("/bilans/2025/").content.decode()
    content = citizen.get("/bilans/2025.pdf").content
    text = flat(pdf_text(content))

    assert conformance_failures(content) == []  # ten years: the year-by-axis tables
    # Three tables of at most four years, the latest ones together, each named after its years.
    for years in ("2016 à 2017", "2018 à 2021", "2022 à 2025"):
        assert f"par bilan annuel et par axe de transition ({years})</caption>" in html
        assert f"par bilan annuel et par axe de transition ({years})" in text
    # Every year's figures are on the page, the last year's column included.
    for year in range(2016, 2026):
        totals = live_summary(year).totals
        assert fr_fraction(totals.implemented, totals.proposals, totals.rate).replace("\u00a0", " ") in text, year
