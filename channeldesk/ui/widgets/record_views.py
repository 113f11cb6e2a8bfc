"""Record lists as every tab and pane shows them: the table's house defaults, its
selected record, and a list with its buttons above it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from channeldesk.ui.widgets.record_table import RecordTableModel


def make_table(model: RecordTableModel, object_name: str) -> QTableView:
    """A read-only, row-selecting table with the house defaults."""
    view = QTableView()
    view.setObjectName(object_name)
    view.setAccessibleName(object_name.replace("-", " "))
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def selected_id(view: QTableView) -> str | None:
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    model = view.model()
    return model.id_at(rows[0].row()) if rows and isinstance(model, RecordTableModel) else None


def list_page(view: QTableView, buttons: list[QPushButton]) -> QWidget:
    """A list with its buttons (Add…, Edit…, Delete) in a row above it."""
    page = QWidget()
    layout = QVBoxLayout(page)
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)
    layout.addWidget(view)
    return page
