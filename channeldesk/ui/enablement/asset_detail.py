"""One asset beside the library: its facts, its versions (open any with the default
application) and who holds it, those with an old version first. Who holds it names
other partners, so presentation mode hides that list."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.enablement import (
    AssetState,
    asset_state,
    audience_text,
    format_size,
    label,
    version_label,
)
from channeldesk.domain.partner import label as partner_label
from channeldesk.store import Store
from channeldesk.store.asset_queries import HolderRow, VersionRow, holders_of_asset, versions_of
from channeldesk.store.models import Asset
from channeldesk.ui.enablement.lists import RowsModel, stretch_column
from channeldesk.ui.widgets.formats import format_date
from channeldesk.ui.widgets.record_table import Column
from channeldesk.ui.widgets.record_views import make_table

BEHIND = QColor("#b26a00")
STATE_STYLE = {AssetState.EXPIRED: "background:#c62828;color:white;",
               AssetState.EXPIRING: "background:#b26a00;color:white;"}


class AssetDetail(QWidget):
    """Facts, versions and holders of the selected asset; an empty state otherwise."""

    sig_edit_requested = Signal()
    sig_version_requested = Signal()
    sig_share_requested = Signal()
    sig_delete_requested = Signal()
    sig_open_requested = Signal(object)
    """A version (``VersionRow``) to open with the default application."""

    def __init__(self, store: Store, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("asset-detail")
        self._store, self._today = store, today or date.today()
        self.asset_id: str | None = None
        self._show_internal = True
        self.versions = RowsModel(self._version_columns(), self._load_versions,
                                  lambda v: v.id, self)
        self.holders = RowsModel(self._holder_columns(), self._load_holders,
                                 lambda h: h.partner_id, self)
        self._pages = QStackedWidget()
        empty = QLabel(self.tr("Select an asset to see its versions and who has it.\n\n"
                               "Drop files on the library to add them as new assets, or on "
                               "this pane to add a new version of the selected asset."))
        empty.setObjectName("asset-detail-empty")
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setWordWrap(True)
        empty.setEnabled(False)
        self._pages.addWidget(empty)
        self._pages.addWidget(self._build_detail())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._pages)

    # -- building -----------------------------------------------------------------------

    def _version_columns(self) -> list[Column[VersionRow]]:
        return [
            Column("version", self.tr("Version"), lambda v: version_label(v.version_no)),
            Column("source", self.tr("File or link"), lambda v: v.file_name or v.url,
                   tooltip=lambda v: v.url or self.tr("Stored in the library (%s)")
                   % format_size(v.file_size)),
            Column("size", self.tr("Size"),
                   lambda v: format_size(v.file_size) if v.file_sha else self.tr("link"),
                   align_right=True),
            Column("released", self.tr("Released"), lambda v: format_date(v.released_on)),
            Column("note", self.tr("Change note"), lambda v: v.change_note),
        ]

    def _holder_columns(self) -> list[Column[HolderRow]]:
        return [
            Column("partner", self.tr("Partner"), lambda h: h.partner_name),
            Column("tier", self.tr("Tier"), lambda h: partner_label(h.tier)),
            Column("held", self.tr("Has"), lambda h: version_label(h.held_version)),
            Column("status", self.tr("Status"),
                   lambda h: self.tr("Behind") if h.outdated else self.tr("Current"),
                   foreground=lambda h: BEHIND if h.outdated else None,
                   tooltip=lambda h: self.tr("Has %s; the current version is %s") % (
                       version_label(h.held_version), version_label(h.current_version))),
            Column("shared", self.tr("Last shared"), lambda h: format_date(h.last_shared_on)),
            Column("channel", self.tr("By"), lambda h: label(h.channel)),
        ]

    def _build_detail(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # names are data, not markup
        self.title.setObjectName("asset-title")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.state_badge = QLabel()
        self.state_badge.setObjectName("asset-state")
        head.addWidget(self.title, 1)
        head.addWidget(self.state_badge, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)
        self.subtitle = QLabel()
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)  # names are data, not markup
        self.subtitle.setObjectName("asset-subtitle")
        layout.addWidget(self.subtitle)
        buttons = QHBoxLayout()
        for text, signal, name in (
                (self.tr("Edit…"), self.sig_edit_requested, "asset-edit"),
                (self.tr("New version…"), self.sig_version_requested, "asset-new-version"),
                (self.tr("Share…"), self.sig_share_requested, "asset-share"),
                (self.tr("Delete"), self.sig_delete_requested, "asset-delete")):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(signal.emit)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.facts = QFormLayout()
        self._fact_labels: dict[str, QLabel] = {}
        for key, text in (("audience", self.tr("Audience")), ("tags", self.tr("Tags")),
                          ("dates", self.tr("Published")), ("owner", self.tr("Owner")),
                          ("description", self.tr("Description")),
                          ("internal_notes", self.tr("Internal notes"))):
            value = QLabel()
            value.setObjectName(f"asset-fact-{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts.addRow(text, value)
            self._fact_labels[key] = value
        layout.addLayout(self.facts)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self._versions_box())
        split.addWidget(self._holders_box())
        layout.addWidget(split, 1)
        return page

    def _versions_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Versions (newest first; Enter or double-click opens)"))
        self.versions_table = make_table(self.versions, "asset-versions")
        stretch_column(self.versions_table, self.versions, "source")
        self.versions_table.activated.connect(lambda index: self._open_row(index.row()))
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setObjectName("asset-open-version")
        self.open_button.clicked.connect(self.open_selected_version)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(self.versions_table)
        return box

    def _holders_box(self) -> QWidget:
        self.holders_box = QGroupBox()
        self.holders_table = make_table(self.holders, "asset-holders")
        stretch_column(self.holders_table, self.holders, "partner")
        layout = QVBoxLayout(self.holders_box)
        layout.addWidget(self.holders_table)
        self.holders_hidden = QLabel(self.tr("Who has this asset is hidden in presentation "
                                             "mode: it names other partners."))
        self.holders_hidden.setObjectName("asset-holders-hidden")
        self.holders_hidden.setWordWrap(True)
        self.holders_hidden.hide()
        holder = QWidget()
        outer = QVBoxLayout(holder)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.holders_box)
        outer.addWidget(self.holders_hidden)
        return holder

    # -- showing ------------------------------------------------------------------------

    def _load_versions(self) -> list[VersionRow]:
        return versions_of(self._store.db, self.asset_id) if self.asset_id else []

    def _load_holders(self) -> list[HolderRow]:
        if not self.asset_id or not self._show_internal:
            return []
        return holders_of_asset(self._store.db, self.asset_id)

    def show_asset(self, asset_id: str | None) -> None:
        asset = self._store.get(Asset, asset_id) if asset_id else None
        if asset is None or asset.deleted:
            self.asset_id = None
            self._pages.setCurrentIndex(0)
            self.versions.refresh()
            self.holders.refresh()
            return
        self.asset_id = asset.id
        self._pages.setCurrentIndex(1)
        self._show_facts(asset)
        self.versions.refresh()
        self.holders.refresh()
        if self.versions.rowCount():
            self.versions_table.selectRow(0)
        self._update_holders_title()

    def _show_facts(self, asset: Asset) -> None:
        self.title.setText(asset.title)
        parts = [label(asset.kind), asset.product, label(asset.language)]
        if asset.co_brandable:
            parts.append(self.tr("co-brandable"))
        self.subtitle.setText(" · ".join(part for part in parts if part))
        state = asset_state(asset.expires_on, self._today)
        self.state_badge.setText(f" {label(state)} " if state is not AssetState.CURRENT else "")
        self.state_badge.setStyleSheet(STATE_STYLE.get(state, ""))
        self.state_badge.setToolTip(self.tr("Left out of sharing unless you include expired "
                                            "assets") if state is AssetState.EXPIRED else "")
        facts = self._fact_labels
        facts["audience"].setText(audience_text(asset.audience_types, asset.audience_tiers))
        facts["tags"].setText(asset.tags or "–")
        expiry = format_date(asset.expires_on) if asset.expires_on else self.tr("never")
        facts["dates"].setText(self.tr("%s · expires %s") % (format_date(asset.published_on),
                                                            expiry))
        facts["owner"].setText(asset.owner or "–")
        facts["description"].setText(asset.description or "–")
        facts["internal_notes"].setText(
            f"<i>{escape(asset.internal_notes)}</i>" if asset.internal_notes else "–")
        self._set_internal_row_visible()

    def _update_holders_title(self) -> None:
        rows = self.holders.rows()
        behind = sum(1 for row in rows if row.outdated)
        self.holders_box.setTitle(self.tr("Who has it: %d partner(s), %d with an old version")
                                  % (len(rows), behind))

    def _set_internal_row_visible(self) -> None:
        self.facts.setRowVisible(self._fact_labels["internal_notes"], self._show_internal)

    def set_show_internal(self, show: bool) -> None:
        """Presentation mode: no internal notes, no list of other partners."""
        self._show_internal = show
        self.holders_box.setVisible(show)
        self.holders_hidden.setVisible(not show)
        self._set_internal_row_visible()
        self.holders.refresh()
        if self.asset_id:
            self._update_holders_title()

    def refresh(self) -> None:
        self.show_asset(self.asset_id)

    def selected_version(self) -> VersionRow | None:
        rows = self.versions_table.selectionModel().selectedRows()
        return self.versions.record(rows[0].row()) if rows else self.versions.record(0)

    def open_selected_version(self) -> None:
        version = self.selected_version()
        if version is not None:
            self.sig_open_requested.emit(version)

    def _open_row(self, row: int) -> None:
        version = self.versions.record(row)
        if version is not None:
            self.sig_open_requested.emit(version)
