"""The partners table: filtered and sorted in SQL, painted lazily."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtGui import QColor

from channeldesk.domain.engagement import ENGAGEMENT_LABELS, Engagement, engagement
from channeldesk.domain.partner import label
from channeldesk.store import Store
from channeldesk.store.partner_queries import (
    PartnerFilter,
    PartnerRow,
    PartnerSort,
    partner_ids,
    partner_rows,
)
from channeldesk.ui.widgets.formats import format_date
from channeldesk.ui.widgets.record_table import Column, SqlSortedTableModel

ENGAGEMENT_COLOURS = {
    Engagement.ENGAGED: QColor("#2e7d32"),
    Engagement.COOLING: QColor("#b26a00"),
    Engagement.DORMANT: QColor("#c62828"),
    Engagement.NO_CONTACT: QColor("#757575"),
}


class PartnersTableModel(SqlSortedTableModel[PartnerRow]):
    """Live partners matching a :class:`PartnerFilter`, in the chosen order."""

    stored_table = "partner"

    sort_keys = PartnerSort

    def __init__(self, store: Store, today: date | None = None, parent=None) -> None:
        self._today = today or date.today()
        super().__init__(self._make_columns(), PartnerSort.NAME, PartnerFilter(), parent)
        self._store = store

    def _make_columns(self) -> list[Column[PartnerRow]]:
        def band(row: PartnerRow) -> Engagement:
            return engagement(row.last_activity, self._today)

        return [
            Column("name", self.tr("Name"), lambda r: r.name, PartnerSort.NAME),
            Column("partner_type", self.tr("Type"), lambda r: label(r.partner_type),
                   PartnerSort.TYPE),
            Column("tier", self.tr("Tier"), lambda r: label(r.tier), PartnerSort.TIER),
            Column("status", self.tr("Status"), lambda r: label(r.status), PartnerSort.STATUS),
            Column("region", self.tr("Region"), lambda r: label(r.region), PartnerSort.REGION),
            Column("country", self.tr("Country"), lambda r: r.country, PartnerSort.COUNTRY),
            Column("owner", self.tr("Owner"), lambda r: r.owner, PartnerSort.OWNER),
            Column("last_activity", self.tr("Last activity"),
                   lambda r: format_date(r.last_activity), PartnerSort.LAST_ACTIVITY),
            Column("engagement", self.tr("Engagement"),
                   lambda r: ENGAGEMENT_LABELS[band(r)], PartnerSort.LAST_ACTIVITY,
                   foreground=lambda r: ENGAGEMENT_COLOURS[band(r)],
                   tooltip=lambda r: self.tr("Based on the last logged activity")),
        ]

    @property
    def partner_filter(self) -> PartnerFilter:
        return self._filter

    def fetch_ids(self) -> list[str]:
        return partner_ids(self._store.db, self._filter, self._sort, self._descending)

    def fetch_rows(self, ids: Sequence[str]) -> dict[str, PartnerRow]:
        return partner_rows(self._store.db, ids)
