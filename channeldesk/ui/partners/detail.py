"""The detail pane of one partner: its fields, contacts and engagement log.

Contacts and activities are edited here, each edit an undoable command. Partner-level
actions (edit, delete) are the tab's; this pane asks for them by signal.
"""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.engagement import ENGAGEMENT_LABELS, engagement
from channeldesk.domain.partner import label
from channeldesk.services.partner_operations import save_contact
from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.store.invalid_values import INVALID_TEXT, invalid_fields
from channeldesk.store.models import Activity, Contact, Partner
from channeldesk.ui.shell.undo import (
    DeleteCommand,
    OperationCommand,
    perform_or_report,
)
from channeldesk.ui.widgets.activity_log import ActivityLog
from channeldesk.ui.widgets.confirm import confirm_delete
from channeldesk.ui.widgets.engagement_models import ActivitiesModel, ContactsModel
from channeldesk.ui.widgets.formats import format_date
from channeldesk.ui.widgets.record_dialogs import ContactDialog
from channeldesk.ui.widgets.record_views import list_page, make_table, selected_id


class PartnerDetail(QWidget):
    """Everything about one partner; empty state when none is selected."""

    sig_edit_requested = Signal()
    """The user asked to edit the shown partner's fields."""
    sig_delete_requested = Signal()
    """The user asked to delete the shown partner."""

    def __init__(self, store: Store, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("partner-detail")
        self._store, self._stack = store, undo_stack
        self._partner_id: str | None = None
        self._show_internal = True
        self.contacts = ContactsModel(store, self)
        self.activities = ActivitiesModel(store, self)
        self._pages = QStackedWidget()
        self._empty = QLabel(self.tr("Select a partner to see its details, contacts and "
                                     "activity log."))
        self._empty.setObjectName("partner-detail-empty")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._empty.setEnabled(False)
        self._pages.addWidget(self._empty)
        self._pages.addWidget(self._build_detail())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._pages)

    # -- building ---------------------------------------------------------------------

    def _build_detail(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(self._build_header())
        layout.addWidget(self._build_facts())
        self._notes_box = QGroupBox(self.tr("Internal notes — hidden in presentation mode"))
        self._notes_box.setObjectName("partner-internal-notes")
        notes_layout = QVBoxLayout(self._notes_box)
        self._notes = QPlainTextEdit()
        self._notes.setReadOnly(True)
        self._notes.setMaximumHeight(90)
        notes_layout.addWidget(self._notes)
        layout.addWidget(self._notes_box)
        self._tabs = QTabWidget()
        self._tabs.setObjectName("partner-detail-tabs")
        self._tabs.addTab(self._build_contacts(), self.tr("Contacts"))
        self._tabs.addTab(self._build_activities(), self.tr("Activity log"))
        layout.addWidget(self._tabs, 1)
        return page

    def _build_header(self) -> QHBoxLayout:
        self._title = QLabel()
        self._title.setObjectName("partner-title")
        font = QFont(self._title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self._title.setFont(font)
        self._title.setWordWrap(True)
        self._title.setTextFormat(Qt.TextFormat.PlainText)  # a name is data, not markup
        self._title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._subtitle = QLabel()
        self._subtitle.setObjectName("partner-subtitle")
        self._subtitle.setWordWrap(True)  # else its one line sets the pane's least width
        self._subtitle.setTextFormat(Qt.TextFormat.PlainText)
        titles = QVBoxLayout()
        titles.addWidget(self._title)
        titles.addWidget(self._subtitle)
        edit = QPushButton(self.tr("&Edit…"))
        edit.setObjectName("partner-edit")
        edit.clicked.connect(self.sig_edit_requested)
        delete = QPushButton(self.tr("Delete"))
        delete.setObjectName("partner-delete")
        delete.clicked.connect(self.sig_delete_requested)
        header = QHBoxLayout()
        header.addLayout(titles, 1)
        header.addWidget(edit, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(delete, 0, Qt.AlignmentFlag.AlignTop)
        return header

    def _build_facts(self) -> QWidget:
        box = QWidget()
        form = QFormLayout(box)
        form.setContentsMargins(0, 4, 0, 4)
        self._facts: dict[str, QLabel] = {}
        for key, text in (("country", self.tr("Country")), ("owner", self.tr("Owner")),
                          ("website", self.tr("Website")), ("phone", self.tr("Phone")),
                          ("engagement", self.tr("Engagement"))):
            value = QLabel()
            value.setObjectName(f"partner-{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            value.setOpenExternalLinks(True)
            form.addRow(text, value)
            self._facts[key] = value
        self._facts_form = form
        return box

    def _build_contacts(self) -> QWidget:
        self.contacts_view = make_table(self.contacts, "contacts-table")
        self.contacts_view.doubleClicked.connect(self.edit_contact)
        add = QPushButton(self.tr("Add contact…"))
        add.setObjectName("contact-add")
        add.clicked.connect(self.add_contact)
        self._contact_edit = QPushButton(self.tr("Edit…"))
        self._contact_edit.clicked.connect(self.edit_contact)
        self._contact_delete = QPushButton(self.tr("Delete"))
        self._contact_delete.clicked.connect(self.delete_contact)
        self.contacts_view.selectionModel().selectionChanged.connect(self._update_buttons)
        return list_page(self.contacts_view, [add, self._contact_edit,
                                                    self._contact_delete])

    def _build_activities(self) -> QWidget:
        self.log = ActivityLog(self, self._store, self._stack, self.activities, Activity,
                               "partner", "", self.tr("Log a call, meeting, QBR… (Ctrl+L)"))
        self.activities_view = self.log.view
        return self.log.page

    # -- showing ----------------------------------------------------------------------

    def show_activity_log(self) -> None:
        self._tabs.setCurrentIndex(1)

    @property
    def partner_id(self) -> str | None:
        return self._partner_id

    def show_partner(self, partner_id: str | None) -> None:
        self._partner_id = partner_id
        self.contacts.set_partner(partner_id)
        self.activities.set_partner(partner_id)
        self.log.owner_id = partner_id
        self._fill()

    def set_show_internal(self, show: bool) -> None:
        self._show_internal = self.log.show_internal = show
        self.activities.set_show_internal(show)
        # The engagement band ("Cooling") is the vendor's reading of the partner: not for
        # the shared screen.
        self._facts_form.setRowVisible(self._facts["engagement"], show)
        self._fill()

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        if self._partner_id is None:
            return
        if "contact" in notice.tables:
            self.contacts.refresh()
        if "activity" in notice.tables:
            self.activities.refresh()
        self._fill()

    def _fill_subtitle(self, partner: Partner) -> None:
        """Tier · type · status · region; a stored code its field does not allow (a
        bad import or an old backup) says so, as the list's cells do, rather than
        reading like a real tier."""
        problems = invalid_fields(self._store.db, "partner", [partner.id],
                                  ("tier", "partner_type", "status")).get(partner.id, {})
        parts = []
        for name, code in (("tier", partner.tier), ("partner_type", partner.partner_type),
                           ("status", partner.status), ("region", partner.region)):
            text = label(code)
            parts.append(f"{text} {INVALID_TEXT}".strip() if name in problems else text)
        self._subtitle.setText(" · ".join(part for part in parts if part))
        self._subtitle.setToolTip("\n".join(problems.values()))

    def _fill(self) -> None:
        partner = self._store.get(Partner, self._partner_id) if self._partner_id else None
        if partner is None or partner.deleted:
            self._pages.setCurrentIndex(0)
            return
        self._pages.setCurrentIndex(1)
        self._title.setText(partner.name)
        self._fill_subtitle(partner)
        self._facts["country"].setText(escape(partner.country) or "—")
        self._facts["owner"].setText(escape(partner.owner) or "—")
        website = escape(partner.website)
        self._facts["website"].setText(f'<a href="{website}">{website}</a>' if website else "—")
        self._facts["phone"].setText(escape(partner.phone) or "—")
        self._facts["engagement"].setText(self._engagement_text())
        self._notes.setPlainText(partner.internal_notes or self.tr("No internal notes."))
        self._notes_box.setVisible(self._show_internal)
        self._tabs.setTabText(0, self.tr("Contacts (%s)") % self.contacts.rowCount())
        self._tabs.setTabText(1, self.tr("Activity log (%s)") % self.activities.rowCount())
        self.contacts_view.resizeColumnsToContents()  # the log sizes its own (notes elide)
        self._update_buttons()

    def _engagement_text(self) -> str:
        records = (self.activities.record(n) for n in range(self.activities.rowCount()))
        dates = [record.occurred_on for record in records if record.occurred_on is not None]
        last = max(dates) if dates else None  # an unreadable date (None) is no activity date
        band = ENGAGEMENT_LABELS[engagement(last, date.today())]
        return f"{band} — last activity {format_date(last)}" if last else band

    def _update_buttons(self) -> None:
        has_contact = selected_id(self.contacts_view) is not None
        self._contact_edit.setEnabled(has_contact)
        self._contact_delete.setEnabled(has_contact)
        self.log.update_buttons()

    # -- contacts ---------------------------------------------------------------------

    def add_contact(self) -> None:
        if self._partner_id is None:
            return
        dialog = ContactDialog(self)
        if not self.contacts.rowCount():
            dialog.form.set_values({"is_primary": True})
        if dialog.exec():
            values, partner_id = dialog.values(), self._partner_id
            self._perform(OperationCommand(
                self._store, self.tr("Add contact %s") % values["name"],
                lambda: save_contact(self._store, partner_id, values)),
                self.tr("Could not add the contact"))

    def edit_contact(self) -> None:
        contact_id = selected_id(self.contacts_view)
        contact = self._store.get(Contact, contact_id) if contact_id else None
        if contact is None:
            return
        fields = ("name", "role", "email", "phone", "is_primary")
        dialog = ContactDialog(self, {f: getattr(contact, f) for f in fields})
        if dialog.exec():
            values = dialog.values()
            self._perform(OperationCommand(
                self._store, self.tr("Edit contact %s") % values["name"],
                lambda: save_contact(self._store, contact.partner_id, values, contact.id)),
                self.tr("Could not save the contact"))

    def delete_contact(self) -> None:
        contact_id = selected_id(self.contacts_view)
        contact = self._store.get(Contact, contact_id) if contact_id else None
        if contact is not None and confirm_delete(self, self.tr("contact"), contact.name):
            self._perform(DeleteCommand(self._store, Contact, contact.id,
                                        self.tr("Delete contact %s") % contact.name),
                          self.tr("Could not delete the contact"))

    # -- activities -------------------------------------------------------------------

    def add_activity(self) -> None:
        self.log.add()

    def _perform(self, command, failure: str) -> None:
        perform_or_report(self, self._stack, self._store, command, failure)
