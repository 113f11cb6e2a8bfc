"""Enablement by partner: what a partner holds and which of it is outdated (one click
re-shares the current versions), and its people's courses and certifications against
what its tier requires. In presentation mode only the chosen partner shows."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.enablement import Holding, ShareChannel, label, version_label
from channeldesk.domain.partner import label as partner_label
from channeldesk.services.enablement_operations import reshare_current
from channeldesk.store import Store
from channeldesk.store.asset_queries import holdings_of_partner
from channeldesk.store.campaign_queries import PartnerPick, partners_matching
from channeldesk.store.certification_queries import (
    PersonCourseRow,
    partner_headcount,
    people_of_partner,
)
from channeldesk.ui.enablement.edits import run_operation
from channeldesk.ui.enablement.lists import RowsModel, stretch_column
from channeldesk.ui.widgets.formats import format_date
from channeldesk.ui.widgets.record_table import Column
from channeldesk.ui.widgets.record_views import make_table, selected_id

BEHIND = QColor("#b26a00")
SHORT = QColor("#c62828")
MET = QColor("#2e7d32")


def person_status(row: PersonCourseRow, today: date) -> str:
    """'Certified', 'Certification expired', 'Completed', 'Enrolled'…"""
    if row.certification_id:
        return "Certified" if row.certified_on_day(today) else "Certification expired"
    return label(row.status) if row.status else ""


def person_columns(model_owner, today: date, with_partner: bool) -> list[Column]:
    """A person on a course: by partner on a course's list, by course on a partner's."""
    tr = model_owner.tr
    columns = [Column("partner", tr("Partner"), lambda r: r.partner_name)] if with_partner \
        else []
    return [
        *columns,
        Column("person", tr("Person"), lambda r: r.contact_name),
        *([] if with_partner else [Column("course", tr("Course"), lambda r: r.course_title)]),
        Column("status", tr("Status"), lambda r: person_status(r, today),
               foreground=lambda r: SHORT if r.certification_id
               and not r.certified_on_day(today) else None),
        Column("completed", tr("Completed"), lambda r: format_date(r.completed_on)),
        Column("score", tr("Score"), lambda r: "" if r.score is None else str(r.score),
               align_right=True),
        Column("until", tr("Certified until"),
               lambda r: (format_date(r.expires_on) if r.expires_on else tr("no expiry"))
               if r.certification_id else ""),
    ]


class PartnerEnablementPage(QWidget):
    """A partner list beside what the chosen partner holds and who of it is certified."""

    sig_share_requested = Signal(str)
    """Share assets with this partner (the tab opens the share dialog)."""
    sig_enrol_requested = Signal(str)

    def __init__(self, store: Store, stack: QUndoStack, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enablement-partners")
        self._store, self._stack = store, stack
        self._today = today or date.today()
        self.partner_id: str | None = None
        self.partners = RowsModel([
            Column("name", self.tr("Partner"), lambda p: p.name),
            Column("tier", self.tr("Tier"), lambda p: partner_label(p.tier)),
            Column("region", self.tr("Region"), lambda p: partner_label(p.region)),
        ], self._load_partners, lambda p: p.id, self)
        self.holdings = RowsModel([
            Column("title", self.tr("Asset"), lambda h: h.title),
            Column("held", self.tr("Has"), lambda h: version_label(h.held_version)),
            Column("current", self.tr("Current"), lambda h: version_label(h.current_version)),
            Column("status", self.tr("Status"),
                   lambda h: self.tr("Outdated") if h.outdated else self.tr("Up to date"),
                   foreground=lambda h: BEHIND if h.outdated else None),
            Column("shared", self.tr("Last shared"), lambda h: format_date(h.last_shared_on)),
        ], self._load_holdings, lambda h: h.asset_id, self)
        self.people = RowsModel(person_columns(self, self._today, with_partner=False),
                                self._load_people,
                                lambda r: f"{r.contact_id}:{r.course_id}", self)
        self._build()
        self.partners.refresh()

    # -- building -----------------------------------------------------------------------

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("enablement-partners-search")
        self.search.setPlaceholderText(self.tr("Search partners"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _: self._reload_partners())
        self.partner_table = make_table(self.partners, "enablement-partners-table")
        stretch_column(self.partner_table, self.partners, "name")
        self.partner_table.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self.show_partner(self.partners.id_at(current.row())))
        self.list_column = QWidget()
        left = QVBoxLayout(self.list_column)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.search)
        left.addWidget(self.partner_table, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("enablement-partners-splitter")
        split.setChildrenCollapsible(False)
        split.addWidget(self.list_column)
        split.addWidget(self._build_detail())
        split.setSizes([360, 1000])
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def _build_detail(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(self.tr("Select a partner to see what it has and who is "
                                    "certified."))
        self.title.setObjectName("enablement-partner-title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # names are data, not markup
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.headcount = QLabel()
        self.headcount.setObjectName("enablement-partner-headcount")
        layout.addWidget(self.title)
        layout.addWidget(self.headcount)
        assets = QGroupBox(self.tr("Assets this partner has (outdated first)"))
        assets_layout = QVBoxLayout(assets)
        row = QHBoxLayout()
        self.reshare_button = QPushButton()
        self.reshare_button.setObjectName("enablement-reshare")
        self.reshare_button.clicked.connect(self.reshare_outdated)
        self.reshare_channel = QComboBox()
        self.reshare_channel.setObjectName("enablement-reshare-channel")
        self.reshare_channel.setAccessibleName(self.tr("Re-share by"))
        for channel in ShareChannel:
            self.reshare_channel.addItem(label(channel), channel.value)
        share = QPushButton(self.tr("Share assets…"))
        share.setObjectName("enablement-partner-share")
        share.clicked.connect(lambda: self.partner_id and
                              self.sig_share_requested.emit(self.partner_id))
        row.addWidget(self.reshare_button)
        row.addWidget(QLabel(self.tr("by")))
        row.addWidget(self.reshare_channel)
        row.addStretch(1)
        row.addWidget(share)
        assets_layout.addLayout(row)
        self.holdings_table = make_table(self.holdings, "enablement-holdings")
        stretch_column(self.holdings_table, self.holdings, "title")
        assets_layout.addWidget(self.holdings_table)
        people = QGroupBox(self.tr("People, courses and certifications"))
        people_layout = QVBoxLayout(people)
        enrol_row = QHBoxLayout()
        enrol = QPushButton(self.tr("Enrol people…"))
        enrol.setObjectName("enablement-partner-enrol")
        enrol.clicked.connect(lambda: self.partner_id and
                              self.sig_enrol_requested.emit(self.partner_id))
        enrol_row.addStretch(1)
        enrol_row.addWidget(enrol)
        people_layout.addLayout(enrol_row)
        self.people_table = make_table(self.people, "enablement-people")
        stretch_column(self.people_table, self.people, "course")
        people_layout.addWidget(self.people_table)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(assets)
        split.addWidget(people)
        layout.addWidget(split, 1)
        self.detail_parts = (assets, people)
        self._set_detail_enabled(False)
        return page

    # -- loading ------------------------------------------------------------------------

    def _load_partners(self) -> list[PartnerPick]:
        return partners_matching(self._store.db, text=self.search.text())

    def _load_holdings(self) -> list[Holding]:
        return holdings_of_partner(self._store.db, self.partner_id) if self.partner_id else []

    def _load_people(self) -> list[PersonCourseRow]:
        return people_of_partner(self._store.db, self.partner_id) if self.partner_id else []

    def _reload_partners(self) -> None:
        current = self.partner_id
        self.partners.refresh()
        row = self.partners.row_of(current) if current else None
        if row is not None:
            self.partner_table.selectRow(row)

    def select_partner(self, partner_id: str) -> bool:
        row = self.partners.row_of(partner_id)
        if row is None:
            return False
        self.partner_table.selectRow(row)
        self.show_partner(partner_id)
        return True

    def show_partner(self, partner_id: str | None) -> None:
        self.partner_id = partner_id
        self.holdings.refresh()
        self.people.refresh()
        pick = self.partners.record(self.partners.row_of(partner_id)) \
            if partner_id and self.partners.row_of(partner_id) is not None else None
        self._set_detail_enabled(pick is not None)
        if pick is None:
            self.title.setText(self.tr("Select a partner to see what it has and who is "
                                       "certified."))
            self.headcount.clear()
            return
        self.title.setText(f"{pick.name} · {partner_label(pick.tier)} "
                           f"{partner_label(pick.partner_type)}")
        headcount = partner_headcount(self._store.db, pick.id, self._today)
        colour = MET if headcount.meets else SHORT
        self.headcount.setText(f'<span style="color:{colour.name()}">'
                               f"{self.tr('Certified people')}: {headcount.text()}</span>")
        outdated = sum(1 for h in self.holdings.rows() if h.outdated)
        self.reshare_button.setText(self.tr("Re-share current versions (%d)") % outdated)
        self.reshare_button.setEnabled(outdated > 0)

    def _set_detail_enabled(self, on: bool) -> None:
        for part in self.detail_parts:
            part.setEnabled(on)

    def refresh(self) -> None:
        self._reload_partners()
        self.show_partner(self.partner_id)

    # -- acting -------------------------------------------------------------------------

    def reshare_outdated(self) -> None:
        """One click: the partner gets the current version of everything it is behind on."""
        outdated = [h.asset_id for h in self.holdings.rows() if h.outdated]
        if not self.partner_id or not outdated:
            return
        partner_id, channel = self.partner_id, self.reshare_channel.currentData()
        run_operation(self, self._stack, self._store,
                      self.tr("Re-share %d current version(s)") % len(outdated),
                      lambda: reshare_current(self._store, partner_id, outdated, channel,
                                              date.today(), self._today),
                      self.tr("Could not re-share the current versions"))

    def set_presentation(self, on: bool) -> None:
        """Only the partner in the room: the list of the others goes."""
        self.list_column.setVisible(not on)

    def current_partner_id(self) -> str | None:
        return selected_id(self.partner_table) or self.partner_id
