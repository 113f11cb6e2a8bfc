"""Short lists the Enablement tab shows beside a record (versions, holders, people):
read whole from one query on change, shown through the house table model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtWidgets import QHeaderView, QTableView

from channeldesk.ui.widgets.record_table import Column, RecordTableModel

R = TypeVar("R")


class RowsModel(RecordTableModel[R], Generic[R]):
    """Rows a ``load()`` call returns, keyed by ``key(row)``, in the order returned."""

    def __init__(self, columns: Sequence[Column[R]], load: Callable[[], list[R]],
                 key: Callable[[R], str], parent=None) -> None:
        super().__init__(columns, parent)
        self._load, self._key = load, key
        self._loaded: dict[str, R] = {}

    def fetch_ids(self) -> list[str]:
        self._loaded = {self._key(row): row for row in self._load()}
        return list(self._loaded)

    def fetch_rows(self, ids: Sequence[str]) -> dict[str, R]:
        return {row_id: self._loaded[row_id] for row_id in ids if row_id in self._loaded}

    def rows(self) -> list[R]:
        return list(self._loaded.values())


def stretch_column(view: QTableView, model: RecordTableModel, key: str) -> None:
    """Let one column take the spare width and size the others to their contents, so a
    narrow detail pane shows whole values instead of cut ones."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    for column in range(model.columnCount()):
        mode = (QHeaderView.ResizeMode.Stretch if model.column_key(column) == key
                else QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(column, mode)
