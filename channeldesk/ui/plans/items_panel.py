"""A table of one plan's parts, edited in place, with Add and Remove.

Typing starts editing (no double click needed), Enter moves on, choices open as a combo
box: fast enough to keep up with a partner on a shared screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from channeldesk.ui.plans.items_model import CHOICES_ROLE, PlanItemsModel
from channeldesk.ui.shell.undo import DeleteCommand, InsertCommand, perform_or_report
from channeldesk.ui.widgets.confirm import confirm_delete


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box for columns with choices; plain line editing for the rest."""

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        choices = index.data(CHOICES_ROLE)
        if not choices:
            return super().createEditor(parent, option, index)
        box = QComboBox(parent)
        box.setObjectName("plan-cell-choice")
        for code, text in choices:
            box.addItem(text, code)
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


class PlanItemsPanel(QWidget):
    """The table, an error line for refused input, and Add / Remove buttons."""

    def __init__(self, model: PlanItemsModel, name: str, add_text: str,
                 defaults: Callable[[], dict[str, Any] | None], store, stack,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model, self._defaults, self._store, self._stack = model, defaults, store, stack
        self.view = QTableView()
        self.view.setObjectName(f"plan-{name}-table")
        self.view.setAccessibleName(f"plan {name}")
        self.view.setModel(model)
        self.view.setItemDelegate(ChoiceDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                  | QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 12)
        self.view.horizontalHeader().setHighlightSections(False)
        self.view.horizontalHeader().setStretchLastSection(False)
        model.modelReset.connect(self._size_columns)
        self.error = QLabel()
        self.error.setObjectName(f"plan-{name}-error")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        model.sig_edit_refused.connect(self._show_error)
        model.dataChanged.connect(lambda *_: self.error.hide())
        self.add_button = QPushButton(add_text)
        self.add_button.setObjectName(f"plan-{name}-add")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName(f"plan-{name}-remove")
        self.remove_button.clicked.connect(self.remove_row)
        remove = self._remove_action = QAction(self.tr("Remove"), self.view)
        remove.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self.remove_row)
        self.view.addAction(remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self._size_columns()

    def set_editable_fields(self, fields: frozenset[str] | None) -> None:
        """Lock the table to ``fields`` (None: all): on a signed or archived plan rows
        are neither added nor removed."""
        self.model.set_editable_fields(fields)
        for widget in (self.add_button, self.remove_button, self._remove_action):
            widget.setEnabled(fields is None)
        tip = "" if fields is None else self.tr("The plan is locked: amend it to change this")
        self.add_button.setToolTip(tip)
        self.remove_button.setToolTip(tip)

    def _size_columns(self) -> None:
        """The widest text column takes the room left; the others keep readable widths."""
        chars = self.view.fontMetrics().averageCharWidth()
        header = self.view.horizontalHeader()
        columns = self.model.columns()
        widest = max(range(len(columns)), key=lambda n: columns[n].chars, default=0)
        for n, column in enumerate(columns):
            header.setSectionResizeMode(n, QHeaderView.ResizeMode.Stretch if n == widest
                                        else QHeaderView.ResizeMode.Interactive)
            self.view.setColumnWidth(n, chars * column.chars + 16)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def add_row(self) -> None:
        if self.model.plan_id is None:
            return
        values = self._defaults()
        if values is None:
            return
        values = {"plan": self.model.plan_id, **values}
        command = InsertCommand(self._store, self.model.row_model, values,
                                self.tr("Add %s") % self.model.what)
        if perform_or_report(self, self._stack, self._store, command,
                             self.tr("Could not add the row")):
            self.model.refresh()
            row = self.model.row_of(command.row_id)
            if row is not None:
                index = self.model.index(row, 0)
                self.view.setCurrentIndex(index)
                self.view.setFocus()

    def remove_row(self) -> None:
        index = self.view.currentIndex()
        row_id = self.model.row_id(index.row()) if index.isValid() else None
        if row_id is None or not confirm_delete(self, self.model.what,
                                                self._row_name(index.row())):
            return
        perform_or_report(self, self._stack, self._store,
                          DeleteCommand(self._store, self.model.row_model, row_id,
                                        self.tr("Remove %s") % self.model.what),
                          self.tr("Could not remove the row"))

    def _row_name(self, row: int) -> str:
        for column in range(self.model.columnCount()):
            text = self.model.index(row, column).data()
            if text and self.model.columns()[column].kind in ("text",):
                return text
        return self.model.index(row, 0).data() or ""
