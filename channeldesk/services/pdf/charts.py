"""Charts for plans and packs, drawn with reportlab.graphics so they are vector and sharp.

Metrics have different units (revenue in millions, certified people in single digits), so
target vs actual is one small bar pair per metric on its own scale, never one shared axis
on which the small metrics vanish. Gauges show attainment at a glance.
"""

from __future__ import annotations

import math
from decimal import Decimal

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Line, Rect, String, Wedge
from reportlab.lib import colors
from reportlab.lib.units import mm

from channeldesk.domain.money import Money, compact_money
from channeldesk.domain.plan import MetricUnit, TargetLine, format_percent
from channeldesk.services.pdf.fonts import BOLD, REGULAR, fit, text_group
from channeldesk.services.pdf.styles import INK, MUTED, RULE, TRACK, Styles, attainment_colour


def compact(value: int | None, unit: MetricUnit, currency: str) -> str:
    """'€1.25M', '¥50M', '12': short enough for a chart label. ``value`` is in the
    currency's minor units (ISO 4217: none for JPY, 1,000 fils to a KWD)."""
    if value is None:
        return "–"
    if unit is not MetricUnit.MONEY:
        return f"{value:,}"
    return compact_money(Money.from_minor(int(value), currency))


def nice_axis(top: float, steps: int = 4) -> tuple[float, float]:
    """An axis maximum at or above ``top`` and a round step (1, 2, 2.5 or 5 x 10^n), so the
    highest bar sits under a labelled line."""
    if top <= 0:
        return 1.0, 1.0
    raw = top / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(top / step), step


def target_bars(lines: list[TargetLine], currency: str, styles: Styles,
                width: float) -> Drawing:
    """One row per metric: a grey target bar and the actual bar, each with its value."""
    row_h, label_w, value_w = 13 * mm, 46 * mm, 30 * mm
    bar_w = width - label_w - value_w
    height = row_h * len(lines) + 8 * mm
    drawing = Drawing(width, height, initialFontName=REGULAR)
    legend_y = height - 4 * mm
    for n, (name, colour) in enumerate((("Target", TRACK), ("Actual to date", styles.brand))):
        x = label_w + n * 32 * mm
        drawing.add(Rect(x, legend_y - 1, 6, 6, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 9, legend_y, name, fontName=REGULAR, fontSize=7.5,
                           fillColor=MUTED))
    for i, line in enumerate(lines):
        top = height - 8 * mm - i * row_h
        scale = max(line.target, line.actual or 0) or 1
        drawing.add(text_group(0, top - 7 * mm, fit(line.label, BOLD, 8.5, label_w - 3 * mm),
                               BOLD, 8.5, INK))
        for j, (value, colour) in enumerate(((line.target, TRACK),
                                             (line.actual, styles.brand))):
            y = top - 5 * mm - j * 4.2 * mm
            length = bar_w * (value or 0) / scale
            drawing.add(Rect(label_w, y, bar_w, 3.4 * mm, fillColor=colors.HexColor("#FAFBFC"),
                             strokeColor=None))
            if length > 0:
                drawing.add(Rect(label_w, y, length, 3.4 * mm, fillColor=colour,
                                 strokeColor=None))
            drawing.add(String(label_w + bar_w + 2 * mm, y + 0.6 * mm,
                               compact(value, line.unit, currency),
                               fontName=BOLD if j else REGULAR, fontSize=7.5,
                               fillColor=INK if j else MUTED))
        drawing.add(Line(0, top - row_h + 2 * mm, width, top - row_h + 2 * mm,
                         strokeColor=RULE, strokeWidth=0.4))
    return drawing


def balanced_columns(count: int, most: int = 4) -> int:
    """Gauges per row so the rows hold nearly as many each: five are 3 + 2, never 4 + 1."""
    if count <= most:
        return max(count, 1)
    rows = math.ceil(count / most)
    return math.ceil(count / rows)


