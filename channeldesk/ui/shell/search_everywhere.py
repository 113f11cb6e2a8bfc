"""Search everywhere (Ctrl+K): one box over every feature's records.

:class:`SearchIndexer` keeps the full-text index current in the background: once after
start-up and shortly after rows change (``services/search_index.refresh`` rebuilds only the
features whose tables changed). :class:`SearchEverywhere` queries the index on every
keystroke (an FTS5 query, a few milliseconds) and lists the hits grouped by kind; Enter
opens the chosen record in its tab.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.lookups import Link
from channeldesk.services.search_index import grouped_search, refresh
from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.store.description import description_for
from channeldesk.ui.shell.jobs import Task, run_in_background

log = logging.getLogger(__name__)

START_DELAY_MS = 1500
CHANGE_DELAY_MS = 2000
LINK_ROLE = Qt.ItemDataRole.UserRole
# Only derived tables change: the index itself is not a synced table.
INDEX_TABLES = frozenset({"search_index", "search_index_state"})


class SearchIndexer(QObject):
    """Runs index refreshes in the background, one at a time, a moment after changes."""

    sig_ready = Signal()

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._task: Task | None = None
        self._again = False
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.refresh_now)

    def start(self) -> None:
        self._timer.start(START_DELAY_MS)

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        if notice.tables - INDEX_TABLES:
            self._timer.start(CHANGE_DELAY_MS)

    def refresh_now(self) -> None:
        """Bring the index up to date now (in the background); a request while one runs
        runs once more after it."""
        if self._task is not None:
            self._again = True
            return
        self._task = run_in_background(
            self, "Updating the search index",
            lambda progress, cancel: refresh(self._store.db, progress, cancel),
            self._finished, self._failed)

    def _finished(self, _rebuilt) -> None:
        self._task = None
        self.sig_ready.emit()
        if self._again:
            self._again = False
            self.refresh_now()

    def _failed(self, error: BaseException) -> None:
        self._task = None
        log.error("the search index could not be updated", exc_info=error)

    def cancel(self) -> None:
        self._timer.stop()
        if self._task is not None:
            self._task.cancel()


class SearchEverywhere(QDialog):
    """The Ctrl+K box: type, see records grouped by kind, Enter opens one."""

    sig_open = Signal(object)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("search-everywhere")
        self.setWindowTitle(self.tr("Search everywhere"))
        self._store = store
        self.box = QLineEdit()
        self.box.setObjectName("search-everywhere-box")
        self.box.setPlaceholderText(self.tr("Partners, contacts, prospects, plans… "
                                            "(any word, accents optional)"))
        self.box.setClearButtonEnabled(True)
        self.box.textChanged.connect(self.search)
        self.box.installEventFilter(self)
        self.results = QTreeWidget()
        self.results.setObjectName("search-everywhere-results")
        self.results.setHeaderHidden(True)
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        self.results.itemActivated.connect(lambda item, _column: self._open(item))
        self.status = QLabel()
        self.status.setObjectName("search-everywhere-status")
        self.status.setStyleSheet("color: #5f6368;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        self.resize(640, 420)
        self.search("")

    def search(self, typed: str) -> None:
        """List the records matching ``typed``; the first one is selected."""
        self.results.clear()
        if not typed.strip():
            self.status.setText(self.tr("Type a name, a place, an email… Enter opens the "
                                        "selected record."))
            return
        groups = grouped_search(self._store.db, typed)
        first: QTreeWidgetItem | None = None
        for table, hits in groups.items():
            self.results.addTopLevelItem(self._heading(table, len(hits)))
            for hit in hits:
                item = QTreeWidgetItem([f"    {hit.title}"])
                item.setData(0, LINK_ROLE, Link(hit.feature, table=hit.table,
                                                record_id=hit.record_id))
                self.results.addTopLevelItem(item)
                first = first or item
        count = sum(len(hits) for hits in groups.values())
        self.status.setText(self.tr("No records match.") if not count else
                            self.tr("%n record(s) — Enter opens the selected one", "", count))
        if first is not None:
            self.results.setCurrentItem(first)

    def search_again(self) -> None:
        """The index caught up: list the hits for what is typed again."""
        self.search(self.box.text())

    def _heading(self, table: str, count: int) -> QTreeWidgetItem:
        described = description_for(table)
        label = described.plural if described is not None else table
        heading = QTreeWidgetItem([f"{label} ({count})"])
        heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = heading.font(0)
        font.setBold(True)
        heading.setFont(0, font)
        return heading

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down move through the results while typing; Enter opens."""
        if watched is self.box and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._move(1 if event.key() == Qt.Key.Key_Down else -1)
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                current = self.results.currentItem()
                if current is not None:
                    self._open(current)
                return True
        return super().eventFilter(watched, event)

    def _move(self, step: int) -> None:
        """Select the next (or previous) record, skipping the kind headings."""
        items = [self.results.topLevelItem(i) for i in range(self.results.topLevelItemCount())]
        records = [item for item in items if item.data(0, LINK_ROLE) is not None]
        if not records:
            return
        current = self.results.currentItem()
        index = records.index(current) if current in records else -step
        self.results.setCurrentItem(records[max(0, min(len(records) - 1, index + step))])

    def _open(self, item: QTreeWidgetItem) -> None:
        link = item.data(0, LINK_ROLE)
        if link is not None:
            self.sig_open.emit(link)
            self.accept()
