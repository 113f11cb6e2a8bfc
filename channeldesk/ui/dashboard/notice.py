"""The start-up notice: "4 things are overdue", in the status bar, one click from the
dashboard. Counted in the background so it never delays the window; can be turned off
from the Settings menu."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton, QWidget

from channeldesk.services.lookups import deadlines_between
from channeldesk.settings import option
from channeldesk.ui.dashboard.radar import OVERDUE_LOOKBACK_DAYS
from channeldesk.ui.shell.jobs import run_in_background
from channeldesk.ui.shell.window_part import WindowContext, WindowPart

NOTIFY = option("dashboard/overdue_notice", bool, True,
                "Say at start-up when something is overdue")


def overdue_count(db, today: date) -> int:
    """How many deadlines of every feature fell due before today (within the radar's
    look-back)."""
    start = today - timedelta(days=OVERDUE_LOOKBACK_DAYS)
    return len(deadlines_between(db, start, today - timedelta(days=1)))


class OverdueNotice(WindowPart):
    """A status-bar button shown at start-up while something is overdue."""

    def __init__(self, context: WindowContext) -> None:
        self._context = context
        self.button = QPushButton()
        self.button.setObjectName("overdue-notice")
        self.button.setFlat(True)
        self.button.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.button.setToolTip("Open the dashboard's deadline radar")
        self.button.clicked.connect(self._show_dashboard)
        self.button.hide()
        self.toggle = QAction("Notify about &overdue items at start-up",
                              context.window)
        self.toggle.setObjectName("action-overdue-notice")
        self.toggle.setCheckable(True)
        self.toggle.setChecked(bool(context.settings.get(NOTIFY)))
        self.toggle.toggled.connect(lambda on: context.settings.set(NOTIFY, on))
        self.count: int | None = None
        self._shown = False
        # The portfolio's overdue count is not for a partner's eyes.
        context.presentation.sig_toggled.connect(self._on_presentation)

    def status_widgets(self) -> list[QWidget]:
        return [self.button]

    def settings_actions(self) -> list[QAction]:
        return [self.toggle]

    def start(self) -> None:
        if not self.toggle.isChecked():
            return
        store = self._context.store
        run_in_background(self._context.window, "Counting overdue items",
                          lambda _progress, _cancel: overdue_count(store.db, date.today()),
                          self.show_count, lambda _error: None)

    def _on_presentation(self, on: bool) -> None:
        self.button.setVisible(not on and bool(self.count) and self._shown)

    def show_count(self, count: int) -> None:
        self.count = count
        self._shown = bool(count)
        if count and not self._context.presentation.on:
            self.button.setText(f"⚠ {count:,} overdue — show")
            self.button.show()
        else:
            self.button.hide()

    def _show_dashboard(self) -> None:
        self._shown = False
        self.button.hide()
        self._context.window.show_page("dashboard")  # type: ignore[attr-defined]
