"""The plans list: one row per partner and period (and revision), filtered in SQL,
painted lazily, sortable on every column."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from channeldesk.domain.money import Money
from channeldesk.domain.plan import STATUS_LABELS, Period, PeriodError, PlanStatus
from channeldesk.domain.plan_document import format_money
from channeldesk.store import Store
from channeldesk.store.plan_queries import PlanRow, plan_list_ids, plan_list_rows
from channeldesk.ui.widgets.record_table import Column, RecordTableModel

STATUS_COLOURS = {
    PlanStatus.DRAFT: QColor("#757575"),
    PlanStatus.AGREED: QColor("#1565c0"),
    PlanStatus.SIGNED: QColor("#2e7d32"),
    PlanStatus.ARCHIVED: QColor("#9e9e9e"),
}
STATUS_ORDER = {status.value: n for n, status in enumerate(PlanStatus)}


def attainment_colour(percent) -> QColor | None:
    if percent is None:
        return None
    return QColor("#2e7d32") if percent >= 90 else QColor("#b26a00") if percent >= 60 \
        else QColor("#c62828")


def _period_order(row: PlanRow) -> tuple:
    try:
        return (*Period.parse(row.period).sort_key, row.revision)
    except PeriodError:
        return (0, 0, 0, row.revision)


def period_text(row: PlanRow) -> str:
    """"FY2026", or "FY2026 rev. 2" for an amended plan."""
    return row.period if row.revision <= 1 else f"{row.period} rev. {row.revision}"


# What each column sorts by (None sorts last); the list's own order breaks ties.
SORT_VALUES: dict[str, Callable[[PlanRow], Any]] = {
    "period": _period_order,
    "status": lambda r: STATUS_ORDER.get(r.status, 9),
    "revenue": lambda r: r.revenue_target,
    "attainment": lambda r: r.primary_attainment,
    "met": lambda r: (r.targets_met / r.targets_total) if r.targets_total else None,
}


class PlansTableModel(RecordTableModel[PlanRow]):
    """Live plans of live partners matching the search and status filter."""

    stored_table = "business_plan"

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__([
            Column("partner", self.tr("Partner"), lambda r: r.partner_name,
                   tooltip=lambda r: r.partner_name),
            Column("period", self.tr("Period"), period_text),
            Column("status", self.tr("Status"), lambda r: STATUS_LABELS.get(r.status, r.status),
                   foreground=lambda r: STATUS_COLOURS.get(r.status)),
            Column("revenue", self.tr("Revenue target"),
                   lambda r: "" if r.revenue_target is None else
                   format_money(Money.from_minor(r.revenue_target, r.currency)),
                   align_right=True),
            Column("attainment", self.tr("Attainment"),
                   lambda r: "–" if r.primary_attainment is None else
                   f"{r.primary_attainment}%", align_right=True,
                   foreground=lambda r: attainment_colour(r.primary_attainment),
                   tooltip=lambda r: self.tr("%s attainment") % r.primary_label
                   if r.primary_label else self.tr("No targets yet")),
            Column("met", self.tr("Targets met"),
                   lambda r: self.tr("%d of %d") % (r.targets_met, r.targets_total)
                   if r.targets_total else "–", align_right=True,
                   tooltip=lambda r: self.tr("Targets whose actual has reached 100%")),
        ], parent)
        self._store = store
        self._search = ""
        self._status: str | None = None
        self._sort_key = "partner"
        self._descending = False

    def set_search_text(self, text: str) -> None:
        self._search = text
        self.refresh()

    def set_status(self, status: str | None) -> None:
        self._status = status
        self.refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort on a column's value (plans are few: one per partner and period)."""
        wanted = (self.column_key(column), order == Qt.SortOrder.DescendingOrder)
        if self.loaded and wanted == (self._sort_key, self._descending):
            return
        self._sort_key, self._descending = wanted
        if not self.loaded:
            self.refresh()
            return
        self.layoutAboutToBeChanged.emit()
        self.set_ids(self.fetch_ids())
        self.layoutChanged.emit()

    def fetch_ids(self) -> list[str]:
        ids = plan_list_ids(self._search, self._status)
        value = SORT_VALUES.get(self._sort_key)
        if value is None:
            return ids[::-1] if self._descending else ids
        rows = plan_list_rows(ids)
        known = [i for i in ids if value(rows[i]) is not None]
        missing = [i for i in ids if value(rows[i]) is None]
        known.sort(key=lambda i: value(rows[i]), reverse=self._descending)
        return known + missing

    def fetch_rows(self, ids: Sequence[str]) -> dict[str, PlanRow]:
        return plan_list_rows(list(ids))
