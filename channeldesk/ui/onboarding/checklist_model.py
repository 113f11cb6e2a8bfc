"""One partner's checklist as a table: a task per row, overdue ones in red."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from channeldesk.domain.onboarding import TaskStatus, is_overdue, label
from channeldesk.store.models import OnboardingTask
from channeldesk.store.onboarding_queries import evidence_counts, tasks_of
from channeldesk.ui.widgets.formats import format_date

Index = QModelIndex | QPersistentModelIndex
OVERDUE_TEXT = QColor("#c62828")
OVERDUE_BACK = QColor(198, 40, 40, 28)
BLOCKED_TEXT = QColor("#b26a00")
FINISHED_TEXT = QColor("#757575")
MARKS = {TaskStatus.OPEN: "○", TaskStatus.DONE: "✓", TaskStatus.SKIPPED: "–",
         TaskStatus.BLOCKED: "⚠"}
COLUMNS = ("status", "title", "category", "owner", "due", "evidence")


class ChecklistModel(QAbstractTableModel):
    """The tasks of one checklist, in template order."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plan_id: str | None = None
        self.today = date.today()
        self._tasks: list[OnboardingTask] = []
        self._evidence: dict[str, int] = {}
        self._headers = {"status": self.tr("Status"), "title": self.tr("Task"),
                         "category": self.tr("Category"), "owner": self.tr("Owner"),
                         "due": self.tr("Due / done"), "evidence": self.tr("Files")}

    def show_plan(self, plan_id: str | None) -> None:
        self.plan_id = plan_id
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._tasks = tasks_of(self.plan_id) if self.plan_id else []
        self._evidence = evidence_counts(self.plan_id) if self.plan_id else {}
        self.endResetModel()

    def task(self, row: int) -> OnboardingTask | None:
        return self._tasks[row] if 0 <= row < len(self._tasks) else None

    def tasks(self) -> list[OnboardingTask]:
        return list(self._tasks)

    def row_of(self, task_id: str) -> int | None:
        return next((n for n, t in enumerate(self._tasks) if t.id == task_id), None)

    def overdue_count(self) -> int:
        return sum(1 for t in self._tasks if is_overdue(t.status, t.due_on, self.today))

    # -- Qt -------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._tasks)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return self._headers[COLUMNS[section]]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        task = self.task(index.row()) if index.isValid() else None
        if task is None or not 0 <= index.column() < len(COLUMNS):
            return None
        column = COLUMNS[index.column()]
        overdue = is_overdue(task.status, task.due_on, self.today)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(task, column, overdue)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(task, overdue)
        if role == Qt.ItemDataRole.ForegroundRole:
            if overdue:
                return OVERDUE_TEXT
            if task.status == TaskStatus.BLOCKED:
                return BLOCKED_TEXT
            if task.status in (TaskStatus.DONE, TaskStatus.SKIPPED):
                return FINISHED_TEXT
        if role == Qt.ItemDataRole.BackgroundRole and overdue:
            return OVERDUE_BACK
        if role == Qt.ItemDataRole.FontRole and overdue:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self._text(task, column, overdue)}{' overdue' if overdue else ''}"
        return None

    def _text(self, task: OnboardingTask, column: str, overdue: bool) -> str:
        if column == "status":
            if overdue and task.status == TaskStatus.OPEN:
                return f"{MARKS[TaskStatus.OPEN]} {self.tr('Overdue')}"
            return f"{MARKS.get(task.status, '')} {label(task.status)}"
        if column == "title":
            return task.title if task.required else self.tr("%s (optional)") % task.title
        if column == "category":
            return label(task.category)
        if column == "owner":
            side = label(task.owner_side)
            return f"{task.assignee} ({side})" if task.assignee else side
        if column == "due":
            finished = task.status in (TaskStatus.DONE, TaskStatus.SKIPPED) and task.done_on
            return format_date(task.done_on if finished else task.due_on)
        count = self._evidence.get(task.id, 0)
        return str(count) if count else ""

    def _tooltip(self, task: OnboardingTask, overdue: bool) -> str:
        lines = [task.title]
        if overdue:
            lines.append(self.tr("Overdue since %s (%s days)") % (
                format_date(task.due_on), (self.today - task.due_on).days))
        if task.status == TaskStatus.BLOCKED and task.blocked_reason:
            lines.append(self.tr("Blocked: %s") % task.blocked_reason)
        if task.description:
            lines.append(task.description)
        return "\n".join(lines)
