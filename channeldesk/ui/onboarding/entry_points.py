"""What the Onboarding feature offers elsewhere, named in its feature-list entry: "Start
onboarding…" on a partner in the Partners tab, the offer after a prospect's conversion,
and the templates editor in the Settings menu. The other tabs never import this folder."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from channeldesk.store.models import Partner
from channeldesk.ui.onboarding.start_dialog import start_onboarding_flow
from channeldesk.ui.shell.window_part import WindowContext
from channeldesk.ui.widgets.feature_tab import FeatureTab
from channeldesk.ui.widgets.record_tab import RecordTab


def partner_actions(tab: RecordTab) -> list[QAction]:
    """"Start onboarding…" for the partner selected in ``tab``."""
    action = QAction(tab.tr("Start &onboarding…"), tab)
    action.setObjectName("action-partner-start-onboarding")
    action.setStatusTip(tab.tr("Turn an onboarding template into this partner's checklist"))

    def start() -> None:
        partner_id = tab.current_id()
        if partner_id:
            _start_and_tell(tab, partner_id)

    action.triggered.connect(start)
    return [action]


def offer_after_conversion(tab: FeatureTab, partner_id: str) -> None:
    """A prospect just became a partner: offer to start its onboarding now. The offer does
    not block (the conversion is done; answering later is fine)."""
    partner = tab.store.get(Partner, partner_id)
    if partner is None or partner.deleted:
        return
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    box = QMessageBox(QMessageBox.Icon.Question, tab.tr("Start onboarding"), tab.tr(
        "%s is now a partner. Start its onboarding now?\n\nYou can also start it later "
        "from the Partners tab (Partner › Start onboarding…).") % partner.name, yes | no, tab)
    box.setObjectName("onboarding-offer")
    box.setDefaultButton(yes)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.finished.connect(lambda answer: _start_and_tell(tab, partner_id)
                         if answer == yes else None)
    box.open()


def _start_and_tell(tab: FeatureTab, partner_id: str) -> None:
    if start_onboarding_flow(tab, tab.store, tab.undo_stack, partner_id):
        partner = tab.store.get(Partner, partner_id)
        tab.sig_status.emit(tab.tr("Onboarding of %s started (Onboarding tab).")
                            % partner.name)


def settings_actions(context: WindowContext) -> list[QAction]:
    """Settings > Onboarding templates…"""
    action = QAction(context.window.tr("&Onboarding templates…"), context.window)
    action.setObjectName("action-settings-onboarding-templates")

    def open_editor() -> None:
        from channeldesk.ui.onboarding.templates_editor import TemplatesEditor

        TemplatesEditor(context.store, context.undo_stack, context.window).exec()

    action.triggered.connect(open_editor)
    return [action]
