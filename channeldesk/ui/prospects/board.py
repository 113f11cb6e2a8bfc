"""The pipeline as a board: one column per stage, the best-fitting prospects first.

Each column lists at most ``PER_STAGE`` prospects (by fit score) with the stage's full
count in its header, so a pipeline of 100,000 stays a quick glance; the table is for
working through all of them. Dragging a card to another column asks to move it there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.prospect import PIPELINE, is_overdue, label
from channeldesk.store import Store
from channeldesk.store.prospect_derived import catch_up
from channeldesk.store.prospect_queries import (
    ProspectFilter,
    ProspectRow,
    ProspectSort,
    prospect_ids,
    prospect_rows,
    stage_counts,
)
from channeldesk.ui.prospects.model import OVERDUE_COLOUR, score_colour

PER_STAGE = 200
CARD_CHARS = 30  # a card's least width: "Borealis Integration GmbH", "overdue, due …"
MIME = "application/x-channeldesk-prospect"
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class CardDelegate(QStyledItemDelegate):
    """A card: the company in bold; the fit score (in its colour) and the owner; the next
    step; its date, marked "overdue" in red once it has passed. Each line is elided to
    the column's width."""

    LINES = 4

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row: ProspectRow | None = index.data(ROW_ROLE)
        if row is None:
            return
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter,
                              option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = option.rect.adjusted(6, 3, -6, -3)
        line = rect.height() // self.LINES
        text_colour = option.palette.highlightedText().color() if selected else \
            option.palette.text().color()
        painter.save()
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_colour)
        self._text(painter, rect, 0, line, row.company)
        painter.setFont(option.font)
        score = "—" if row.score is None else str(row.score)
        colour = score_colour(row.score)
        painter.setPen(text_colour if selected or colour is None else colour)
        fit = f"{score}  "
        self._text(painter, rect, line, line, fit)
        offset = painter.fontMetrics().horizontalAdvance(fit)
        painter.setPen(text_colour)
        self._text(painter, rect.adjusted(offset, 0, 0, 0), line, line,
                   row.owner or self.tr("no owner"))
        step = row.next_step.split("\n")[0]
        self._text(painter, rect, 2 * line, line, step or self.tr("no next step"))
        if row.next_step_on is not None:
            due = self.tr("due %s") % row.next_step_on.isoformat()
            if is_overdue(row.next_step_on, row.stage, date.today()):
                due = self.tr("overdue, due %s") % row.next_step_on.isoformat()
                painter.setPen(text_colour if selected else OVERDUE_COLOUR)
            self._text(painter, rect, 3 * line, line, due)
        painter.restore()

    @staticmethod
    def _text(painter: QPainter, rect, top: int, height: int, text: str) -> None:
        box = rect.adjusted(0, top, 0, 0)
        box.setHeight(height)
        painter.drawText(box, Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight,
                                                          max(0, box.width())))

    def sizeHint(self, option: QStyleOptionViewItem, index: Index):
        hint = super().sizeHint(option, index)
        hint.setHeight(option.fontMetrics.height() * self.LINES + 12)
        hint.setWidth(40)  # cards take the column's width and elide, never scroll sideways
        return hint


class StageListModel(QAbstractListModel):
    """The cards of one stage column."""

    def __init__(self, stage: str, parent=None) -> None:
        super().__init__(parent)
        self.stage = stage
        self._rows: list[ProspectRow] = []

    def set_rows(self, rows: Sequence[ProspectRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def id_at(self, row: int) -> str | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, prospect_id: str) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.id == prospect_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:  # what screen readers and tests read
            score = "—" if row.score is None else str(row.score)
            return f"{row.company}, {self.tr('fit')} {score}, {row.country}"
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            owner = f"{self.tr('Owner')}: {row.owner}\n" if row.owner else ""
            return f"{row.company}\n{owner}{row.breakdown}".strip()
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        return base | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemIsDragEnabled

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes) -> QMimeData:
        data = QMimeData()
        ids = [self.id_at(i.row()) for i in indexes if i.isValid()]
        data.setData(MIME, ",".join(i for i in ids if i).encode())
        return data

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return data.hasFormat(MIME)

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if not data.hasFormat(MIME):
            return False
        board = self.parent()
        for prospect_id in bytes(data.data(MIME)).decode().split(","):
            if prospect_id and self.row_of(prospect_id) is None:
                board.sig_move_requested.emit(prospect_id, self.stage)
        return False  # the move happens through the undo stack, not by Qt removing rows


