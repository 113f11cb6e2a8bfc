"""Share assets with partners: pick the assets (expired ones left out unless asked), pick
partners by type, tier and region ("all Gold resellers in EMEA") or by name, and say how
and when they were handed over. Each partner gets each asset's current version."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.enablement import AssetState, ShareChannel, asset_state, label
from channeldesk.domain.partner import PartnerTier, PartnerType, Region
from channeldesk.domain.partner import label as partner_label
from channeldesk.store import Store
from channeldesk.store.asset_queries import AssetFilter, asset_ids, asset_rows
from channeldesk.store.campaign_queries import partners_matching
from channeldesk.ui.enablement.forms import CheckList

PARTNER_FILTERS = (("types", PartnerType, "All types"), ("tiers", PartnerTier, "All tiers"),
                   ("regions", Region, "All regions"))


class ShareDialog(QDialog):
    """Which assets go to which partners, by which channel, on which day."""

    def __init__(self, store: Store, parent: QWidget | None = None,
                 asset_ids_chosen: list[str] | None = None,
                 partner_ids_chosen: list[str] | None = None, today: date | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("share-dialog")
        self.setWindowTitle(self.tr("Share assets with partners"))
        self.resize(900, 620)
        self._store, self._today = store, today or date.today()
        self._chosen_assets = set(asset_ids_chosen or ())
        self._chosen_partners = set(partner_ids_chosen or ())
        self.assets = CheckList("share-assets", self.tr("Filter assets"))
        self.include_expired = QCheckBox(self.tr("Include expired assets"))
        self.include_expired.setObjectName("share-include-expired")
        self.include_expired.setToolTip(self.tr("Expired assets are left out of sharing unless "
                                                "you tick this"))
        self.include_expired.toggled.connect(lambda _: self._load_assets())
        self.partners = CheckList("share-partners", self.tr("Filter partners by name"))
        self._filters: dict[str, QComboBox] = {}
        self.channel = QComboBox()
        self.channel.setObjectName("share-channel")
        for channel in ShareChannel:
            self.channel.addItem(label(channel), channel.value)
        self.day = QDateEdit(QDate(self._today))
        self.day.setObjectName("share-date")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.summary = QLabel()
        self.summary.setObjectName("share-summary")
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Share"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._build()
        self.assets.sig_changed.connect(self._update_summary)
        self.partners.sig_changed.connect(self._update_summary)
        self._load_assets()
        self._load_partners()

    def _build(self) -> None:
        asset_box = QGroupBox(self.tr("Assets (each partner gets the current version)"))
        asset_layout = QVBoxLayout(asset_box)
        asset_layout.addWidget(self.assets, 1)
        asset_layout.addWidget(self.include_expired)
        partner_box = QGroupBox(self.tr("Partners"))
        partner_layout = QVBoxLayout(partner_box)
        row = QHBoxLayout()
        for key, enum, everything in PARTNER_FILTERS:
            box = QComboBox()
            box.setObjectName(f"share-filter-{key}")
            box.setAccessibleName(self.tr(everything))
            box.addItem(self.tr(everything), None)
            for member in enum:
                box.addItem(partner_label(member.value), member.value)
            box.currentIndexChanged.connect(lambda _: self._load_partners())
            self._filters[key] = box
            row.addWidget(box)
        partner_layout.addLayout(row)
        partner_layout.addWidget(self.partners, 1)
        lists = QHBoxLayout()
        lists.addWidget(asset_box, 1)
        lists.addWidget(partner_box, 1)
        how = QFormLayout()
        how.addRow(self.tr("Handed over by"), self.channel)
        how.addRow(self.tr("On"), self.day)
        layout = QVBoxLayout(self)
        layout.addLayout(lists, 1)
        layout.addLayout(how)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    # -- lists --------------------------------------------------------------------------

    def _load_assets(self) -> None:
        if self.assets.list.count():
            self._chosen_assets = set(self.assets.checked())
        db = self._store.db
        rows = asset_rows(db, asset_ids(db, AssetFilter(today=self._today)))
        items, tips = [], {}
        for row_id, row in rows.items():
            state = asset_state(row.expires_on, self._today)
            if row.current_version is None:
                continue
            if state is AssetState.EXPIRED and not self.include_expired.isChecked():
                continue
            text = f"{row.title} · v{row.current_version}"
            if state is not AssetState.CURRENT:
                text += f" ({label(state).lower()})"
            items.append((row_id, text))
            tips[row_id] = f"{label(row.kind)} · {row.audience}"
        self.assets.set_items(sorted(items, key=lambda item: item[1].casefold()),
                              self._chosen_assets, tips)

    def _load_partners(self) -> None:
        if self.partners.list.count():
            self._chosen_partners = set(self.partners.checked())
        chosen = {key: box.currentData() for key, box in self._filters.items()}
        picks = partners_matching(self._store.db,
                                  *[[value] if value else [] for value in chosen.values()])
        self.partners.set_items(
            [(p.id, f"{p.name} · {partner_label(p.tier)} {partner_label(p.partner_type)}, "
                    f"{partner_label(p.region)}") for p in picks], self._chosen_partners)

    def _update_summary(self) -> None:
        assets, partners = len(self.assets.checked()), len(self.partners.checked())
        self.summary.setText(self.tr("%d asset(s) to %d partner(s): %d share(s) will be "
                                     "recorded.") % (assets, partners, assets * partners))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            assets > 0 and partners > 0)

    # -- result -------------------------------------------------------------------------

    def chosen_assets(self) -> list[str]:
        return self.assets.checked()

    def chosen_partners(self) -> list[str]:
        return self.partners.checked()

    def chosen_channel(self) -> str:
        return self.channel.currentData()

    def shared_on(self) -> date:
        return self.day.date().toPython()
