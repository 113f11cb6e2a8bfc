"""Start onboarding: pick the partner, the template (the one made for the partner's type
and tier is suggested) and the start date; the checklist with its real due dates is
shown before anything is written. On first use the shipped templates are offered."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.onboarding import label
from channeldesk.services.onboarding_operations import preview_start
from channeldesk.services.operations import OperationRefused
from channeldesk.store import Store
from channeldesk.store.models import Partner
from channeldesk.store.onboarding_queries import (
    active_plan_of,
    any_template_ever,
    partners_in_onboarding,
    suggested_template,
    templates,
)
from channeldesk.ui.onboarding.dialogs import date_edit, error_label, show_problem
from channeldesk.ui.onboarding.edits import shipped_templates_command, start_command
from channeldesk.ui.shell.undo import perform_or_report
from channeldesk.ui.widgets.formats import format_date


class StartOnboardingDialog(QDialog):
    """Partner, template, start date, owner, and the checklist it makes."""

    def __init__(self, partners: list[Partner], partner_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("onboarding-start-dialog")
        self.setWindowTitle(self.tr("Start onboarding"))
        self.setMinimumSize(620, 460)
        self._partners = {p.id: p for p in partners}
        self.partner = QComboBox()
        self.partner.setObjectName("field-partner")
        for p in partners:
            self.partner.addItem(p.name, p.id)
        self.partner.setCurrentIndex(max(0, self.partner.findData(partner_id)))
        self.partner.setEnabled(partner_id is None)
        self.template = QComboBox()
        self.template.setObjectName("field-template")
        for t in templates():
            self.template.addItem(t.name, t.id)
        self.start = date_edit("field-started_on")
        self.owner = QLineEdit()
        self.owner.setObjectName("field-owner")
        self.owner.setPlaceholderText(self.tr("Channel account manager"))
        self.error = error_label("error-template")
        self.preview = QTableWidget(0, 3)
        self.preview.setObjectName("onboarding-start-preview")
        self.preview.setHorizontalHeaderLabels([self.tr("Task"), self.tr("Owner"),
                                                self.tr("Due")])
        self.preview.verticalHeader().hide()
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Start onboarding"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("&Partner"), self.partner)
        form.addRow(self.tr("&Template"), self.template)
        form.addRow("", self.error)
        form.addRow(self.tr("&Start date"), self.start)
        form.addRow(self.tr("&Owner"), self.owner)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("The checklist it makes:")))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.buttons)
        self.partner.currentIndexChanged.connect(lambda _: self._suggest())
        self.template.currentIndexChanged.connect(lambda _: self._update())
        self.start.dateChanged.connect(lambda _: self._update())
        self._suggest()

    def partner_id(self) -> str | None:
        return self.partner.currentData()

    def template_id(self) -> str | None:
        return self.template.currentData()

    def started_on(self) -> date:
        return self.start.date().toPython()

    def _suggest(self) -> None:
        partner = self._partners.get(self.partner_id() or "")
        if partner is not None:
            self.owner.setText(partner.owner)
            found = suggested_template(partner.partner_type, partner.tier)
            if found is not None:
                self.template.setCurrentIndex(max(0, self.template.findData(found.id)))
        self._update()

    def _update(self) -> None:
        self.preview.setRowCount(0)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if not self.template_id():
            show_problem(self.error, self.template, self.tr("Choose a template."))
            ok.setEnabled(False)
            return
        try:
            planned = preview_start(self.template_id(), self.started_on())
        except OperationRefused as refusal:
            show_problem(self.error, self.template, str(refusal))
            ok.setEnabled(False)
            return
        show_problem(self.error, self.template, None)
        ok.setEnabled(self.partner_id() is not None)
        self.preview.setRowCount(len(planned))
        for row, task in enumerate(planned):
            title = task.title if task.required else self.tr("%s (optional)") % task.title
            for column, text in enumerate((title, label(task.owner_side),
                                           format_date(task.due_on))):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.preview.setItem(row, column, item)


def ensure_templates(parent: QWidget, store: Store, stack: QUndoStack) -> bool:
    """Templates to start from: on first use, offer the shipped ones (one undo step)."""
    if templates():
        return True
    if any_template_ever():
        QMessageBox.information(parent, parent.tr("Start onboarding"), parent.tr(
            "There is no onboarding template. Create one under Settings › Onboarding "
            "templates first."))
        return False
    answer = QMessageBox.question(
        parent, parent.tr("Onboarding templates"),
        parent.tr("There are no onboarding templates yet. Add the three that ship with "
                  "ChannelDesk (“Reseller – Gold”, “MSP” and “Referral”)?\n\nYou can change "
                  "them under Settings › Onboarding templates."),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    return perform_or_report(parent, stack, store, shipped_templates_command(store),
                             parent.tr("Could not add the templates"))


def start_onboarding_flow(parent: QWidget, store: Store, stack: QUndoStack,
                          partner_id: str | None = None) -> str | None:
    """Ask, preview and start; the new checklist's id, or None if nothing was started."""
    if not ensure_templates(parent, store, stack):
        return None
    if partner_id is not None:
        partner = store.get(Partner, partner_id)
        if partner is None or partner.deleted:
            return None
        if active_plan_of(partner_id) is not None:
            QMessageBox.information(parent, parent.tr("Start onboarding"), parent.tr(
                "%s is already in onboarding: its checklist is in the Onboarding tab.")
                % partner.name)
            return None
        partners = [partner]
    else:
        busy = partners_in_onboarding()
        partners = [p for p in Partner.live().order_by(Partner.name) if p.id not in busy]
        if not partners:
            QMessageBox.information(parent, parent.tr("Start onboarding"), parent.tr(
                "Every partner is already in onboarding, or there is no partner yet. Add "
                "a partner in the Partners tab first."))
            return None
    dialog = StartOnboardingDialog(partners, partner_id, parent)
    if not dialog.exec():
        return None
    chosen = store.get(Partner, dialog.partner_id())
    command = start_command(store, chosen.id, chosen.name, dialog.template_id(),
                            dialog.started_on(), dialog.owner.text().strip())
    if perform_or_report(parent, stack, store, command,
                         parent.tr("Could not start the onboarding")):
        return command.value
    return None

