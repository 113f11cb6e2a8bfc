"""The open sync conflicts as a table a person can decide from.

Conflicts are few (a handful after a sync, rarely hundreds), so the model holds them all,
read with ``conflicts.list_conflicts``; what it adds is the reading: the record's name
instead of its id, the field's label, values as the app shows them elsewhere ("Gold",
not "gold"; "$90,000.00", not 9000000), who changed it and when — and, in presentation
mode, nothing of an internal-only field or an internal-only record. All of that comes
from each table's description (``store/description.py``): this module names no table
and no field.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDateTime, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from channeldesk.store import Store
from channeldesk.store.description import (
    FieldSpec,
    Kind,
    RecordInfo,
    TableDescription,
    description_for,
    name_records,
    with_references,
)
from channeldesk.sync import devices
from channeldesk.sync.conflict_log import QUARANTINED, REJECTED
from channeldesk.sync.conflicts import Conflict, list_conflicts
from channeldesk.ui.sync.status import local_time_text
from channeldesk.ui.widgets.record_table import ID_ROLE, SORT_ROLE, Index

SHOWN_CHARS = 80
EMPTY = "(empty)"
HIDDEN = "hidden"
MUTED = QColor("#757575")
UNMERGEABLE = frozenset({Kind.REFERENCE, Kind.BLOB})


class ConflictColumn(IntEnum):
    RECORD = 0
    FIELD = 1
    BASE = 2
    MINE = 3
    THEIRS = 4
    WHO = 5
    WHEN = 6


HEADERS = {
    ConflictColumn.RECORD: "Record", ConflictColumn.FIELD: "Field",
    ConflictColumn.BASE: "Before (base)", ConflictColumn.MINE: "Mine",
    ConflictColumn.THEIRS: "Theirs", ConflictColumn.WHO: "Changed by",
    ConflictColumn.WHEN: "When",
}


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 1] + "…"


def format_time(when: QDateTime | None) -> str:
    if when is None or not when.isValid():
        return ""
    return local_time_text(when)


@dataclass(frozen=True)
class ConflictRow:
    """One conflict with what it takes to show it: the table's description and the
    record as a person reads it (name, currency, internal-only)."""

    conflict: Conflict
    record: str  # e.g. "Partner · Northwind Systems"
    internal_field: bool  # the field is internal-only
    internal_row: bool  # the whole record is internal-only (an internal activity)
    who: str  # who made "theirs", e.g. "carol@acme.example (laptop)"
    description: TableDescription | None = None  # None: a table this version does not know
    info: RecordInfo | None = None

    @property
    def id(self) -> int:
        return self.conflict.id

    @property
    def spec(self) -> FieldSpec | None:
        d = self.description
        return d.field(self.conflict.field) if d and d.has(self.conflict.field) else None

    @property
    def field_label(self) -> str:
        spec = self.spec
        return spec.label if spec else self.conflict.field.replace("_", " ").capitalize()

    @property
    def table_label(self) -> str:
        d = self.description
        return d.label if d else self.conflict.table.replace("_", " ").capitalize()

    @property
    def mergeable(self) -> bool:
        """Whether a merged value can be typed: a known, editable field of a kind a
        person types (not a link to another record or a stored file)."""
        spec = self.spec
        return spec is not None and spec.editable and spec.kind not in UNMERGEABLE

    @property
    def internal(self) -> bool:
        return self.internal_field or self.internal_row

    @property
    def when(self) -> QDateTime:
        c = self.conflict
        stamp = c.theirs_time
        if stamp is not None:
            return QDateTime.fromMSecsSinceEpoch(int(stamp.timestamp() * 1000))
        return QDateTime.fromString(c.detected_at, Qt.DateFormat.ISODate)

    def format(self, value: Any) -> str:
        """A stored value as the rest of the app shows it, on one line."""
        if value is None or value == "":
            text = self.spec.empty_text if self.spec else ""
        elif self.description is not None and self.spec is not None:
            text = self.description.format(self.conflict.field, value, self.info)
        else:
            text = str(value)
        return " ".join(text.split()) or EMPTY


def _references(conn: sqlite3.Connection, found: Sequence[Conflict],
                infos: dict[tuple[str, str], RecordInfo]) -> dict[tuple[str, str], RecordInfo]:
    """The records' infos with names for the ids that reference fields in conflict hold."""
    wanted: dict[tuple[str, str], dict[str, list[Any]]] = {}
    for c in found:
        description = description_for(c.table)
        if description and description.has(c.field) and \
                description.field(c.field).kind is Kind.REFERENCE:
            ids = wanted.setdefault((c.table, c.row_id), {}).setdefault(c.field, [])
            ids.extend((c.base, c.mine, c.theirs))
    for key, names in wanted.items():
        infos[key] = with_references(conn, description_for(key[0]), infos[key], names)
    return infos


