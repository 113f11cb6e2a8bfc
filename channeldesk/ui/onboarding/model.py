"""The onboarding list: checklists filtered and sorted in SQL, painted lazily, with a
progress bar per row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from channeldesk.domain.onboarding import ChecklistStatus, is_stalled, label
from channeldesk.store import Store
from channeldesk.store.onboarding_queries import (
    OnboardingFilter,
    OnboardingRow,
    OnboardingSort,
    onboarding_ids,
    onboarding_rows,
)
from channeldesk.ui.widgets.formats import format_date
from channeldesk.ui.widgets.record_table import Column, SqlSortedTableModel

OVERDUE_COLOUR = QColor("#c62828")
DONE_COLOUR = QColor("#2e7d32")
STALLED_COLOUR = QColor("#b26a00")
BAR_COLOUR = QColor("#1e88e5")
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 10


class OnboardingTableModel(SqlSortedTableModel[OnboardingRow]):
    """Checklists matching an :class:`OnboardingFilter`, in the chosen order."""

    stored_table = "onboarding_plan"
    sort_keys = OnboardingSort
    block = 60  # each row carries its checklist's figures: read about a screen at a time

    def __init__(self, store: Store, today: date | None = None, parent=None) -> None:
        self.today = today or date.today()
        super().__init__(self._make_columns(), OnboardingSort.PARTNER, OnboardingFilter(),
                         parent)
        self._store = store

    def _make_columns(self) -> list[Column[OnboardingRow]]:
        def overdue_colour(row: OnboardingRow):
            return OVERDUE_COLOUR if row.overdue else None

        return [
            Column("partner", self.tr("Partner"), lambda r: r.partner, OnboardingSort.PARTNER),
            Column("progress", self.tr("Progress"),
                   lambda r: f"{r.finished} / {r.total}", OnboardingSort.PROGRESS,
                   tooltip=lambda r: self.tr("%s of %s tasks finished") % (r.finished, r.total)),
            Column("next_task", self.tr("Next due task"), self._next_task,
                   OnboardingSort.NEXT_DUE, foreground=self._next_colour,
                   tooltip=self._next_tooltip),
            Column("overdue", self.tr("Overdue"),
                   lambda r: str(r.overdue) if r.overdue else "–", OnboardingSort.OVERDUE,
                   align_right=True, foreground=overdue_colour),
            Column("days", self.tr("Days"), self._days, OnboardingSort.DAYS,
                   align_right=True, foreground=self._stalled_colour,
                   tooltip=self._days_tooltip, field="started_on"),
            Column("expected", self.tr("Expected"), self._expected,
                   OnboardingSort.EXPECTED),
            Column("template", self.tr("Template"), lambda r: r.template,
                   OnboardingSort.TEMPLATE,
                   tooltip=lambda r: self.tr("The template changed since this checklist "
                                             "started") if r.behind_template else ""),
            Column("owner", self.tr("Owner"), lambda r: r.owner, OnboardingSort.OWNER),
        ]

    # -- cells --------------------------------------------------------------------------

    def _next_task(self, row: OnboardingRow) -> str:
        if row.status != ChecklistStatus.ACTIVE:
            return label(row.status)
        if not row.next_title:
            return self.tr("All tasks finished")
        return f"{format_date(row.next_due)} · {row.next_title}"

    def _next_colour(self, row: OnboardingRow):
        if row.status == ChecklistStatus.COMPLETED:
            return DONE_COLOUR
        if row.next_due is not None and row.next_due < self.today:
            return OVERDUE_COLOUR
        return None

    def _next_tooltip(self, row: OnboardingRow) -> str:
        lines = [self._next_task(row)]
        if row.blocked:
            lines.append(self.tr("%s blocked") % row.blocked)
        return "\n".join(lines)

    def _days(self, row: OnboardingRow) -> str:
        end = row.completed_on if row.completed_on else self.today
        return str(max(0, (end - row.started_on).days))

    def _stalled_colour(self, row: OnboardingRow):
        return STALLED_COLOUR if is_stalled(row.last_progress, self.today, row.status) else None

    def _days_tooltip(self, row: OnboardingRow) -> str:
        text = self.tr("Started %s") % format_date(row.started_on)
        if row.completed_on:
            text += self.tr("; active since %s") % format_date(row.completed_on)
        elif is_stalled(row.last_progress, self.today, row.status):
            text += self.tr("; stalled: nothing finished since %s") % format_date(
                row.last_progress)
        return text

    def _expected(self, row: OnboardingRow) -> str:
        if row.completed_on:
            return self.tr("Done %s") % format_date(row.completed_on)
        return format_date(row.expected)

    # -- Qt and SQL -----------------------------------------------------------------------

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == PROGRESS_ROLE and index.isValid():
            row = self.record(index.row())
            return (row.finished, row.total) if row is not None else None
        return super().data(index, role)

    @property
    def onboarding_filter(self) -> OnboardingFilter:
        return self._filter

    def fetch_ids(self) -> list[str]:
        return onboarding_ids(self._store.db, self._filter, self.today, self._sort,
                              self._descending)

    def fetch_rows(self, ids: Sequence[str]) -> dict[str, OnboardingRow]:
        return onboarding_rows(self._store.db, ids, self.today)


class ProgressDelegate(QStyledItemDelegate):
    """A thin bar under "done / total": how far along a checklist is at a glance."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex
              ) -> None:
        progress = index.data(PROGRESS_ROLE)
        if not progress:
            super().paint(painter, option, index)
            return
        done, total = progress
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter,
                              option.widget)
        rect = option.rect.adjusted(6, 3, -6, -3)
        text_width = option.fontMetrics.horizontalAdvance("00 / 00") + 6
        bar = QRect(rect.left() + text_width, rect.center().y() - 4,
                    max(10, rect.width() - text_width), 8)
        share = done / total if total else 0
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        track = QColor(option.palette.color(QPalette.ColorRole.HighlightedText if selected
                                            else QPalette.ColorRole.Mid))
        track.setAlpha(110 if selected else 255)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, 4, 4)
        if share > 0:
            filled = QRect(bar.left(), bar.top(), max(8, round(bar.width() * share)),
                           bar.height())
            colour = DONE_COLOUR if share >= 1 else BAR_COLOUR
            painter.setBrush(option.palette.color(QPalette.ColorRole.HighlightedText)
                             if selected else colour)
            painter.drawRoundedRect(filled, 4, 4)
        painter.setPen(option.palette.color(QPalette.ColorRole.HighlightedText if selected
                                            else QPalette.ColorRole.Text))
        painter.drawText(QRect(rect.left(), rect.top(), text_width - 6, rect.height()),
                         int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight),
                         f"{done} / {total}")
        painter.restore()
