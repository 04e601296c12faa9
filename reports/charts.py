"""Geometry of the review's charts, drawn as inline SVG by
`templates/public_site/reviews/_status_figure.html` and `_rate_figure.html`.

Computed here on the server (no JavaScript), so the page and the PDF draw the same charts.
Each status has a fill *and* a pattern, and every bar carries its number as text: colour is
never the only carrier of the information. Each chart sits beside a data table.
"""

import textwrap
from dataclasses import dataclass
from decimal import Decimal

from proposals.models import Status

from .formatting import fr_fraction, fr_integer, fr_percent
from .summary import Summary, Tally


@dataclass(frozen=True)
class StatusLook:
    fill: str  # the base colour of the segment
    ink: str  # the colour of its pattern
    pattern: str  # "solid", "hatch", "cross", "lines" or "dots"


# Text on the patterned fills is drawn on a white label, so every pair passes WCAG AA.
STATUS_LOOKS = {
    Status.IMPLEMENTED: StatusLook(fill="#1f6f43", ink="#1f6f43", pattern="solid"),
    Status.UNDERWAY: StatusLook(fill="#d6e6f7", ink="#1d5a9e", pattern="hatch"),
    Status.NOT_IMPLEMENTED: StatusLook(fill="#fbe3cc", ink="#a34d00", pattern="cross"),
    Status.OUT_OF_SCOPE: StatusLook(fill="#e6e6e6", ink="#4d4d4d", pattern="lines"),
    Status.NOT_ASSESSED: StatusLook(fill="#ffffff", ink="#6b6b6b", pattern="dots"),
}

# The charts are drawn for a phone's width (about 340 px of content at 375 px): scaled to the
# screen, their 13 to 16 units text stays 12 px or more there. Wider screens show them at most
# a little larger (static/css/review.css), the PDF at their own size.
WIDTH = 360


@dataclass(frozen=True)
class Segment:
    status: Status
    count: int
    x: float
    width: float
    look: StatusLook

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2

    @property
    def box_width(self) -> float:
        """The white label under the number on a patterned fill."""
        return 10 * len(self.count_text) + 8

    @property
    def box_x(self) -> float:
        return self.text_x - self.box_width / 2

    @property
    def is_solid(self) -> bool:
        return self.look.pattern == "solid"

    @property
    def shows_count(self) -> bool:
        """Room for the number inside the segment (the table gives every number anyway)."""
        return self.width >= self.box_width + 2

    @property
    def count_text(self) -> str:
        return fr_integer(self.count)


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    segments: list[Segment]
    lines: tuple[str, ...]  # the label on as many lines as it takes (`label_lines`)

    @property
    def label_y(self) -> float:
        return self.y + 17

    @property
    def label_lines(self) -> list[tuple[float, str]]:
        """(baseline, text) of each line of the label."""
        return [(self.label_y + i * LABEL_LINE, line) for i, line in enumerate(self.lines)]

    @property
    def height(self) -> float:
        return BAR_ROW + (len(self.lines) - 1) * LABEL_LINE

    @property
    def bar_y(self) -> float:
        return self.y + 25 + (len(self.lines) - 1) * LABEL_LINE

    @property
    def text_y(self) -> float:
        """The baseline of the numbers inside the bar."""
        return self.bar_y + 21

    @property
    def box_y(self) -> float:
        return self.bar_y + 5


@dataclass(frozen=True)
class LegendItem:
    status: Status
    look: StatusLook
    x: float
    y: float

    @property
    def text_x(self) -> float:
        return self.x + 26

    @property
    def text_y(self) -> float:
        return self.y + 15


@dataclass(frozen=True)
class StatusChart:
    width: int
    height: int
    bar_height: int
    bars: list[Bar]
    legend: list[LegendItem]
    looks: dict


BAR_ROW = 66  # label line + bar + gap
LABEL_LINE = 20  # each further line of a long label
LABEL_CHARS = 36  # characters on a line of a label (16 px text across the chart's 360 units)
BAR_HEIGHT = 30
LEGEND_ROW = 28


