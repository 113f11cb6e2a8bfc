"""What Incentives offers on the partner selected in the Partners tab."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget


def actions(tab: QWidget) -> list[QAction]:
    """"Allocate funds…" for the selected partner: opens the Incentives tab's allocation
    dialog through the tab's ``sig_feature_requested``-style hook when the Partners tab
    offers one (``tab.open_feature(key, partner_id)``); without it, the action is off."""
    action = QAction(tab.tr("Allocate funds…"), tab)
    action.setObjectName("action-partner-allocate-funds")
    opener = getattr(tab, "open_feature", None)
    if opener is None:
        action.setEnabled(False)
    else:
        action.triggered.connect(lambda: opener("incentives", "allocate"))
    return [action]
