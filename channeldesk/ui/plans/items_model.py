"""Editable tables of a plan's parts (targets, activities, commitments, signatures,
objectives), edited in place during a planning session.

Each cell edit is parsed here (amounts, whole numbers, dates, choices), refused with a
message that says what is wrong, or written as one undoable :class:`UpdateCommand`. The
lists are short (one plan's rows), so they are simply re-read when their table changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from channeldesk.domain.money import Money, MoneyError
from channeldesk.domain.plan_document import format_money
from channeldesk.store import Store
from channeldesk.store.engagement_queries import plan_items
from channeldesk.store.models import SyncedModel
from channeldesk.ui.shell.undo import UpdateCommand, perform_or_report

Index = QModelIndex | QPersistentModelIndex
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 10
INTERNAL_COLOUR = QColor("#8e24aa")
COMPUTED_COLOUR = QColor("#1565c0")


class CellError(ValueError):
    """A typed value that cannot be stored; the message is shown to the user."""


@dataclass(frozen=True)
class ItemColumn:
    """One column: the field it edits and how values are typed. ``internal`` is filled
    from the table's description by the model, never declared by the editor."""

    field: str
    header: str
    kind: str = "text"  # text | count | money | date | choice | check | computed
    choices: tuple[tuple[str, str], ...] = ()
    internal: bool = False
    compute: Callable[[Any], str] | None = None
    chars: int = 14
    required: bool = False
    money_when: Callable[[Any], bool] | None = None  # a count column that holds money
    # A value computed elsewhere replaces the stored one: (value, where it comes from), or
    # None where the stored value stands. Such a cell is read-only.
    computed_from: Callable[[Any], tuple[Any, str] | None] | None = None