def describe(store: Store, found: Sequence[Conflict]) -> list[ConflictRow]:
    """Conflicts as rows to show: every record named in one query per table."""
    conn = store.db.connection()
    infos = _references(conn, found, name_records(conn, ((c.table, c.row_id)
                                                         for c in found)))
    names = devices.known(conn)
    rows = []
    for c in found:
        description, info = description_for(c.table), infos[(c.table, c.row_id)]
        rows.append(ConflictRow(
            c, info.name, bool(description and description.is_internal(c.field)),
            info.internal, devices.describe(c.theirs_device, names), description, info))
    return rows


class ConflictsModel(QAbstractTableModel):
    """Open conflicts, oldest first; ``ID_ROLE`` gives a row's conflict id and
    ``SORT_ROLE`` the raw value to sort on."""

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self._rows: list[ConflictRow] = []
        self._show_internal = True

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = describe(self._store, list_conflicts(self._store))
        self.endResetModel()

    def set_show_internal(self, show: bool) -> None:
        if show != self._show_internal:
            self._show_internal = show
            if self._rows:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(self._rows) - 1, len(ConflictColumn) - 1))

    @property
    def show_internal(self) -> bool:
        return self._show_internal

    def row_at(self, row: int) -> ConflictRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[ConflictRow]:
        return list(self._rows)

    # -- Qt ------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ConflictColumn)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(ConflictColumn)):
            return self.tr(HEADERS[ConflictColumn(section)])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(ConflictColumn):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        column = ConflictColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return _short(self._text(row, column))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole and self._muted(row, column):
            return MUTED
        if role == Qt.ItemDataRole.FontRole and self._muted(row, column):
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def _hidden(self, row: ConflictRow, column: ConflictColumn) -> bool:
        if self._show_internal or not row.internal:
            return False
        values = (ConflictColumn.BASE, ConflictColumn.MINE, ConflictColumn.THEIRS)
        return column in values or (row.internal_row and column is ConflictColumn.RECORD)

    def _muted(self, row: ConflictRow, column: ConflictColumn) -> bool:
        return self._hidden(row, column) or self._text(row, column) == EMPTY

    def _text(self, row: ConflictRow, column: ConflictColumn) -> str:
        c = row.conflict
        if self._hidden(row, column):
            return (self.tr("%s (internal only, hidden)") % row.table_label
                    if column is ConflictColumn.RECORD else self.tr(HIDDEN))
        if column is ConflictColumn.RECORD:
            return row.record
        if column is ConflictColumn.FIELD:
            return row.field_label
        if column is ConflictColumn.BASE:
            return row.format(c.base)
        if column is ConflictColumn.MINE:
            return row.format(c.mine)
        if column is ConflictColumn.THEIRS:
            if c.row_deleted:
                return self.tr("Record deleted")
            if c.kind == REJECTED and c.theirs_missing:
                return self.tr("Not on the server")
            return row.format(c.theirs)
        if column is ConflictColumn.WHO:
            if c.kind == REJECTED:
                return self.tr("Refused by the server")
            if c.kind == QUARANTINED:
                return self.tr("Invalid from the server")
            return row.who
        return format_time(row.when)

    def _tooltip(self, row: ConflictRow, column: ConflictColumn) -> str:
        c = row.conflict
        if self._hidden(row, column):
            return self.tr("Internal-only, hidden in presentation mode: leave it (F11) "
                           "to see the value.")
        if c.reason and column in (ConflictColumn.WHO, ConflictColumn.RECORD,
                                   ConflictColumn.FIELD, ConflictColumn.MINE):
            return c.reason_text  # why the server refused it, or why it was kept aside
        if column is ConflictColumn.THEIRS and c.row_deleted:
            last = "" if c.theirs_missing else self.tr(" Their last value: %s.") % \
                row.format(c.theirs)
            return self.tr("Someone deleted this record while you changed it.") + last
        if column is ConflictColumn.WHO:
            return self.tr("Server device id: %s") % (c.theirs_device or "unknown")
        if column is ConflictColumn.WHEN:
            mine = format_time(QDateTime.fromMSecsSinceEpoch(
                int(c.mine_time.timestamp() * 1000))) if c.mine_time else ""
            detected = format_time(QDateTime.fromString(c.detected_at, Qt.DateFormat.ISODate))
            return self.tr("Their change: %s\nYour change: %s\nFound at sync: %s") % (
                format_time(row.when), mine or "?", detected)
        return self._text(row, column)

    def _sort_value(self, row: ConflictRow, column: ConflictColumn) -> Any:
        if column is ConflictColumn.WHEN:
            return row.when.toMSecsSinceEpoch() if row.when.isValid() else 0
        return self._text(row, column).casefold()
