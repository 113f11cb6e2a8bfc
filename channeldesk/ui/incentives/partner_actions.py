"""What Incentives offers on the partner selected in the Partners tab: "Allocate funds…".

The Partners tab lists these actions without importing this feature (``partner_actions``
in ``features.py``); the action works on the tab it is given, through what every record
tab has: the selected id, its store and its undo step (``RecordTab.perform``).
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from channeldesk.domain.incentive import kind_label
from channeldesk.services import incentive_operations as ops
from channeldesk.store.engagement_queries import partner_choices
from channeldesk.store.incentive_queries import programs
from channeldesk.ui.incentives.dialogs import AllocateDialog
from channeldesk.ui.shell.undo import OperationCommand
from channeldesk.ui.widgets.record_tab import RecordTab


def actions(tab: RecordTab) -> list[QAction]:
    action = QAction(tab.tr("Allocate incentive funds…"), tab)
    action.setObjectName("action-partner-allocate-funds")
    action.triggered.connect(lambda: allocate_for_selected(tab))
    return [action]


def allocate_for_selected(tab: RecordTab) -> bool:
    """Open the allocation dialog for the tab's selected partner and allocate, as one
    undo step of that tab's stack. False when nothing was allocated."""
    store = tab._store
    partner_id = tab.current_id()
    choices = [(pid, f"{name} ({kind_label(kind)} {period}, {currency})", currency)
               for pid, name, kind, period, currency in programs(store.db)]
    if not partner_id or not choices:
        QMessageBox.information(tab, tab.tr("Allocate funds"), tab.tr(
            "Select a partner, and create an incentive program first."))
        return False
    dialog = AllocateDialog(choices, partner_choices(), tab, partner_id)
    if not dialog.exec():
        return False
    values = dialog.values()
    request = ops.AllocationRequest(values["program"], values["partner"], values["amount"],
                                    values["expires_on"], values["note"])
    return tab.perform(OperationCommand(store, tab.tr("Allocate funds"),
                                        lambda: ops.allocate_funds(store, request)),
                       tab.tr("Could not allocate the funds"))
