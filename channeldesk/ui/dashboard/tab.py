"""The Dashboard tab: what needs a CAM today, at a glance.

Panels come from every feature's dashboard provider (``services/dashboard.py``), the
deadline radar from every feature's deadline provider; neither names a feature. Figures
are measured in SQL when the tab is shown and again shortly after rows change; clicking a
bar opens the tab that lists what it counts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from channeldesk.output_files import OutputRefused, OutputWriteError
from channeldesk.services.calendar_export import export_calendar
from channeldesk.services.dashboard import dashboard_panels
from channeldesk.services.lookups import deadlines_between
from channeldesk.settings import option
from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.ui.dashboard.panel_card import PanelCard
from channeldesk.ui.dashboard.radar import DeadlineRadar, radar_span
from channeldesk.ui.widgets.feature_tab import FeatureTab

REFRESH_DELAY_MS = 800
COLUMNS = 2
PANELS_MIN_WIDTH = 560
RADAR_MIN_WIDTH = 380
PANELS_SHARE = 0.6
EMPTY_PAGE = 2
SPLITTER = option("dashboard/splitter", bytes, None,
                  "Width of the dashboard's panels beside the deadline radar")


class DashboardTab(FeatureTab):
    """Panels of figures on the left, the deadline radar on the right."""

    def __init__(self, store: Store, undo_stack: QUndoStack, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(store, undo_stack, "dashboard", parent)
        self.today = today
        self.cards: dict[str, PanelCard] = {}
        self._stale = True
        self._empty = False
        self._partner_id: str | None = None  # presentation mode: the partner in the room
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self._build()

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setSpacing(10)
        scroll = QScrollArea()
        scroll.setObjectName("dashboard-panels")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._grid_host)
        self.radar = DeadlineRadar()
        self.radar.sig_open.connect(self.sig_open)
        export = QPushButton(self.tr("Export to calendar…"))
        export.setObjectName("dashboard-export-calendar")
        export.setToolTip(self.tr("Save every deadline as an .ics file; importing it again "
                                  "updates the events instead of duplicating them"))
        export.clicked.connect(lambda: self.export_calendar())
        radar_box = self._radar_box = QWidget()
        radar_layout = QVBoxLayout(radar_box)
        radar_layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("Deadline radar"))
        title.setStyleSheet("font-weight: bold;")
        radar_layout.addWidget(title)
        radar_layout.addWidget(self.radar, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(export)
        radar_layout.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("dashboard-splitter")
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(radar_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        scroll.setMinimumWidth(PANELS_MIN_WIDTH)
        radar_box.setMinimumWidth(RADAR_MIN_WIDTH)
        self._sized = False
        self._hidden = QLabel(self.tr(
            "The dashboard is hidden in presentation mode: it shows the whole portfolio.\n"
            "Choose the partner in the room to present their figures."))
        self._hidden.setObjectName("dashboard-presenting")
        self._hidden.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._pages = QStackedWidget()
        self._pages.addWidget(self.splitter)
        self._pages.addWidget(self._hidden)
        self._pages.addWidget(self._empty_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self._pages)
        self._export_action = QAction(self.tr("Export deadlines to &calendar…"), self)
        self._export_action.setObjectName("action-export-calendar")
        self._export_action.triggered.connect(lambda: self.export_calendar())
        self._refresh_action = QAction(self.tr("&Refresh figures"), self)
        self._refresh_action.setShortcut("F5")
        self._refresh_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._refresh_action.triggered.connect(self.refresh)
        self.addAction(self._refresh_action)

    def _empty_page(self) -> QWidget:
        """A new database: say what the dashboard will show and offer the demo set."""
        page = QWidget()
        page.setObjectName("dashboard-empty")
        title = QLabel(self.tr("Nothing to measure yet"))
        title.setObjectName("dashboard-empty-title")
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        text = QLabel(self.tr(
            "The dashboard shows your recruitment funnel, plan attainment, partners gone "
            "quiet and every deadline once there are prospects and partners.\n"
            "Add them in their tabs, import a CSV of prospects, or look around with the "
            "demo portfolio first."))
        text.setWordWrap(True)
        demo = QPushButton(self.tr("Load demo data"))
        demo.setObjectName("dashboard-load-demo")
        demo.clicked.connect(self.sig_load_demo_requested)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        for widget in (title, text):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(demo, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        text.setMaximumWidth(560)
        return page

    # -- figures ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Measure every panel and the radar again and show them in place."""
        self._stale = False
        today = self.today()
        panels = dashboard_panels(self._store.db, today, self._partner_id)
        for index, panel in enumerate(panels):
            card = self.cards.get(panel.key)
            if card is None:
                card = self.cards[panel.key] = PanelCard(panel)
                card.sig_link.connect(self.sig_open)
            else:
                card.show_panel(panel)
            self._grid.addWidget(card, index // COLUMNS, index % COLUMNS)
        gone = set(self.cards) - {panel.key for panel in panels}
        for key in gone:
            self.cards.pop(key).deleteLater()
        deadlines = deadlines_between(self._store.db, *radar_span(today))
        self.radar.show_deadlines(deadlines, today)
        self._empty = not deadlines and not any(bar.value for p in panels for bar in p.bars)
        self._show_page()

    def _show_page(self) -> None:
        self._radar_box.setVisible(self._partner_id is None)  # the radar is the portfolio's
        if not self._show_internal and self._partner_id is None:
            self._pages.setCurrentWidget(self._hidden)
        elif self._empty:
            self._pages.setCurrentIndex(EMPTY_PAGE)
        else:
            self._pages.setCurrentWidget(self.splitter)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:  # first show without a saved layout: panels get 60%
            self._sized = True
            width = self.splitter.width()
            self.splitter.setSizes([int(width * PANELS_SHARE), width - int(width * PANELS_SHARE)])
        if self._stale:
            self.refresh()

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        """Figures follow edits, undo and sync a moment later (a burst refreshes once)."""
        self._stale = True
        if self.isVisible():
            self._refresh_timer.start()

    def set_presentation(self, on: bool) -> None:
        super().set_presentation(on)
        self._show_page()

    def set_partner_scope(self, partner_id: str | None) -> bool:
        """Presenting to one partner: only their figures (their plan's attainment, their
        certification coverage and funds); the funnel and the radar are left out."""
        self._partner_id = partner_id
        self.refresh()
        return True

    # -- actions ----------------------------------------------------------------------

    def menu_actions(self) -> list[QAction]:
        return [self._refresh_action, self._export_action]

    def file_actions(self) -> list[QAction]:
        return [self._export_action]

    def export_calendar(self, out: Path | None = None) -> bool:
        """Ask where (unless ``out`` is given) and write every deadline as .ics."""
        if out is None:
            folder = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation)
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export deadlines to calendar"),
                str(Path(folder) / "channeldesk-deadlines.ics"),
                self.tr("iCalendar file (*.ics)"))
            if not chosen:
                return False
            out = Path(chosen if chosen.lower().endswith(".ics") else f"{chosen}.ics")
        try:
            count = export_calendar(self._store.db, out, self.today())
        except (OutputRefused, OutputWriteError) as error:
            QMessageBox.warning(self, self.tr("Calendar not exported"), str(error))
            return False
        self.sig_status.emit(self.tr("Exported %n deadline(s) to %1", "", count)
                             .replace("%1", str(out)))
        return True

    # -- state ------------------------------------------------------------------------

    def save_state(self, settings) -> None:
        settings.set(SPLITTER, bytes(self.splitter.saveState()))

    def restore_state(self, settings) -> None:
        saved = settings.get(SPLITTER)
        if saved:
            self._sized = self.splitter.restoreState(saved)

