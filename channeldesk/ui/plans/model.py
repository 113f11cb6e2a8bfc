"""The plans list: one row per partner and period, filtered in SQL, painted lazily."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor

from channeldesk.domain.money import Money
from channeldesk.domain.plan import STATUS_LABELS, PlanStatus
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


def attainment_colour(percent) -> QColor | None:
    if percent is None:
        return None
    return QColor("#2e7d32") if percent >= 90 else QColor("#b26a00") if percent >= 60 \
        else QColor("#c62828")


class PlansTableModel(RecordTableModel[PlanRow]):
    """Live plans of live partners matching the search and status filter."""

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__([
            Column("partner", self.tr("Partner"), lambda r: r.partner_name),
            Column("period", self.tr("Period"), lambda r: r.period),
            Column("status", self.tr("Status"), lambda r: STATUS_LABELS.get(r.status, r.status),
                   foreground=lambda r: STATUS_COLOURS.get(r.status)),
            Column("revenue", self.tr("Revenue target"),
                   lambda r: "" if r.revenue_target is None else
                   format_money(Money.from_minor(r.revenue_target, r.currency)),
                   align_right=True),
            Column("attainment", self.tr("Attainment"),
                   lambda r: "–" if r.average_attainment is None else
                   f"{r.average_attainment}%", align_right=True,
                   foreground=lambda r: attainment_colour(r.average_attainment),
                   tooltip=lambda r: self.tr("Average attainment over the plan's targets")),
        ], parent)
        self._store = store
        self._search = ""
        self._status: str | None = None

    def set_search_text(self, text: str) -> None:
        self._search = text
        self.refresh()

    def set_status(self, status: str | None) -> None:
        self._status = status
        self.refresh()

    def fetch_ids(self) -> list[str]:
        return plan_list_ids(self._search, self._status)

    def fetch_rows(self, ids: Sequence[str]) -> dict[str, PlanRow]:
        return plan_list_rows(list(ids))