def gauges(lines: list[TargetLine], styles: Styles, width: float, per_row: int = 4) -> Drawing:
    """A half-circle gauge per metric with its attainment; capped at 100 % on the dial,
    the number says how far past target it went."""
    per_row = balanced_columns(len(lines), per_row)
    cell_w = width / per_row
    cell_h = 30 * mm
    rows = (len(lines) + per_row - 1) // per_row
    drawing = Drawing(width, rows * cell_h, initialFontName=REGULAR)
    radius = min(cell_w / 2 - 5 * mm, 14 * mm)
    for i, line in enumerate(lines):
        in_row = min(per_row, len(lines) - (i // per_row) * per_row)
        indent = (per_row - in_row) * cell_w / 2  # a shorter last row is centred
        cx = indent + cell_w * (i % per_row) + cell_w / 2
        cy = rows * cell_h - (i // per_row) * cell_h - radius - 4 * mm
        drawing.add(Wedge(cx, cy, radius, 0, 180, radius1=radius * 0.68,
                          fillColor=TRACK, strokeColor=None))
        percent = line.attainment
        if percent is not None and percent > 0:
            filled = float(min(percent, Decimal(100))) * 1.8
            drawing.add(Wedge(cx, cy, radius, 180 - filled, 180, radius1=radius * 0.68,
                              fillColor=attainment_colour(percent), strokeColor=None))
        text = format_percent(percent)
        drawing.add(String(cx, cy + 0.5 * mm, text, fontName=BOLD, fontSize=11,
                           fillColor=INK, textAnchor="middle"))
        drawing.add(text_group(cx, cy - 5 * mm, fit(line.label, REGULAR, 7.5, cell_w - 4 * mm),
                               REGULAR, 7.5, MUTED, anchor="middle"))
    return drawing


def quarterly_chart(line: TargetLine, currency: str, styles: Styles, width: float) -> Drawing:
    """Target vs actual per quarter for one metric (the ones with quarterly targets)."""
    height = 58 * mm
    drawing = Drawing(width, height, initialFontName=REGULAR)
    chart = VerticalBarChart()
    chart.x, chart.y = 18 * mm, 10 * mm
    chart.width, chart.height = width - 24 * mm, height - 22 * mm
    targets = [t for _, t, _ in line.by_quarter]
    actuals = [a or 0 for _, _, a in line.by_quarter]
    chart.data = [targets, actuals]
    chart.categoryAxis.categoryNames = [q.replace("-", " ") for q, _, _ in line.by_quarter]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.strokeColor = RULE
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax, chart.valueAxis.valueStep = nice_axis(max(targets + actuals))
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: compact(int(v), line.unit, currency)
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.valueAxis.visibleGrid = True
    chart.bars[0].fillColor = TRACK
    chart.bars[1].fillColor = styles.brand
    chart.bars.strokeColor = None
    chart.groupSpacing = 8
    chart.barSpacing = 1.5
    drawing.add(chart)
    drawing.add(text_group(0, height - 5 * mm,
                           fit(f"{line.label} by quarter", BOLD, 9, width - 64 * mm),
                           BOLD, 9, INK))
    legend = Legend()
    legend.x, legend.y = width - 60 * mm, height - 3 * mm
    legend.fontName, legend.fontSize = REGULAR, 7.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 30 * mm
    legend.boxAnchor = "nw"
    legend.colorNamePairs = [(TRACK, "Target"), (styles.brand, "Actual")]
    legend.strokeColor = None
    drawing.add(legend)
    return drawing


def monthly_activity_chart(per_month: tuple[tuple[str, int], ...], styles: Styles,
                           width: float) -> Drawing:
    """Partner touchpoints per month over the last year."""
    height = 48 * mm
    drawing = Drawing(width, height, initialFontName=REGULAR)
    chart = VerticalBarChart()
    chart.x, chart.y = 10 * mm, 9 * mm
    chart.width, chart.height = width - 14 * mm, height - 14 * mm
    chart.data = [[count for _, count in per_month] or [0]]
    chart.categoryAxis.categoryNames = [_month_label(key) for key, _ in per_month] or [""]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.strokeColor = RULE
    chart.valueAxis.valueMin = 0
    top = max([count for _, count in per_month] or [0])
    chart.valueAxis.valueMax = max(4, top + 1)
    chart.valueAxis.valueStep = max(1, (chart.valueAxis.valueMax + 3) // 4)
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.bars[0].fillColor = styles.brand
    chart.bars.strokeColor = None
    chart.barLabelFormat = lambda v: str(int(v)) if v else ""
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 5
    drawing.add(chart)
    return drawing


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _month_label(key: str) -> str:
    year, month = key.split("-")
    name = _MONTHS[int(month) - 1]
    return f"{name} {year[2:]}" if month == "01" else name
