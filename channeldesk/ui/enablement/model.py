"""The asset library table: filtered and sorted in SQL, painted lazily, expired assets
flagged in red and those expiring soon in amber."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtGui import QColor

from channeldesk.domain.enablement import AssetState, asset_state, label, version_label
from channeldesk.store import Store
from channeldesk.store.asset_queries import (
    AssetFilter,
    AssetRow,
    AssetSort,
    asset_ids,
    asset_rows,
)
from channeldesk.ui.widgets.formats import format_date
from channeldesk.ui.widgets.record_table import Column, SqlSortedTableModel

STATE_COLOURS = {AssetState.EXPIRED: QColor("#c62828"), AssetState.EXPIRING: QColor("#b26a00")}


class AssetsTableModel(SqlSortedTableModel[AssetRow]):
    """Live assets matching an :class:`AssetFilter`, in the chosen order."""

    stored_table = "asset"

    sort_keys = AssetSort

    def __init__(self, store: Store, today: date | None = None, parent=None) -> None:
        self._today = today or date.today()
        super().__init__(self._make_columns(), AssetSort.TITLE, AssetFilter(today=self._today),
                         parent)
        self._store = store

    def _state(self, row: AssetRow) -> AssetState:
        return asset_state(row.expires_on, self._today)

    def _expiry_text(self, row: AssetRow) -> str:
        state = self._state(row)
        if row.expires_on is None:
            return ""
        shown = format_date(row.expires_on)
        short = {AssetState.EXPIRED: self.tr("expired"), AssetState.EXPIRING: self.tr("soon")}
        return f"{shown} ({short[state]})" if state in short else shown

    def _make_columns(self) -> list[Column[AssetRow]]:
        return [
            Column("title", self.tr("Title"), lambda r: r.title, AssetSort.TITLE),
            Column("kind", self.tr("Kind"), lambda r: label(r.kind), AssetSort.KIND),
            Column("product", self.tr("Product"), lambda r: r.product, AssetSort.PRODUCT),
            Column("language", self.tr("Language"), lambda r: label(r.language),
                   AssetSort.LANGUAGE),
            Column("version", self.tr("Version"),
                   lambda r: version_label(r.current_version) if r.current_version
                   else self.tr("none")),
            Column("audience", self.tr("Audience"), lambda r: r.audience),
            Column("published_on", self.tr("Published"), lambda r: format_date(r.published_on),
                   AssetSort.PUBLISHED),
            Column("expires_on", self.tr("Expires"), self._expiry_text, AssetSort.EXPIRES,
                   foreground=lambda r: STATE_COLOURS.get(self._state(r)),
                   tooltip=lambda r: self.tr("Expired assets are left out of sharing "
                                             "unless you include them")
                   if self._state(r) is AssetState.EXPIRED else ""),
            Column("holders", self.tr("Partners"), lambda r: f"{r.holders:,}",
                   align_right=True),
            Column("owner", self.tr("Owner"), lambda r: r.owner, AssetSort.OWNER),
        ]

    @property
    def asset_filter(self) -> AssetFilter:
        return self._filter

    def fetch_ids(self) -> list[str]:
        return asset_ids(self._store.db, self._filter, self._sort, self._descending)

    def fetch_rows(self, ids: Sequence[str]) -> dict[str, AssetRow]:
        return asset_rows(self._store.db, ids)
