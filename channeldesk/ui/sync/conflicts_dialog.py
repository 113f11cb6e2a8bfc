"""The Conflicts view: someone else changed a field you changed; you decide.

A window, not a modal dialog, so the user can look at the partner in the main window
while deciding. Decisions are written by the core (``channeldesk.sync.conflicts``), one
transaction for all selected rows, through the sync controller's write gate, and are
sent with the next sync like any edit. The view reloads after each sync, each decision
and each change to the records it names.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import peewee
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.store.description import FieldError, Kind, RecordInfo, description_for
from channeldesk.sync import conflicts
from channeldesk.sync.conflicts import Choice
from channeldesk.ui.shell.errors import show_error
from channeldesk.ui.shell.undo import perform
from channeldesk.ui.sync.conflict_undo import DecisionCommand
from channeldesk.ui.sync.conflicts_model import (
    ConflictColumn,
    ConflictRow,
    ConflictsModel,
)
from channeldesk.ui.widgets.form import ERROR_STYLE, INVALID_STYLE
from channeldesk.ui.widgets.record_table import ID_ROLE, SORT_ROLE
from channeldesk.ui.widgets.record_views import make_table

if TYPE_CHECKING:
    from channeldesk.ui.sync.controller import SyncController

WRITE_ERRORS = (conflicts.ConflictNotOpenError, ValueError, sqlite3.Error,
                peewee.DatabaseError)


def merged_value(table: str, field: str, typed: Any, context: RecordInfo | None = None
                 ) -> Any:
    """The stored value of a typed merged value, read and checked by the table's
    description with the same rules as the edit forms; FieldError says what is wrong."""
    description = description_for(table)
    if description is None or not description.has(field):
        raise FieldError("This field is not known to this version of ChannelDesk; keep "
                         "mine or theirs instead.")
    if isinstance(typed, str):
        return description.parse(field, typed, context)
    problem = description.validate(field, typed, context)
    if problem:
        raise FieldError(problem)
    return typed


def merged_value_error(table: str, field: str, typed: Any,
                       context: RecordInfo | None = None) -> str | None:
    """What is wrong with a merged value, by the same rules as the edit forms."""
    try:
        merged_value(table, field, typed, context)
    except FieldError as error:
        return str(error)
    return None


class MergedValueDialog(QDialog):
    """Type the value that combines both sides; prefilled with mine. The editor fits the
    field (its choices, yes/no, an amount in the record's currency) and a value the
    forms would refuse is refused here, with the reason next to the field."""

    def __init__(self, row: ConflictRow, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("merged-value-dialog")
        self.setWindowTitle(self.tr("Merged value"))
        self.setMinimumWidth(520)
        self._row = row
        self._value: Any = None
        c = row.conflict
        intro = QLabel(self.tr("<b>%s</b> of <b>%s</b>") % (
            html.escape(row.field_label), html.escape(row.record))
            + (self.tr(" and %d more selected") % (count - 1) if count > 1 else ""))
        intro.setWordWrap(True)
        facts = QFormLayout()
        for text, value in ((self.tr("Before:"), c.base), (self.tr("Mine:"), c.mine),
                            (self.tr("Theirs:"), c.theirs)):
            shown = QLabel(row.format(value))
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            facts.addRow(text, shown)
        self.editor, self._read = self._make_editor(c.mine if c.mine is not None
                                                    else c.theirs)
        self.editor.setObjectName("merged-value")
        self.editor.setAccessibleName(row.field_label)
        facts.addRow(self.tr("&Merged:"), self.editor)
        self.error = QLabel()
        self.error.setObjectName("merged-value-error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        facts.addRow("", self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(facts)
        layout.addWidget(buttons)

    def _make_editor(self, value: Any) -> tuple[QWidget, Callable[[], Any]]:
        spec, row = self._row.spec, self._row
        kind = spec.kind if spec else Kind.TEXT
        if spec is not None and kind is Kind.CHOICE:
            combo = QComboBox()
            if not spec.required:
                combo.addItem(self.tr("(none)"), "")
            for code, shown in spec.choices:
                combo.addItem(shown, code)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            return combo, combo.currentData
        if kind is Kind.BOOL:
            check = QCheckBox(self.tr("Yes"))
            check.setChecked(value in (1, True, "1"))
            return check, lambda: int(check.isChecked())
        text = row.description.editor_text(row.conflict.field, value, row.info) \
            if row.description and spec else ("" if value is None else str(value))
        if kind is Kind.LONG_TEXT:
            edit = QPlainTextEdit(text)
            edit.setMaximumHeight(120)
            return edit, edit.toPlainText
        line = QLineEdit(text)
        line.setPlaceholderText(self._placeholder(kind))
        line.selectAll()
        return line, lambda: line.text().strip()

    def _placeholder(self, kind: Kind) -> str:
        if kind is Kind.DATE:
            return self.tr("YYYY-MM-DD, or empty")
        if self._row.description and self._row.description.is_money(
                self._row.conflict.field, self._row.info.values if self._row.info else None):
            currency = self._row.info.currency if self._row.info else None
            return self.tr("An amount in %s, e.g. 1,250") % currency if currency else ""
        return ""

    def value(self) -> Any:
        """The stored form of the merged value, once Save accepted it."""
        return self._value

    def _save(self) -> None:
        c = self._row.conflict
        try:
            self._value = merged_value(c.table, c.field, self._read(), self._row.info)
        except FieldError as error:
            self.error.setText(str(error))
            self.error.show()
            self.editor.setStyleSheet(INVALID_STYLE)
            self.editor.setFocus()
            return
        self.accept()


class ConflictsDialog(QDialog):
    """Open conflicts with Keep mine / Keep theirs / Merged / Restore / Accept delete."""

    def __init__(self, store: Store, controller: SyncController, undo_stack: QUndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflicts-dialog")
        self.setWindowTitle(self.tr("Sync conflicts"))
        self.setWindowFlag(Qt.WindowType.Window)
        self.resize(1180, 440)
        self._store, self._controller, self._undo_stack = store, controller, undo_stack
        self.model = ConflictsModel(store, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self._build()
        controller.sig_sync_finished.connect(lambda _outcome: self.reload())
        if controller.bridge is not None:
            controller.bridge.sig_rows_changed.connect(self._on_rows_changed)
        if controller.presentation is not None:
            controller.presentation.sig_toggled.connect(self.set_presentation)
            self.set_presentation(controller.presentation.on)

    def _build(self) -> None:
        self.summary = QLabel()
        self.summary.setObjectName("conflicts-summary")
        self.summary.setWordWrap(True)
        self.table = make_table(self.proxy, "conflicts-table")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ConflictColumn.RECORD, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        chars = self.table.fontMetrics().averageCharWidth()
        for column, width in ((ConflictColumn.RECORD, 30), (ConflictColumn.FIELD, 14),
                              (ConflictColumn.WHO, 24), (ConflictColumn.WHEN, 17)):
            self.table.setColumnWidth(column, chars * width + 16)
        for column in (ConflictColumn.BASE, ConflictColumn.MINE, ConflictColumn.THEIRS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, tip, slot in (
            ("keep-mine", self.tr("Keep &mine"), self.tr("Send my value again, on top of "
                                                       "theirs"), self.keep_mine),
            ("keep-theirs", self.tr("Keep &theirs"), self.tr("Take their value; mine is "
                                                           "dropped"), self.keep_theirs),
            ("merge", self.tr("&Edit merged value…"), self.tr("Type a value that combines "
                                                            "both"), self.merge),
            ("restore", self.tr("&Restore with my changes"),
             self.tr("Bring the deleted record back with my values"), self.restore),
            ("accept-delete", self.tr("&Accept delete"),
             self.tr("Let the record go; my changes to it are dropped"), self.accept_delete),
        ):
            button = QPushButton(text)
            button.setObjectName(f"conflicts-{key}")
            button.setToolTip(tip)
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self._undo_button())
        close = QPushButton(self.tr("Close"))
        close.setObjectName("conflicts-close")
        close.clicked.connect(self.close)
        row.addWidget(close)
        self.note = QLabel()
        self.note.setObjectName("conflicts-note")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addLayout(row)

    def _undo_button(self) -> QPushButton:
        """Undo/redo of the main window's stack, reachable (Ctrl+Z / Ctrl+Shift+Z) while
        this window has the focus; a decision can be taken back until the next sync."""
        undo = self._undo_stack.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self._undo_stack.createRedoAction(self, self.tr("&Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        self.addActions([undo, redo])
        button = QPushButton(self.tr("Undo"))
        button.setObjectName("conflicts-undo")
        button.setToolTip(self.tr("Take back the last edit (Ctrl+Z); a decision can be "
                                  "taken back until the next sync"))
        button.setEnabled(self._undo_stack.canUndo())
        self._undo_stack.canUndoChanged.connect(button.setEnabled)
        button.clicked.connect(self._undo_stack.undo)
        # An undo or redo, here or in the main window, may open or close conflicts.
        self._undo_stack.indexChanged.connect(self._after_undo_or_redo)
        return button

    def _after_undo_or_redo(self) -> None:
        self._controller.refresh_conflicts()
        if self.isVisible():
            self.reload()

    # -- showing -------------------------------------------------------------------------

    def reload(self) -> None:
        chosen = set(self.selected_ids())
        self.model.reload()
        selection = self.table.selectionModel()
        for proxy_row in range(self.proxy.rowCount()):
            index = self.proxy.index(proxy_row, 0)
            if index.data(ID_ROLE) in chosen:
                selection.select(index, selection.SelectionFlag.Select
                                 | selection.SelectionFlag.Rows)
        count = self.model.rowCount()
        self._fit_names()
        checked = sum(1 for row in self.model.rows() if row.conflict.reason)
        if checked == count and count:
            text = self.tr("%d value(s) broke the rules a record must follow: the server "
                           "refused yours, or sent one this version does not allow. Select "
                           "one to see why, then fix it; your decision is sent with the "
                           "next sync.") % count
        else:
            text = (
                self.tr("No conflicts: everything you and your team changed fits together.")
                if not count else
                self.tr("%d conflicts. Someone else changed these fields since you last "
                        "synced, or a value broke a record's rules. Select one or more, "
                        "then choose which value to keep; your decision is sent with the "
                        "next sync.") % count if count > 1 else
                self.tr("1 conflict. Someone else changed this field since you last synced. "
                        "Choose which value to keep; your decision is sent with the next "
                        "sync."))
        self.summary.setText(text)
        self._update_buttons()

    def set_presentation(self, on: bool) -> None:
        self.model.set_show_internal(not on)
        self._fit_names()
        self._update_buttons()

    def _fit_names(self) -> None:
        """Record and field names are what a person decides by: wide enough to read
        whole, up to a share of the window (the values share the rest)."""
        chars = self.table.fontMetrics().averageCharWidth()
        room = max(self.table.viewport().width(), chars * 100)
        for column, least, share in ((ConflictColumn.RECORD, 30, 0.36),
                                     (ConflictColumn.FIELD, 12, 0.14)):
            wanted = max(self.table.sizeHintForColumn(column),
                         self.table.horizontalHeader().sectionSizeHint(column))
            self.table.setColumnWidth(column, max(chars * least, min(wanted + 8,
                                                                     int(room * share))))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_names()

    def _on_rows_changed(self, notice: ChangeNotice) -> None:
        if self.isVisible() and self.model.rowCount():
            tables = {row.conflict.table for row in self.model.rows()}
            if notice.tables & tables:
                self.reload()

    def selected_rows(self) -> list[ConflictRow]:
        rows = []
        for index in self.table.selectionModel().selectedRows():
            found = self.model.row_at(self.proxy.mapToSource(index).row())
            if found is not None:
                rows.append(found)
        return rows

    def selected_ids(self) -> list[int]:
        return [row.id for row in self.selected_rows()]

    def _update_buttons(self) -> None:
        rows = self.selected_rows()
        deleted = [row for row in rows if row.conflict.row_deleted]
        values = bool(rows) and not deleted
        only_deleted = bool(rows) and len(deleted) == len(rows)
        # One merged value fits rows of one field in one currency (a typed amount means
        # different minor units in USD and JPY).
        one_field = len({(r.conflict.table, r.conflict.field, r.info.currency if r.info
                          else None) for r in rows}) == 1
        hidden = not self.model.show_internal and any(row.internal for row in rows)
        mergeable = all(row.mergeable for row in rows)
        self.buttons["keep-mine"].setEnabled(values)
        kept_aside = any(row.conflict.kind == "quarantined" for row in rows)
        self.buttons["keep-theirs"].setEnabled(values and not kept_aside)  # invalid here
        self.buttons["merge"].setEnabled(values and one_field and not hidden and mergeable)
        self.buttons["restore"].setEnabled(only_deleted)
        self.buttons["accept-delete"].setEnabled(only_deleted)
        reasons = list(dict.fromkeys(row.conflict.reason_text for row in rows
                                     if row.conflict.reason))
        if rows and not values and not only_deleted:
            self.note.setText(self.tr("Your selection mixes changed values and deleted "
                                      "records: decide them separately."))
        elif len(reasons) == 1:
            self.note.setText(reasons[0] + " " + self._advice(rows[0].conflict))
        elif values and not one_field:
            self.note.setText(self.tr("A merged value can be typed for one field at a time."))
        else:
            self.note.setText("")

    def _advice(self, c) -> str:
        """What the buttons do for a refused or kept-aside value."""
        if c.reason_code == "parent_deleted":
            return self.tr("Keep mine restores it with your record; keep theirs "
                           "discards your record.")
        if c.kind == "quarantined":
            return self.tr("Keep mine sends your value so everyone has a valid one again, "
                           "or type a value.")
        if c.theirs_missing:
            return self.tr("Fix the value (edit merged value, or edit the record) and it is "
                           "sent again whole; keep theirs discards the record.")
        return self.tr("Fix the value (edit merged value, or edit the record), or keep "
                       "theirs.")

    # -- deciding ------------------------------------------------------------------------

    def keep_mine(self) -> None:
        self._decide("keep_mine")

    def keep_theirs(self) -> None:
        self._decide("keep_theirs")

    def merge(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        dialog = MergedValueDialog(rows[0], len(rows), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self._decide("merged", dialog.value())

    def restore(self) -> None:
        """Deleted-record conflicts: keep mine means restore (the core decides every
        field of the record that met the deletion, in one transaction)."""
        self._decide("keep_mine", text=self.tr("Restore with my changes"))

    def accept_delete(self) -> None:
        self._decide("keep_theirs", text=self.tr("Accept delete"))

    def _decide(self, choice: Choice, merged: Any = None, text: str | None = None) -> None:
        """One undoable decision for the selected conflicts (Ctrl+Z takes it back until
        the next sync)."""
        ids = self.selected_ids()
        if not ids:
            return

        def edit() -> None:
            try:
                perform(self._undo_stack, self._store,
                        DecisionCommand(self._store, ids, choice, merged, text))
            except WRITE_ERRORS as error:
                show_error(self, self.tr("Could not apply the decision"), error,
                           self.tr("Nothing was changed; the list shows what is still open."))
            self.table.clearSelection()
            self.reload()
            self._controller.refresh_conflicts()

        if not self._controller.run_edit(edit):
            self.note.setText(self.tr("Applying your decision as soon as the sync's current "
                                      "step is written…"))
