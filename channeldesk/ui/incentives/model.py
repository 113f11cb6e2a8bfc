"""The claims table: filtered and sorted in SQL, painted lazily, money in its currency."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor

from channeldesk.domain.claim_state import FINISHED, ClaimState, state_label
from channeldesk.domain.incentive import kind_label
from channeldesk.services.incentive_operations import money_text
from channeldesk.store import Store
from channeldesk.store.incentive_queries import (
    ClaimFilter,
    ClaimRow,
    ClaimSort,
    claim_ids,
    claim_rows,
)
from channeldesk.ui.widgets.formats import format_date
from channeldesk.ui.widgets.record_table import Column, SqlSortedTableModel

WAITING = QColor("#b26a00")
DONE = QColor("#2e7d32")
STOPPED = QColor("#757575")


def state_colour(state: str) -> QColor | None:
    if state in (ClaimState.REJECTED, ClaimState.DISPUTED) or state in FINISHED - {
            ClaimState.PAID}:
        return STOPPED
    if state == ClaimState.PAID:
        return DONE
    if state in (ClaimState.INFO_REQUESTED, ClaimState.CLAIM_INFO_REQUESTED):
        return WAITING
    return None


class ClaimsTableModel(SqlSortedTableModel[ClaimRow]):
    """Live claims matching a :class:`ClaimFilter`, in the chosen order."""

    sort_keys = ClaimSort

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(self._make_columns(), ClaimSort.UPDATED, ClaimFilter(), parent)
        self._store = store
        self._descending = True

    def _make_columns(self) -> list[Column[ClaimRow]]:
        def money(value) -> callable:
            return lambda r: money_text(value(r), r.currency) if value(r) else "–"

        return [
            Column("title", self.tr("Request / claim"), lambda r: r.title, ClaimSort.TITLE),
            Column("partner", self.tr("Partner"), lambda r: r.partner, ClaimSort.PARTNER),
            Column("program", self.tr("Program"),
                   lambda r: f"{r.program} ({kind_label(r.kind)})", ClaimSort.PROGRAM),
            Column("state", self.tr("State"), lambda r: state_label(r.state), ClaimSort.STATE,
                   foreground=lambda r: state_colour(r.state)),
            Column("requested", self.tr("Requested"), money(lambda r: r.requested),
                   ClaimSort.REQUESTED, align_right=True),
            Column("approved", self.tr("Approved"), money(lambda r: r.approved),
                   align_right=True),
            Column("paid", self.tr("Paid"), money(lambda r: r.paid), align_right=True),
            Column("due", self.tr("Claim due"), lambda r: format_date(r.due_on),
                   ClaimSort.ACTIVITY_END),
        ]

    @property
    def claim_filter(self) -> ClaimFilter:
        return self._filter

    def fetch_ids(self) -> list[str]:
        return claim_ids(self._store.db, self._filter, self._sort, self._descending)

    def fetch_rows(self, ids: Sequence[str]) -> dict[str, ClaimRow]:
        return claim_rows(self._store.db, ids)
