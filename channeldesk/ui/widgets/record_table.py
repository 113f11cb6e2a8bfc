"""A table model over an ordered list of row ids, fetching rows lazily in blocks.

The pattern follows Anki's browser table: the query that filters and sorts returns only
ids, which is cheap even for 100,000 rows; the rows the view actually paints are fetched
by id in blocks of ``BLOCK`` and cached. Subclasses declare their columns and how to
fetch ids and rows; this class does the Qt bookkeeping once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from channeldesk.store.invalid_values import INVALID_TEXT, invalid_fields

if TYPE_CHECKING:
    from channeldesk.store import Store

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
BLOCK = 200
INVALID_COLOUR = QColor("#c62828")
_INVALID_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                            Qt.ItemDataRole.ForegroundRole})


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: header, how to show a row, and optionally its colour or alignment."""

    key: str
    header: str
    display: Callable[[R], str]
    sort_key: str | None = None
    align_right: bool = False
    foreground: Callable[[R], Any] | None = None
    tooltip: Callable[[R], str] | None = None
    field: str | None = None
    """The stored field the column shows, when it is not ``key``: a cell whose stored
    value breaks the field's rules reads "(invalid)" (see ``fetch_invalid``)."""

    @property
    def stored_field(self) -> str:
        return self.field or self.key


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """Rows by id; subclasses implement ``fetch_ids`` and ``fetch_rows``."""

    def __init__(self, columns: Sequence[Column[R]], parent=None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._ids: list[str] = []
        self._rows: dict[str, R] = {}
        self._invalid: dict[str, dict[str, str]] = {}
        self._position: dict[str, int] | None = None  # built when first needed
        self._scope: Callable[[], set[str]] | None = None
        self.loaded = False

    # -- to implement -----------------------------------------------------------------

    def fetch_ids(self) -> list[str]:
        raise NotImplementedError

    def fetch_rows(self, ids: Sequence[str]) -> dict[str, R]:
        raise NotImplementedError

    _store: Store
    stored_table: str | None = None
    """The synced table the row ids are ids of, if any (its model keeps the store in
    ``_store``): its unreadable stored values then show as "(invalid)"."""

    def fetch_invalid(self, ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """Row id → {field: what is wrong} for the shown fields' stored values that break
        their rules (``store.invalid_values``). Such a value reads as None, so without
        this its cell would look merely empty."""
        if self.stored_table is None:
            return {}
        shown = [column.stored_field for column in self._columns]
        return invalid_fields(self._store.db, self.stored_table, ids, shown)

    # -- public -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-run the query; the view keeps nothing stale."""
        self.beginResetModel()
        self.set_ids(self.fetch_ids())
        self._rows.clear()
        self._invalid.clear()
        self.loaded = True
        self.endResetModel()

    def set_ids(self, ids: list[str]) -> None:
        """The new order; positions by id are worked out only when asked for (a dict of
        100,000 ids cost ~10 ms a keystroke, and one lookup needs only a list scan)."""
        if self._scope is not None:
            allowed = self._scope()
            ids = [row_id for row_id in ids if row_id in allowed]
        self._ids = ids
        self._position = None

    def set_scope(self, scope: Callable[[], set[str]] | None) -> None:
        """Show only the ids ``scope()`` returns (asked again at each refresh, so a record
        added meanwhile shows); None shows every row again."""
        self._scope = scope
        self.refresh()

    @property
    def scoped(self) -> bool:
        return self._scope is not None

    def refresh_rows(self, ids: set[str] | frozenset[str]) -> None:
        """Re-read rows that changed in place (same order, same membership)."""
        for row_id in ids:
            self._rows.pop(row_id, None)
            self._invalid.pop(row_id, None)
            row = self.row_of(row_id) if len(ids) < 8 else self._positions().get(row_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, row_id: str) -> int | None:
        if self._position is not None:
            return self._position.get(row_id)
        try:
            return self._ids.index(row_id)
        except ValueError:
            return None

    def _positions(self) -> dict[str, int]:
        if self._position is None:
            self._position = {row_id: n for n, row_id in enumerate(self._ids)}
        return self._position

    def record(self, row: int) -> R | None:
        row_id = self.id_at(row)
        if row_id is None:
            return None
        if row_id not in self._rows:
            self._load_block(row)
        return self._rows.get(row_id)

    def column_key(self, column: int) -> str:
        return self._columns[column].key

    def column_index(self, key: str) -> int:
        return next(n for n, column in enumerate(self._columns) if column.key == key)

    def ids(self) -> list[str]:
        return list(self._ids)

    # -- Qt ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self._columns[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole and self._columns[section].align_right:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() >= len(self._columns):
            return None
        record = self.record(index.row())
        if record is None:
            return None
        column = self._columns[index.column()]
        if self._invalid and role in _INVALID_ROLES:
            problem = self._problem(index.row(), column)
            if problem is not None:
                return self._invalid_cell(problem, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(record)
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground:
            return column.foreground(record)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip(record)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _problem(self, row: int, column: Column[R]) -> str | None:
        problems = self._invalid.get(self._ids[row])
        return problems.get(column.stored_field) if problems else None

    def _invalid_cell(self, problem: str, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return INVALID_TEXT
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("The stored value cannot be read: {0} Edit the record to "
                           "correct it.").format(problem)
        if role == Qt.ItemDataRole.ForegroundRole:
            return INVALID_COLOUR
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    block = BLOCK
    """Rows fetched at a time; a model whose rows cost more to read fetches fewer."""

    def _load_block(self, row: int) -> None:
        start = max(0, row - self.block // 4)
        wanted = [row_id for row_id in self._ids[start:start + self.block]
                  if row_id not in self._rows]
        self._rows.update(self.fetch_rows(wanted))
        self._invalid.update(self.fetch_invalid(wanted))


class SqlSortedTableModel(RecordTableModel[R]):
    """A table whose columns sort and filter in SQL: a column's ``sort_key`` names a member
    of ``sort_keys``; ``fetch_ids`` reads ``_filter`` (a frozen dataclass with a ``text``
    field), ``_sort`` and ``_descending``."""

    sort_keys: type[Enum]

    def __init__(self, columns: Sequence[Column[R]], initial_sort: Enum, no_filter: Any,
                 parent=None) -> None:
        super().__init__(columns, parent)
        self._sort = initial_sort
        self._descending = False
        self._filter = no_filter

    def set_filter(self, flt: Any) -> None:
        if flt != self._filter:
            self._filter = flt
            self.refresh()

    def set_search_text(self, text: str) -> None:
        self.set_filter(replace(self._filter, text=text.strip()))

    @property
    def sort_order(self) -> tuple[Enum, bool]:
        return self._sort, self._descending

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        sort_key = self._columns[column].sort_key
        if sort_key is None:
            return
        wanted = (self.sort_keys(sort_key), order == Qt.SortOrder.DescendingOrder)
        if self.loaded and wanted == (self._sort, self._descending):
            return  # Qt asks again for the same order; the query is the costly part
        self._sort, self._descending = wanted
        if not self.loaded:
            self.refresh()
            return
        self.layoutAboutToBeChanged.emit()
        self.set_ids(self.fetch_ids())
        self.layoutChanged.emit()