class ProspectBoard(QWidget):
    """Columns of stage cards; selecting a card selects the prospect."""

    sig_prospect_selected = Signal(object)
    """A card was selected (its prospect id), or None."""
    sig_move_requested = Signal(str, str)
    """A card was dropped on another stage's column: (prospect id, stage)."""
    sig_open_requested = Signal()
    """A card was double-clicked or Enter was pressed on it."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prospects-board")
        self._store = store
        self._filter = ProspectFilter()
        self.models: dict[str, StageListModel] = {}
        self.views: dict[str, QListView] = {}
        self._headers: dict[str, QLabel] = {}
        # Seven stages never squeeze below a readable card: on a laptop the board scrolls
        # sideways instead of cutting names to a dozen letters.
        inner = QWidget()
        layout = QHBoxLayout(inner)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for stage in PIPELINE:
            layout.addLayout(self._column(stage.value), 1)
        scroll = QScrollArea()
        scroll.setObjectName("prospects-board-scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _column(self, stage: str) -> QVBoxLayout:
        header = QLabel()
        header.setObjectName(f"board-header-{stage}")
        header.setStyleSheet("font-weight: bold; padding: 2px 4px;")
        model = StageListModel(stage, self)
        view = QListView()
        view.setObjectName(f"board-{stage}")
        view.setMinimumWidth(view.fontMetrics().averageCharWidth() * CARD_CHARS)
        view.setAccessibleName(self.tr("%s prospects") % label(stage))
        view.setModel(model)
        view.setItemDelegate(CardDelegate(view))
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setResizeMode(QListView.ResizeMode.Adjust)
        view.setSpacing(1)
        view.setAlternatingRowColors(True)
        view.setUniformItemSizes(True)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        view.setDefaultDropAction(Qt.DropAction.MoveAction)
        view.selectionModel().currentChanged.connect(
            lambda current, _previous, s=stage: self._on_current(s, current))
        view.activated.connect(lambda _index: self.sig_open_requested.emit())
        self.models[stage], self.views[stage], self._headers[stage] = model, view, header
        column = QVBoxLayout()
        column.addWidget(header)
        column.addWidget(view, 1)
        return column

    def set_filter(self, flt: ProspectFilter) -> None:
        self._filter = replace(flt, stages=frozenset())
        self.refresh()

    def refresh(self) -> None:
        catch_up(self._store.db)
        db = self._store.db
        counts = stage_counts(db, self._filter)
        wanted = self._filter
        for stage, model in self.models.items():
            ids = prospect_ids(db, replace(wanted, stages=frozenset({stage})),
                               ProspectSort.SCORE, descending=True, limit=PER_STAGE)
            rows = prospect_rows(db, ids)
            model.set_rows([rows[i] for i in ids if i in rows])
            count = counts.get(stage, 0)
            more = self.tr(" (top %s)") % PER_STAGE if count > PER_STAGE else ""
            self._headers[stage].setText(f"{label(stage)} · {count:,}{more}")

    def select(self, prospect_id: str | None) -> None:
        for model in self.models.values():
            row = model.row_of(prospect_id) if prospect_id else None
            if row is not None:
                view = self.views[model.stage]
                view.setCurrentIndex(model.index(row))
                view.setFocus()
                return

    def _on_current(self, stage: str, current: QModelIndex) -> None:
        if not current.isValid():
            return
        for other, view in self.views.items():
            if other != stage:
                view.selectionModel().clearSelection()
        self.sig_prospect_selected.emit(self.models[stage].id_at(current.row()))