def wrap_label(name: str, figure: str) -> tuple[str, ...]:
    """«name : figure» on lines of at most LABEL_CHARS characters: a long axis name is wrapped,
    never cut off at the chart's edge, and the figure is never split."""
    lines = textwrap.wrap(f"{name} :", LABEL_CHARS) or [":"]
    if len(lines[-1]) + 1 + len(figure) <= LABEL_CHARS:
        lines[-1] = f"{lines[-1]} {figure}"
    else:
        lines.append(figure)
    return tuple(lines)


def _segments(tally: Tally) -> list[Segment]:
    segments, x = [], 0.0
    total = tally.proposals
    for status, count in tally.statuses():
        if not count:
            continue
        width = WIDTH * count / total
        segments.append(
            Segment(status=status, count=count, x=round(x, 2), width=round(width, 2), look=STATUS_LOOKS[status])
        )
        x += width
    return segments


def status_chart(summary: Summary, total_label: str) -> StatusChart:
    """One stacked bar per axis, then one for all proposals: each status's share of the bar."""
    tallies = [(tally.axis.name, tally) for tally in summary.axes] + [(total_label, summary.totals)]
    bars, y = [], 0
    for name, tally in tallies:
        figure = fr_fraction(tally.implemented, tally.proposals, tally.rate)
        bar = Bar(label=f"{name} : {figure}", y=y, segments=_segments(tally), lines=wrap_label(name, figure))
        bars.append(bar)
        y += bar.height
    legend_top = y + 8
    # One status per line: «Non mise en œuvre à ce jour» needs more than half the width.
    legend = [
        LegendItem(status=status, look=STATUS_LOOKS[status], x=0, y=legend_top + i * LEGEND_ROW)
        for i, status in enumerate(Status)
    ]
    height = legend_top + len(legend) * LEGEND_ROW
    return StatusChart(width=WIDTH, height=height, bar_height=BAR_HEIGHT, bars=bars, legend=legend, looks=STATUS_LOOKS)


@dataclass(frozen=True)
class YearBar:
    year: int
    rate: Decimal
    x: float
    y: float
    width: float
    height: float

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2

    @property
    def rate_text(self) -> str:
        return fr_percent(self.rate)

    @property
    def rate_y(self) -> float:
        """The rate is written just above the column."""
        return self.y - 6


@dataclass(frozen=True)
class GridLine:
    y: float
    label: str

    @property
    def text_y(self) -> float:
        return self.y + 4


@dataclass(frozen=True)
class RateChart:
    width: int
    height: int
    plot_left: int
    plot_bottom: int
    bars: list[YearBar]
    grid: list[GridLine]

    @property
    def plot_right(self) -> int:
        return self.width

    @property
    def year_y(self) -> int:
        return self.plot_bottom + 20


PLOT_TOP, PLOT_HEIGHT, PLOT_LEFT = 24, 200, 56
MIN_SLOT = 56  # room for a year's rate («87,5 %») above its column: many years widen the chart


def rate_chart(history: list[Summary]) -> RateChart:
    """The overall rate of each published year (and of the review's own year), as columns."""
    width = max(WIDTH, PLOT_LEFT + MIN_SLOT * len(history))
    slot = (width - PLOT_LEFT) / max(len(history), 1)
    bar_width = min(64.0, slot * 0.6)
    bars = []
    for i, summary in enumerate(history):
        height = PLOT_HEIGHT * float(summary.totals.rate) / 100
        bars.append(
            YearBar(
                year=summary.year,
                rate=summary.totals.rate,
                x=round(PLOT_LEFT + i * slot + (slot - bar_width) / 2, 2),
                y=round(PLOT_TOP + PLOT_HEIGHT - height, 2),
                width=round(bar_width, 2),
                height=round(height, 2),
            )
        )
    grid = [
        GridLine(y=PLOT_TOP + PLOT_HEIGHT * (100 - p) / 100, label=fr_percent(p).replace(",0", ""))
        for p in (0, 25, 50, 75, 100)
    ]
    return RateChart(
        width=width,
        height=PLOT_TOP + PLOT_HEIGHT + 32,
        plot_left=PLOT_LEFT,
        plot_bottom=PLOT_TOP + PLOT_HEIGHT,
        bars=bars,
        grid=grid,
    )
