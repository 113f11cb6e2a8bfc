"""What Enablement offers on the partner selected in the Partners tab: "Share assets…"
(the share dialog with that partner ticked). The Partners tab lists these actions without
importing this feature (``partner_actions`` in ``channeldesk/features.py``)."""

from __future__ import annotations

from PySide6.QtGui import QAction

from channeldesk.ui.enablement.sharing import share_with_dialog
from channeldesk.ui.widgets.feature_tab import FeatureTab


def actions(tab: FeatureTab) -> list[QAction]:
    """Actions on the partner ``tab.current_partner_id()`` names, for its menu."""
    share = QAction(tab.tr("Share &assets…"), tab)
    share.setObjectName("action-partner-share-assets")
    share.setStatusTip(tab.tr("Record which assets this partner was given, and how"))

    def run() -> None:
        partner_id = tab.current_partner_id()
        if not partner_id:
            return
        result = share_with_dialog(tab, tab.store, tab.undo_stack, None, [partner_id])
        if result is not None:
            tab.sig_status.emit(result.summary())
    share.triggered.connect(run)
    return [share]
