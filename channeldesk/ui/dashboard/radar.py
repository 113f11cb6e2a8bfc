"""The deadline radar: everything due or expiring, grouped overdue / this week / this month.

Rows come from every feature's deadline provider (``services/lookups.deadlines_between``);
Enter or a double-click opens the record in its tab.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from channeldesk.domain.lookups import Deadline, Link
from channeldesk.ui.widgets.formats import format_date

OVERDUE_LOOKBACK_DAYS = 365
WEEK_DAYS = 7
MONTH_DAYS = 30
OVERDUE_COLOUR = "#b3261e"
LINK_ROLE = Qt.ItemDataRole.UserRole


def radar_span(today: date) -> tuple[date, date]:
    """The dates the radar asks the features about."""
    return today - timedelta(days=OVERDUE_LOOKBACK_DAYS), today + timedelta(days=MONTH_DAYS)


def group_of(deadline: Deadline, today: date) -> int:
    """0 overdue, 1 due within a week (today included), 2 later within the month."""
    if deadline.due_on < today:
        return 0
    return 1 if deadline.due_on < today + timedelta(days=WEEK_DAYS) else 2


class DeadlineRadar(QTreeWidget):
    """Deadlines in three groups; ``sig_open`` carries the chosen row's record link."""

    sig_open = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard-radar")
        self.setColumnCount(3)
        self.setHeaderLabels([self.tr("Due"), self.tr("What"), self.tr("Whose")])
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.itemActivated.connect(lambda item, _column: self._open(item))
        self.setToolTip(self.tr("Double-click or press Enter to open the record"))
        self.groups: list[QTreeWidgetItem] = []

    def show_deadlines(self, deadlines: list[Deadline], today: date) -> None:
        """Replace the rows; groups keep their expanded state."""
        titles = (self.tr("Overdue"), self.tr("This week"), self.tr("This month"))
        expanded = [group.isExpanded() for group in self.groups] or [True, True, False]
        self.clear()
        self.groups = [QTreeWidgetItem([title]) for title in titles]
        bold = QFont(self.font())
        bold.setBold(True)
        for group in self.groups:
            group.setFirstColumnSpanned(False)
            group.setFont(0, bold)
            self.addTopLevelItem(group)
        # Overdue: the most recently missed first (last week's slip matters more than a
        # commitment from a plan long closed); upcoming: soonest first.
        overdue = sorted((d for d in deadlines if d.due_on < today), reverse=True)
        for deadline in [*overdue, *(d for d in deadlines if d.due_on >= today)]:
            index = group_of(deadline, today)
            self.groups[index].addChild(self._row(deadline, today, overdue=index == 0))
        for group, title, was_open in zip(self.groups, titles, expanded, strict=True):
            group.setText(0, f"{title} ({group.childCount()})")
            group.setExpanded(was_open)
        self.resizeColumnToContents(0)
        self.setColumnWidth(2, max(120, self.viewport().width() // 4))

    def _row(self, deadline: Deadline, today: date, overdue: bool) -> QTreeWidgetItem:
        when = format_date(deadline.due_on)
        if overdue:
            days = (today - deadline.due_on).days
            when = self.tr("%1 · %2 d late").replace("%1", when).replace("%2", str(days))
        item = QTreeWidgetItem([when, f"{deadline.kind}: {deadline.title}", deadline.about])
        for column in range(3):
            item.setToolTip(column, f"{deadline.kind}: {deadline.title}\n{deadline.about}")
        if overdue:
            item.setForeground(0, QBrush(QColor(OVERDUE_COLOUR)))
        item.setData(0, LINK_ROLE, Link(deadline.feature, table=deadline.table,
                                        record_id=deadline.record_id))
        return item

    def rows_in(self, group: int) -> list[str]:
        """The 'What' texts of a group's rows (tests)."""
        parent = self.groups[group]
        return [parent.child(i).text(1) for i in range(parent.childCount())]

    def _open(self, item: QTreeWidgetItem) -> None:
        link = item.data(0, LINK_ROLE)
        if link is not None:
            self.sig_open.emit(link)
