"""The scaffolding every list-beside-detail tab shares, written once.

A search box that filters after a short pause (Down or Enter moves to the first match),
a table over a SQL-sorted model that keeps the selected record across refreshes, a count
("12 of 54 partners shown"), an empty state that tells "nothing yet" from "nothing
matches", and the splitter and column layout remembered between sessions. A tab says
what is particular to it by overriding the hooks at the bottom.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from channeldesk.settings import option
from channeldesk.store import Store
from channeldesk.store.description import description_for
from channeldesk.store.models import SyncedModel
from channeldesk.ui.shell.settings import Settings
from channeldesk.ui.shell.undo import (
    DeleteCommand,
    InsertCommand,
    UpdateCommand,
    perform_or_report,
)
from channeldesk.ui.widgets.confirm import confirm_delete
from channeldesk.ui.widgets.feature_tab import FeatureTab
from channeldesk.ui.widgets.list_detail import list_and_detail
from channeldesk.ui.widgets.record_table import RecordTableModel
from channeldesk.ui.widgets.record_views import make_table, selected_id

SEARCH_DELAY_MS = 120
TO_RESULTS_KEYS = frozenset({Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter})


class RecordTab(FeatureTab):
    """A searchable record list beside one record's detail pane."""

    model: RecordTableModel
    table: QTableView
    search: QLineEdit
    splitter: QSplitter
    count_label: QLabel
    nouns: tuple[str, str] = ("record", "records")
    """How the count and the undo texts name one record and many ("partner", "partners")."""
    record_model: type[SyncedModel]
    """The table the list shows."""
    name_field = "name"
    """The field that names a record in undo texts and the delete question."""

    def __init__(self, store: Store, undo_stack: QUndoStack, key: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(store, undo_stack, key, parent)
        self._splitter_option = option(f"{key}/splitter", bytes, None,
                                       f"Width of the {key} list beside its detail pane")
        self._header_option = option(f"{key}/header", bytes, None,
                                     f"Order, width and sort of the {key} columns")
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self._pages: QStackedWidget | None = None
        self._empty_title: QLabel | None = None
        self.scope_partner_id: str | None = None
        """The partner in the room while presenting: pickers offer no other partner."""

    # -- building blocks for a tab's _build ---------------------------------------------

    def make_search(self, placeholder: str, tooltip: str = "") -> QLineEdit:
        self.search = QLineEdit()
        self.search.setObjectName(f"{self.key}-search")
        self.search.setAccessibleName(placeholder.split(" (")[0])
        self.search.setPlaceholderText(placeholder)
        if tooltip:
            self.search.setToolTip(tooltip)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.search.installEventFilter(self)
        return self.search

    def make_record_table(self, sort_column: int | None = 0) -> QTableView:
        """The list; with ``sort_column``, headers sort in SQL, starting on that column."""
        self.table = make_table(self.model, f"{self.key}-table")
        if sort_column is not None:
            # Indicator first: enabling sorting then runs the one initial query.
            self.table.horizontalHeader().setSortIndicator(sort_column,
                                                           Qt.SortOrder.AscendingOrder)
            self.table.setSortingEnabled(True)
            self.table.horizontalHeader().setSectionsMovable(True)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.on_current_changed(
                self.model.id_at(current.row()) if current.isValid() else None))
        return self.table

    def size_columns(self, widths: dict[str, int], padding: int = 12) -> None:
        """Readable first widths in characters; widths the user set are restored later."""
        chars = self.table.fontMetrics().averageCharWidth()
        for key, count in widths.items():
            self.table.setColumnWidth(self.model.column_index(key), chars * count + padding)

    def make_pages(self, views: Sequence[QWidget], empty_buttons: Sequence[QPushButton]
                   ) -> QStackedWidget:
        """The list's views (table, board…) and, last, the empty state with its buttons."""
        self._pages = QStackedWidget()
        for view in views:
            self._pages.addWidget(view)
        self._pages.addWidget(self._empty_state(empty_buttons))
        return self._pages

    def empty_button(self, text: str, slot: Callable[[], None], name: str = "") -> QPushButton:
        button = QPushButton(text)
        if name:
            button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def finish_layout(self, rows: Sequence[QWidget | QLayout], grow: QWidget,
                      detail: QWidget, sizes: tuple[int, int]) -> None:
        """Rows of the list column top to bottom (the count label is added last)."""
        self.count_label = QLabel()
        self.count_label.setObjectName(f"{self.key}-count")
        self.splitter = list_and_detail(f"{self.key}-splitter", [*rows, self.count_label],
                                        grow, detail, sizes)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

    def _empty_state(self, buttons: Sequence[QPushButton]) -> QWidget:
        page = QWidget()
        page.setObjectName(f"{self.key}-empty")
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self._empty_title = QLabel()
        self._empty_title.setObjectName(f"{self.key}-empty-title")
        self._empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty_title.setWordWrap(True)
        layout.addWidget(self._empty_title)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        return page

    # -- searching and keeping the selection ---------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """From the search box, Down or Enter goes to the first match."""
        if (watched is self.search and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in TO_RESULTS_KEYS):
            self.go_to_results()
            return True
        return super().eventFilter(watched, event)

    def go_to_results(self) -> None:
        """Apply a pending search now, select the first match and move the focus to it."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self._apply_search()
        if self.model.rowCount():
            if self.current_id() is None or self.model.row_of(self.current_id()) is None:
                self.select_row(0)
            self.focus_results()

    def focus_results(self) -> None:
        """Move the keyboard to the selected record in the list on screen (a tab with
        another view, such as a board, overrides this)."""
        self.table.setFocus()

    def _apply_search(self) -> None:
        self.keep_selection(lambda: self.model.set_search_text(self.search.text()))

    def keep_selection(self, change: Callable[[], None], select: str | None = None) -> None:
        """Run ``change`` (a refresh, a new filter) and keep the same record selected; a
        single match is selected."""
        current = select or self.current_id()
        change()
        row = self.model.row_of(current) if current else None
        if row is None and self.model.rowCount() == 1:
            row = 0
        if row is not None:
            self.select_row(row)
        else:
            self.on_selection_lost()
        self.after_refresh()

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def select_first(self) -> None:
        if self.model.rowCount():
            self.select_row(0)

    def select_record(self, record_id: str) -> bool:
        """Select a record by id if the list shows it (search everywhere, tests)."""
        row = self.model.row_of(record_id)
        if row is not None:
            self.select_row(row)
        return row is not None

    def open_record(self, table: str, record_id: str) -> bool:
        """Select the record, or the one of this tab it belongs to (a contact's partner, an
        activity's plan); a search or filter hiding it is cleared first."""
        own = self.record_model._meta.table_name
        target = record_id if table == own else self._parent_of(table, record_id, own)
        if target is None:
            return False
        if not self.select_record(target):
            self.clear_filters()
            if self._search_timer.isActive():
                self._search_timer.stop()
                self._apply_search()
            if not self.select_record(target):
                return False
        self.table.setFocus()
        return True

    def _parent_of(self, table: str, record_id: str, own: str) -> str | None:
        """The id in ``own`` that a row of ``table`` refers to, from its description."""
        child = description_for(table)
        if child is None:
            return None
        column = next((spec.name for spec in child.fields if spec.references == own), None)
        if column is None:
            return None
        row = self._store.db.execute_sql(
            f'SELECT "{column}" FROM "{table}" WHERE id = ?', (record_id,)).fetchone()
        return row[0] if row else None

    def clear_filters(self) -> None:
        """Clear the search and every filter (tabs with filters extend this)."""
        self.search.clear()
        self._search_timer.stop()
        self._apply_search()

    def show_filtered(self, filters: Mapping[str, str]) -> None:
        """Clear filters, then set each named filter box (``<key>-filter-<name>``): a
        combo box to the item with that data, a check box on for "1"."""
        self.clear_filters()
        for name, value in filters.items():
            box = self.findChild(QComboBox, f"{self.key}-filter-{name}")
            if box is not None and box.findData(value) >= 0:
                box.setCurrentIndex(box.findData(value))
            check = self.findChild(QCheckBox, f"{self.key}-filter-{name}")
            if check is not None:
                check.setChecked(value == "1")

    def current_id(self) -> str | None:
        return selected_id(self.table) or self.detail_id()

    # -- count and empty state -----------------------------------------------------------

    def after_refresh(self) -> None:
        shown = self.model.rowCount()
        # Scoped to the partner in the room, the count says nothing of the portfolio.
        total = shown if self.model.scoped else self.total_count()
        self.count_label.setText(self.count_text(shown, total))
        if self._pages is not None:
            self._pages.setCurrentIndex(self.list_page() if shown else self._pages.count() - 1)
            if not shown and self._empty_title is not None:
                self._empty_title.setText(self.empty_text(filtered=total > 0))
                self.show_empty_buttons(filtered=total > 0)
        self.update_actions()

    def count_text(self, shown: int, total: int) -> str:
        noun = self.nouns[0] if total == 1 else self.nouns[1]
        if shown == total:
            return f"{total:,} {self.tr(noun)}"
        return self.tr("%s of %s %s shown") % (f"{shown:,}", f"{total:,}", self.tr(noun))

    # -- adding, editing, deleting the tab's records ---------------------------------------

    def perform(self, command: QUndoCommand, failure: str) -> bool:
        """Run ``command`` as one undo step; a refusal is reported under ``failure``."""
        return perform_or_report(self, self._stack, self._store, command, failure)

    def current_record(self) -> SyncedModel | None:
        """The selected record of the tab's table, unless it was deleted meanwhile."""
        record_id = self.current_id()
        record = self._store.get(self.record_model, record_id) if record_id else None
        return record if record is not None and not record.deleted else None

    def add_record(self, values: dict[str, Any]) -> str | None:
        """Insert a record a dialog filled in, select it; its id, or None if refused."""
        noun, name = self.nouns[0], values[self.name_field]
        command = InsertCommand(self._store, self.record_model, values,
                                self.tr("Add %s %s") % (self.tr(noun), name))
        if not self.perform(command, self.tr("Could not add the %s") % self.tr(noun)):
            return None
        self.keep_selection(lambda: None, select=command.row_id)
        return command.row_id

    def save_record(self, record_id: str, values: dict[str, Any]) -> bool:
        noun = self.nouns[0]
        return self.perform(
            UpdateCommand(self._store, self.record_model, record_id, values,
                          self.tr("Edit %s %s") % (self.tr(noun), values[self.name_field])),
            self.tr("Could not save the %s") % self.tr(noun))

    def delete_current(self) -> bool:
        """Delete the selected record after asking once; undoable."""
        record, noun = self.current_record(), self.nouns[0]
        if record is None:
            return False
        name = getattr(record, self.name_field)
        if not confirm_delete(self, self.tr(noun), name):
            return False
        return self.perform(
            DeleteCommand(self._store, self.record_model, record.id,
                          self.tr("Delete %s %s") % (self.tr(noun), name)),
            self.tr("Could not delete the %s") % self.tr(noun))

    # -- presentation mode: the partner in the room ---------------------------------------

    def set_partner_scope(self, partner_id: str | None) -> bool:
        """Show only the records :meth:`partner_record_ids` gives for ``partner_id``."""
        self.scope_partner_id = partner_id
        if partner_id is None:
            self.model.set_scope(None)
            self.after_refresh()
            return True
        if not self.has_partner_records():
            return False
        self.keep_selection(lambda: self.model.set_scope(
            lambda: self.partner_record_ids(partner_id)))
        current = self.current_id()
        if current is None or self.model.row_of(current) is None:
            # The detail pane must not keep showing another partner's record.
            if self.model.rowCount():
                self.select_first()
            else:
                self.on_current_changed(None)
        return True

    def view_state(self) -> object:
        return (self.search.text(), self.filter_state(), self.current_id())

    def restore_view_state(self, state: object) -> None:
        if not isinstance(state, tuple) or len(state) != 3:
            return
        text, filters, current = state
        self.search.blockSignals(True)
        self.search.setText(text)
        self.search.blockSignals(False)
        self.restore_filter_state(filters)
        self.keep_selection(lambda: self.model.set_search_text(text), select=current)
        if current and self.model.row_of(current) is None:
            self.on_current_changed(None)

    # -- remembering ---------------------------------------------------------------------

    def save_state(self, settings: Settings) -> None:
        settings.set(self._splitter_option, self.splitter.saveState())
        settings.set(self._header_option, self.table.horizontalHeader().saveState())

    def restore_state(self, settings: Settings) -> None:
        splitter = settings.get(self._splitter_option)
        if splitter is not None:
            self.splitter.restoreState(splitter)
        header = settings.get(self._header_option)
        if header is not None:
            head = self.table.horizontalHeader()
            head.restoreState(header)
            if self.table.isSortingEnabled():
                self.table.sortByColumn(head.sortIndicatorSection(),
                                        head.sortIndicatorOrder())

    # -- hooks a tab overrides -----------------------------------------------------------

    def total_count(self) -> int:
        """Live records in all (the count's "of N"); the list's rows by default."""
        return self.model.rowCount()

    def detail_id(self) -> str | None:
        """The record the detail pane shows, when no row is selected (board view)."""
        return None

    def on_current_changed(self, record_id: str | None) -> None:
        """The selected row changed: show ``record_id`` in the detail pane."""

    def on_selection_lost(self) -> None:
        """The selected record left the list (deleted, filtered out)."""

    def list_page(self) -> int:
        """Which page of :meth:`make_pages` shows the records (table 0, board 1…)."""
        return 0

    def empty_text(self, filtered: bool) -> str:
        return (self.tr("No %s match your search and filters.") % self.tr(self.nouns[1])
                if filtered else self.tr("No %s yet.") % self.tr(self.nouns[1]))

    def show_empty_buttons(self, filtered: bool) -> None:
        """Show the empty state's buttons that fit: "Add…" when empty, "Clear" when
        filtered."""

    def update_actions(self) -> None:
        """Enable the actions that need a selected record."""

    def has_partner_records(self) -> bool:
        """Whether the tab's records belong to partners, so that it can be scoped to the
        one in the room (see :meth:`partner_record_ids`); a tab that says no is closed
        while presenting."""
        return False

    def partner_record_ids(self, partner_id: str) -> set[str]:
        """Ids of this tab's records that belong to ``partner_id``: all the list shows
        while that partner is in the room. Asked at each refresh."""
        return set()

    def filter_state(self) -> object:
        """The tab's own filters (besides the search text), to put back later."""
        return None

    def restore_filter_state(self, state: object) -> None:
        """Put back what :meth:`filter_state` returned, without refreshing twice."""
