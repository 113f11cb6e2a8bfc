"""A partner's agreements: kind, status, dates and the signed copy; add, edit, open."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.onboarding import AgreementStatus, label
from channeldesk.store import Store
from channeldesk.store.models import Agreement
from channeldesk.store.onboarding_queries import agreements_of
from channeldesk.ui.onboarding.dialogs import AgreementDialog
from channeldesk.ui.onboarding.edits import agreement_command
from channeldesk.ui.onboarding.files import open_stored_file
from channeldesk.ui.shell.undo import perform_or_report
from channeldesk.ui.widgets.formats import format_date

EXPIRING_DAYS = 60
WARN = QColor("#b26a00")


class AgreementsPanel(QWidget):
    """The list of the shown partner's agreements and its buttons."""

    def __init__(self, store: Store, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store, self._stack = store, stack
        self.partner_id: str | None = None
        self.show_internal = True
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("onboarding-agreements")
        self.table.setHorizontalHeaderLabels([self.tr("Agreement"), self.tr("Status"),
                                              self.tr("Signed"), self.tr("Expires"),
                                              self.tr("Signed copy")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemActivated.connect(lambda _: self.edit_agreement())
        buttons = QHBoxLayout()
        for text, name, slot in ((self.tr("&Record agreement…"), "onboarding-agreement-add",
                                  self.add_agreement),
                                 (self.tr("&Edit…"), "onboarding-agreement-edit",
                                  self.edit_agreement),
                                 (self.tr("Open signed copy"), "onboarding-agreement-open",
                                  self.open_copy)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def show_partner(self, partner_id: str | None) -> None:
        self.partner_id = partner_id
        rows = agreements_of(partner_id) if partner_id else []
        today = date.today()
        self.table.setRowCount(len(rows))
        for row, agreement in enumerate(rows):
            expiring = (agreement.status == AgreementStatus.SIGNED and agreement.expires_on
                        and (agreement.expires_on - today).days <= EXPIRING_DAYS)
            cells = (label(agreement.agreement_type), label(agreement.status),
                     format_date(agreement.signed_on), format_date(agreement.expires_on),
                     agreement.file_name or "–")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, agreement.id)
                if expiring and column == 3:
                    item.setForeground(WARN)
                    item.setToolTip(self.tr("Expires within %s days") % EXPIRING_DAYS)
                self.table.setItem(row, column, item)

    def current(self) -> Agreement | None:
        item = self.table.item(self.table.currentRow(), 0)
        return self._store.get(Agreement, item.data(Qt.ItemDataRole.UserRole)) if item else None

    def add_agreement(self, values: dict | None = None) -> None:
        if self.partner_id is None:
            return
        dialog = AgreementDialog(self, values, self.show_internal, self.tr("Record agreement"))
        if dialog.exec():
            self._save(None, dialog)

    def edit_agreement(self) -> None:
        agreement = self.current()
        if agreement is None:
            return
        values = {name: getattr(agreement, name) for name in (
            "agreement_type", "status", "signed_on", "expires_on", "file_name",
            "internal_notes")}
        dialog = AgreementDialog(self, values, self.show_internal, self.tr("Edit agreement"))
        if dialog.exec():
            self._save(agreement.id, dialog)

    def _save(self, agreement_id: str | None, dialog: AgreementDialog) -> None:
        perform_or_report(self, self._stack, self._store,
                          agreement_command(self._store, self.partner_id, agreement_id,
                                            dialog.values(), dialog.signed_copy()),
                          self.tr("Could not save the agreement"))

    def open_copy(self) -> None:
        agreement = self.current()
        if agreement is not None and agreement.signed_file:
            open_stored_file(self, self._store, agreement.signed_file, agreement.file_name)
