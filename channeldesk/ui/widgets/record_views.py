"""Record lists as every tab and pane shows them: the table's house defaults, its
selected record, and a list with its buttons above it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from channeldesk.ui.widgets.elided_tips import ElidedTextTips
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
    view.setItemDelegate(ElidedTextTips(view))  # a cut cell's whole text on hover
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


def fit_columns(view: QTableView, samples: dict[str, str], stretch: str | None = None,
                padding: int = 16) -> None:
    """First widths that show each column's longest usual value (``samples``: column key →
    a typical widest text, e.g. "2026-12-31", "North America") or its header, whichever
    is wider; the ``stretch`` column (the long text one) takes the room left and elides,
    so dates and short key columns are never the ones cut. Widths a person sets later
    are restored over these."""
    model = view.model()
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    metrics, bold = view.fontMetrics(), header.fontMetrics()
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    keys = {model.column_key(n) for n in range(model.columnCount())}
    for key, sample in samples.items():
        if key not in keys:
            continue  # a column shown only outside presentation mode
        column = model.column_index(key)
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        width = max(metrics.horizontalAdvance(sample), bold.horizontalAdvance(title) + 14)
        view.setColumnWidth(column, width + padding)
    if stretch is not None:
        header.setSectionResizeMode(model.column_index(stretch), QHeaderView.ResizeMode.Stretch)
