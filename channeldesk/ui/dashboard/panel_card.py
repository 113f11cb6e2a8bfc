"""One dashboard panel as a card: title, headline, a bar chart or a short list, caption.

The chart view is built once per card; a refresh replaces the series' numbers only.
Clicking a bar (or a list row) emits the bar's link, which the tab hands to the window.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.dashboard import Bar, Panel, PanelKind
from channeldesk.domain.lookups import Link

BAR_COLOUR = "#3f6fb5"
ROW_HEIGHT_PX = 26
LINK_ROLE = Qt.ItemDataRole.UserRole


class PanelCard(QFrame):
    """A panel of the dashboard; ``sig_link`` carries the clicked bar's link."""

    sig_link = Signal(object)

    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = panel.key
        self.setObjectName(f"dashboard-panel-{panel.key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._bars: tuple[Bar, ...] = ()
        self._title = QLabel()
        self._title.setStyleSheet("font-weight: bold;")
        self.headline = QLabel()
        self.headline.setObjectName(f"dashboard-headline-{panel.key}")
        self.headline.setStyleSheet("font-size: 16pt; color: #1f3b63;")
        self._caption = QLabel()
        self._caption.setWordWrap(True)
        self._caption.setStyleSheet("color: #5f6368;")
        self._body = QStackedWidget()
        self._chart_view = self._make_chart_view()
        self._rows = self._make_rows()
        self._empty = QLabel()
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setStyleSheet("color: #5f6368;")
        for widget in (self._chart_view, self._rows, self._empty):
            self._body.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        for widget in (self._title, self.headline, self._body, self._caption):
            layout.addWidget(widget)
        layout.setStretch(2, 1)
        self.show_panel(panel)

    def _make_chart_view(self) -> QChartView:
        chart = QChart()
        chart.legend().hide()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(0, 0, 0, 0))
        chart.setBackgroundRoundness(0)
        self._series = QHorizontalBarSeries()
        self._series.clicked.connect(lambda index, _set: self._clicked(index))
        chart.addSeries(self._series)
        self._categories = QBarCategoryAxis()
        self._values = QValueAxis()
        self._values.setLabelFormat("%d")
        self._values.setGridLineVisible(False)
        self._values.setLabelsVisible(False)
        chart.addAxis(self._categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(self._values, Qt.AlignmentFlag.AlignBottom)
        self._series.attachAxis(self._categories)
        self._series.attachAxis(self._values)
        view = QChartView(chart)
        view.setObjectName(f"dashboard-chart-{self.key}")
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(150)
        view.setCursor(Qt.CursorShape.PointingHandCursor)
        return view

    def _make_rows(self) -> QTreeWidget:
        rows = QTreeWidget()
        rows.setObjectName(f"dashboard-rows-{self.key}")
        rows.setRootIsDecorated(False)
        rows.setHeaderHidden(True)
        rows.setColumnCount(2)
        rows.setUniformRowHeights(True)
        rows.itemActivated.connect(lambda item, _column: self._row_opened(item))
        rows.setToolTip(self.tr("Double-click or press Enter to open"))
        return rows

    def show_panel(self, panel: Panel) -> None:
        """Show the panel's latest figures in place."""
        self._bars = panel.bars
        self._title.setText(panel.title)
        self.headline.setText(panel.headline)
        self._caption.setText(panel.caption)
        self._empty.setText(panel.empty_text)
        nothing_counted = not any(bar.value for bar in panel.bars)
        if not panel.bars or (panel.kind is PanelKind.BARS and nothing_counted):
            self._body.setCurrentWidget(self._empty)
        elif panel.kind is PanelKind.ROWS:
            self._fill_rows(panel)
            self._body.setCurrentWidget(self._rows)
        else:
            self._fill_chart(panel)
            self._body.setCurrentWidget(self._chart_view)

    def _fill_chart(self, panel: Panel) -> None:
        self._series.clear()
        # A horizontal bar chart draws its first category at the bottom: reverse, so the
        # funnel reads top to bottom like the pipeline.
        bars = list(reversed(panel.bars))
        values = QBarSet(panel.title)
        values.setColor(QColor(BAR_COLOUR))
        values.append([bar.value for bar in bars])
        self._series.append(values)
        self._categories.clear()
        self._categories.append([_category(bar, panel.value_suffix) for bar in bars])
        self._values.setRange(0, max(bar.value for bar in bars) * 1.25 or 1)
        self._chart_view.setMinimumHeight(max(150, ROW_HEIGHT_PX * len(bars)))
        self._chart_view.setToolTip("\n".join(
            f"{bar.label}: {bar.value:,}{panel.value_suffix}"
            + (f" ({bar.note})" if bar.note else "") for bar in panel.bars))

    def _fill_rows(self, panel: Panel) -> None:
        self._rows.clear()
        for bar in panel.bars:
            item = QTreeWidgetItem([bar.label, f"{bar.value:,}{panel.value_suffix}"])
            item.setToolTip(0, bar.note)
            item.setToolTip(1, bar.note)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setData(0, LINK_ROLE, bar.link)
            self._rows.addTopLevelItem(item)
        self._rows.resizeColumnToContents(1)
        self._rows.header().setStretchLastSection(False)
        self._rows.header().setSectionResizeMode(0, self._rows.header().ResizeMode.Stretch)

    def bar_labels(self) -> list[str]:
        """The bars' labels top to bottom (tests, accessibility)."""
        return [bar.label for bar in self._bars]

    def click_bar(self, index: int) -> None:
        """Act as if bar ``index`` (top to bottom) were clicked."""
        link = self._bars[index].link
        if link is not None:
            self.sig_link.emit(link)

    def _clicked(self, index_from_bottom: int) -> None:
        self.click_bar(len(self._bars) - 1 - index_from_bottom)

    def _row_opened(self, item: QTreeWidgetItem) -> None:
        link: Link | None = item.data(0, LINK_ROLE)
        if link is not None:
            self.sig_link.emit(link)


def _category(bar: Bar, suffix: str) -> str:
    """A bar's axis label: its name and count ("Qualified  120"); the note is in the
    tooltip and the caption, where it has room."""
    return f"{bar.label}  {bar.value:,}{suffix}"