class PlanItemsModel(QAbstractTableModel):
    """The live rows of one plan in one child table, in their planned order."""

    sig_edit_refused = Signal(str)
    """Emitted with a message when a typed value cannot be stored."""

    def __init__(self, store: Store, stack, model: type[SyncedModel],
                 columns: Sequence[ItemColumn], order: Callable[[type], list],
                 what: str, owner: QWidget) -> None:
        super().__init__(owner)
        self._store, self._stack, self._model = store, stack, model
        description = model.description
        columns = [replace(c, internal=bool(c.field) and description.is_internal(c.field))
                   for c in columns]
        self._all_columns = list(columns)
        self._order, self._what, self._owner = order, what, owner
        self._show_internal = True
        self._columns = list(columns)
        self._rows: list[Any] = []
        self.plan_id: str | None = None
        self.currency = "EUR"
        self._editable: frozenset[str] | None = None  # None: every field (not locked)

    @property
    def row_model(self) -> type[SyncedModel]:
        return self._model

    @property
    def what(self) -> str:
        return self._what

    @property
    def table_name(self) -> str:
        return self._model._meta.table_name

    def set_plan(self, plan_id: str | None, currency: str = "EUR") -> None:
        self.plan_id, self.currency = plan_id, currency
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        if self.plan_id is None:
            self._rows = []
        else:
            self._rows = plan_items(self._model, self.plan_id, self._order(self._model))
        self.endResetModel()

    def set_choices(self, field: str, choices: tuple[tuple[str, str], ...]) -> None:
        """Change a choice column's options (the quarters of the shown plan's period)."""
        self.beginResetModel()
        self._all_columns = [replace(c, choices=choices) if c.field == field else c
                             for c in self._all_columns]
        self._columns = [c for c in self._all_columns if self._show_internal or not c.internal]
        self.endResetModel()

    def set_show_internal(self, show: bool) -> None:
        if show != self._show_internal:
            self.beginResetModel()
            self._show_internal = show
            self._columns = [c for c in self._all_columns if show or not c.internal]
            self.endResetModel()

    def set_editable_fields(self, fields: frozenset[str] | None) -> None:
        """Which fields may be edited (a signed plan keeps only its progress fields);
        None when every field may."""
        if fields != self._editable:
            self.beginResetModel()
            self._editable = fields
            self.endResetModel()

    @property
    def locked(self) -> bool:
        return self._editable is not None

    def columns(self) -> list[ItemColumn]:
        return list(self._columns)

    def row_id(self, row: int) -> str | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, row_id: str) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.id == row_id), None)

    def record(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def next_position(self) -> int:
        return max((r.position for r in self._rows if hasattr(r, "position")), default=-1) + 1

    # -- Qt ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ForegroundRole and column.internal:
            return INTERNAL_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole and column.internal:
            return self.tr("Internal only: hidden in presentation mode and never exported")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, column = self._rows[index.row()], self._columns[index.column()]
        value = getattr(row, column.field, None) if column.field else None
        computed = column.computed_from(row) if column.computed_from else None
        if computed is not None:
            value = computed[0]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tr("Computed from %s; not edited here") % computed[1]
            if role == Qt.ItemDataRole.ForegroundRole:
                return COMPUTED_COLOUR
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column, value)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_text(row, column, value)
        if role == Qt.ItemDataRole.ToolTipRole and column.kind == "text" and value:
            return str(value)
        if role == Qt.ItemDataRole.CheckStateRole and column.kind == "check":
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == CHOICES_ROLE:
            return column.choices
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind in ("count", "money",
                                                                          "computed"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column.internal:
            return INTERNAL_COLOUR
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = self._columns[index.column()]
        kind = column.kind
        if kind == "computed" or (column.computed_from and self._rows[index.row()] and
                                  column.computed_from(self._rows[index.row()]) is not None):
            return base
        if self._editable is not None and column.field not in self._editable:
            return base  # read-only: the plan is signed or archived
        if kind == "check":
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row, column = self._rows[index.row()], self._columns[index.column()]
        try:
            if role == Qt.ItemDataRole.CheckStateRole and column.kind == "check":
                stored = Qt.CheckState(value) == Qt.CheckState.Checked
            elif role == Qt.ItemDataRole.EditRole:
                stored = self._parse(row, column, value)
            else:
                return False
        except CellError as error:
            self.sig_edit_refused.emit(
                self.tr("Row %d, %s: %s Nothing was changed.")
                % (index.row() + 1, column.header, error))
            return False
        if getattr(row, column.field) == stored:
            return True
        command = UpdateCommand(self._store, self._model, row.id, {column.field: stored},
                                self.tr("Edit %s: %s") % (self._what, column.header))
        return perform_or_report(self._owner, self._stack, self._store, command,
                                 self.tr("Could not save the change"))

    # -- values -----------------------------------------------------------------------

    def _is_money(self, row, column: ItemColumn) -> bool:
        return column.kind == "money" or bool(column.money_when and column.money_when(row))

    def _display(self, row, column: ItemColumn, value) -> str:
        if column.kind == "computed":
            return column.compute(row) if column.compute else ""
        if column.kind == "check":
            return ""
        if column.kind == "choice":
            return dict(column.choices).get(value or "", value or "")
        if column.kind == "date":
            return value.isoformat() if isinstance(value, date) else (value or "")
        if value is None or value == "":
            return ""
        if self._is_money(row, column):
            return format_money(Money.from_minor(int(value), self.currency))
        if column.kind == "count":
            return f"{int(value):,}"
        return str(value)

    def _edit_text(self, row, column: ItemColumn, value) -> str:
        if value is None:
            return ""
        if column.kind == "choice":
            return value
        if self._is_money(row, column):
            return str(Money.from_minor(int(value), self.currency).amount)
        return self._display(row, column, value)

    def _parse(self, row, column: ItemColumn, value: Any):
        text = str(value if value is not None else "").strip()
        if column.kind == "choice":
            if text not in dict(column.choices):
                raise CellError(self.tr("'%s' is not one of the choices.") % text)
            return text
        if column.kind == "text":
            if column.required and not text:
                raise CellError(self.tr("this cannot be empty."))
            return text
        if column.kind == "date":
            if not text:
                return None
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise CellError(self.tr("'%s' is not a date like 2026-03-31.") % text) \
                    from None
        if not text:
            if column.required:
                raise CellError(self.tr("enter a number (0 if none)."))
            return None
        if self._is_money(row, column):
            try:
                minor = Money.parse(text, self.currency).to_minor()
            except MoneyError as error:
                raise CellError(str(error)) from None
            if minor < 0:
                raise CellError(self.tr("an amount cannot be negative."))
            return minor
        cleaned = text.replace(",", "").replace(" ", "")
        if not (cleaned.isascii() and cleaned.isdigit()):  # int() refuses "²"
            raise CellError(self.tr("'%s' is not a whole number of 0 or more.") % text)
        return int(cleaned)
