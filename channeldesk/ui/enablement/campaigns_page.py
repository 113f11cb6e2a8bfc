"""Launch campaigns: assets and courses grouped for a launch, sent to the partners the
campaign's filter picks, with who has received and completed what. The progress list
names other partners, so presentation mode hides it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.enablement import ShareChannel, audience_text, label, split_codes
from channeldesk.domain.partner import label as partner_label
from channeldesk.services.enablement_operations import (
    delete_campaign,
    save_campaign,
    share_assets,
)
from channeldesk.store import Store
from channeldesk.store.asset_queries import AssetFilter, asset_ids, asset_rows
from channeldesk.store.campaign_queries import (
    CampaignProgress,
    CampaignRow,
    campaign_items,
    campaign_progress,
    campaign_rows,
)
from channeldesk.ui.enablement.edits import run_operation
from channeldesk.ui.enablement.lists import RowsModel, stretch_column
from channeldesk.ui.enablement.training_dialogs import CAMPAIGN_FIELDS, CampaignDialog
from channeldesk.ui.widgets.confirm import confirm_delete
from channeldesk.ui.widgets.formats import format_date
from channeldesk.ui.widgets.record_table import Column
from channeldesk.ui.widgets.record_views import make_table, selected_id

DONE = QColor("#2e7d32")


def targets_text(row: CampaignRow) -> str:
    regions = ", ".join(partner_label(code) for code in split_codes(row.target_regions))
    text = audience_text(row.target_types, row.target_tiers)
    return f"{text} · {regions}" if regions else text


class CampaignsPage(QWidget):
    """Campaigns beside the chosen one's items and its target partners' progress."""

    def __init__(self, store: Store, stack: QUndoStack, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enablement-campaigns")
        self._store, self._stack = store, stack
        self._today = today or date.today()
        self._show_progress = True
        self.campaigns = RowsModel([
            Column("title", self.tr("Campaign"), lambda c: c.title),
            Column("launch", self.tr("Launch"), lambda c: format_date(c.launch_on)),
            Column("targets", self.tr("Targets"), targets_text),
            Column("items", self.tr("Assets · courses"), lambda c: f"{c.assets} · {c.courses}"),
        ], lambda: campaign_rows(self._store.db), lambda c: c.id, self)
        self.progress = RowsModel([
            Column("partner", self.tr("Partner"), lambda p: p.partner.name),
            Column("tier", self.tr("Tier"), lambda p: partner_label(p.partner.tier)),
            Column("received", self.tr("Assets received"),
                   lambda p: f"{p.received} of {p.assets}", align_right=True),
            Column("completed", self.tr("Courses completed"),
                   lambda p: f"{p.completed} of {p.courses}", align_right=True),
            Column("status", self.tr("Status"),
                   lambda p: self.tr("Done") if p.done else self.tr("In progress")
                   if p.received or p.completed else self.tr("Not started"),
                   foreground=lambda p: DONE if p.done else None),
        ], self._load_progress, lambda p: p.partner.id, self)
        self._build()
        self.campaigns.refresh()

    def _build(self) -> None:
        buttons = QHBoxLayout()
        for text, slot, name in ((self.tr("New campaign…"), self.new_campaign, "campaign-new"),
                                 (self.tr("Edit…"), self.edit_campaign, "campaign-edit"),
                                 (self.tr("Delete"), self.delete_campaign, "campaign-delete")):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.table = make_table(self.campaigns, "enablement-campaigns-table")
        stretch_column(self.table, self.campaigns, "title")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.table.activated.connect(lambda _: self.edit_campaign())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(left)
        split.addWidget(self._build_detail())
        split.setSizes([560, 800])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def _build_detail(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel(self.tr("Select a campaign, or start one for a product "
                                      "launch."))
        self.summary.setObjectName("campaign-summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        send = QHBoxLayout()
        self.send_button = QPushButton(self.tr("Send assets to every target"))
        self.send_button.setObjectName("campaign-send")
        self.send_button.setToolTip(self.tr("Each target partner without the current version "
                                            "of a campaign asset gets it now"))
        self.send_button.clicked.connect(self.send_to_targets)
        self.send_channel = QComboBox()
        self.send_channel.setObjectName("campaign-send-channel")
        self.send_channel.setAccessibleName(self.tr("Send by"))
        for channel in ShareChannel:
            self.send_channel.addItem(label(channel), channel.value)
        send.addWidget(self.send_button)
        send.addWidget(QLabel(self.tr("by")))
        send.addWidget(self.send_channel)
        send.addStretch(1)
        layout.addLayout(send)
        self.progress_box = QGroupBox(self.tr("Target partners"))
        box_layout = QVBoxLayout(self.progress_box)
        self.progress_table = make_table(self.progress, "campaign-progress")
        stretch_column(self.progress_table, self.progress, "partner")
        box_layout.addWidget(self.progress_table)
        layout.addWidget(self.progress_box, 1)
        self.progress_hidden = QLabel(self.tr("Target partners are hidden in presentation "
                                              "mode."))
        self.progress_hidden.hide()
        layout.addWidget(self.progress_hidden)
        return page

    # -- showing ------------------------------------------------------------------------

    def current(self) -> CampaignRow | None:
        # The current index, not the selection: Qt moves it first when a row is selected.
        return self.campaigns.record(self.table.currentIndex().row()) \
            if self.table.currentIndex().isValid() else None

    def _load_progress(self) -> list[CampaignProgress]:
        current = self.current()
        if current is None or not self._show_progress:
            return []
        return campaign_progress(self._store.db, current)

    def _show_current(self) -> None:
        current = self.current()
        self.progress.refresh()
        self.send_button.setEnabled(current is not None and current.assets > 0)
        if current is None:
            self.summary.setText(self.tr("Select a campaign, or start one for a product "
                                         "launch."))
            return
        assets, courses = campaign_items(self._store.db, current.id)
        rows = self.progress.rows()
        done = sum(1 for row in rows if row.done)
        ends = format_date(current.ends_on) if current.ends_on else self.tr("open-ended")
        lines = [f"<b>{current.title}</b> · {current.product or ''} · "
                 f"{format_date(current.launch_on)} – {ends}",
                 self.tr("Targets: %s") % targets_text(current),
                 self.tr("Assets: %s") % (", ".join(t for _, t in assets) or "–"),
                 self.tr("Courses: %s") % (", ".join(t for _, t in courses) or "–")]
        if self._show_progress:
            lines.append(self.tr("%d of %d target partners have received and completed "
                                 "everything.") % (done, len(rows)))
        self.summary.setText("<br>".join(lines))

    def refresh(self) -> None:
        current = selected_id(self.table)
        self.campaigns.refresh()
        row = self.campaigns.row_of(current) if current else None
        if row is None and self.campaigns.rowCount():
            row = 0
        if row is not None:
            self.table.selectRow(row)
        self._show_current()

    def set_presentation(self, on: bool) -> None:
        self._show_progress = not on
        self.progress_box.setVisible(not on)
        self.progress_hidden.setVisible(on)
        self._show_current()

    # -- editing ------------------------------------------------------------------------

    def _asset_items(self) -> list[tuple[str, str]]:
        db = self._store.db
        rows = asset_rows(db, asset_ids(db, AssetFilter(today=self._today)))
        return [(row_id, row.title) for row_id, row in rows.items()]

    def new_campaign(self) -> None:
        dialog = CampaignDialog(self._store, self, asset_items=self._asset_items())
        if dialog.exec():
            self._save(None, dialog)

    def edit_campaign(self) -> None:
        current = self.current()
        if current is None:
            return
        assets, courses = campaign_items(self._store.db, current.id)
        values = {name: getattr(current, name) for name in CAMPAIGN_FIELDS}
        dialog = CampaignDialog(self._store, self, values, self._asset_items(),
                                [a for a, _ in assets], [c for c, _ in courses])
        if dialog.exec():
            self._save(current.id, dialog)

    def _save(self, campaign_id: str | None, dialog: CampaignDialog) -> None:
        values, assets, courses = dialog.values(), dialog.assets.checked(), \
            dialog.courses.checked()
        text = (self.tr("Edit campaign %s") if campaign_id else self.tr("New campaign %s")) \
            % values["title"]
        command = run_operation(self, self._stack, self._store, text,
                                lambda: save_campaign(self._store, campaign_id, values,
                                                      assets, courses),
                                self.tr("Could not save the campaign"))
        if command is not None:
            self.campaigns.refresh()
            row = self.campaigns.row_of(command.value)
            if row is not None:
                self.table.selectRow(row)

    def delete_campaign(self) -> None:
        current = self.current()
        if current is None or not confirm_delete(self, self.tr("campaign"), current.title):
            return
        run_operation(self, self._stack, self._store,
                      self.tr("Delete campaign %s") % current.title,
                      lambda: delete_campaign(self._store, current.id),
                      self.tr("Could not delete the campaign"))

    def send_to_targets(self) -> None:
        """Every target partner gets the current version of each campaign asset it lacks."""
        current = self.current()
        if current is None:
            return
        assets, _ = campaign_items(self._store.db, current.id)
        targets = [row.partner.id for row in campaign_progress(self._store.db, current)]
        channel = self.send_channel.currentData()
        command = run_operation(
            self, self._stack, self._store, self.tr("Send campaign %s") % current.title,
            lambda: share_assets(self._store, [a for a, _ in assets], targets, channel,
                                 date.today(), skip_current=True, today=self._today),
            self.tr("Could not send the campaign"))
        if command is not None:
            self.summary.setText(self.summary.text() + "<br><i>"
                                 + command.value.summary() + "</i>")
