"""The review's «two voices» chart: per axis, the institutions' implementation rate beside the
committee's average grade, drawn as inline SVG (no JavaScript) by
`templates/assessments/_voices_chart.html`, with the data table beside it. Each bar carries its
figure as text: colour never carries the information alone."""

import textwrap
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.charts import WIDTH
from reports.formatting import fr_decimal, fr_percent

BAR_HEIGHT = 18
LINE_HEIGHT = 18
GAP = 14
LABEL_CHARS = 40  # characters on a line of an axis's name (14 px bold text across 360 units)
BAR_SPACE = 160  # the longest bar (100 %, or 10 sur 10); the figure is written after it


@dataclass(frozen=True)
class VoicesRow:
    lines: tuple[str, ...]  # the axis's name, wrapped
    y: float  # top of the row
    rate_width: float
    rate_text: str
    grade_width: float
    grade_text: str

    @property
    def labels(self) -> list[tuple[str, float]]:
        """Each line of the name with its baseline."""
        return [(line, self.y + LINE_HEIGHT * (i + 1) - 4) for i, line in enumerate(self.lines)]

    @property
    def rate_y(self) -> float:
        return self.y + LINE_HEIGHT * len(self.lines) + 4

    @property
    def grade_y(self) -> float:
        return self.rate_y + BAR_HEIGHT + 4

    @property
    def rate_text_x(self) -> float:
        return self.rate_width + 8

    @property
    def rate_text_y(self) -> float:
        return self.rate_y + BAR_HEIGHT - 4

    @property
    def grade_text_x(self) -> float:
        return self.grade_width + 8

    @property
    def grade_text_y(self) -> float:
        return self.grade_y + BAR_HEIGHT - 4

    @property
    def bottom(self) -> float:
        return self.grade_y + BAR_HEIGHT


@dataclass(frozen=True)
class VoicesChart:
    width: int
    height: float
    rows: list[VoicesRow]
    bar_height: int = BAR_HEIGHT


def voices_chart(committee) -> VoicesChart:
    """`committee`: a `public_site.committee.CommitteeReport` (its axes, then the whole)."""
    rows, y = [], 0.0
    for axis in committee.axes:
        average = axis.grades.average
        row = VoicesRow(
            lines=tuple(textwrap.wrap(axis.name, LABEL_CHARS)) or ("—",),
            y=y,
            rate_width=round(BAR_SPACE * float(axis.tally.rate) / 100, 2),
            rate_text=_("mise en œuvre : %(rate)s") % {"rate": fr_percent(axis.tally.rate)},
            grade_width=round(BAR_SPACE * float(average) / 10, 2) if average is not None else 0,
            grade_text=_("comité : %(grade)s sur 10") % {"grade": fr_decimal(average)}
            if average is not None
            else _("comité : aucune note"),
        )
        rows.append(row)
        y = row.bottom + GAP
    return VoicesChart(width=WIDTH, height=round(y, 2), rows=rows)
