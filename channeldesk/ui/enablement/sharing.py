"""Sharing assets through the share dialog as one undo step, from the library, from a
partner in this tab, or from the Partners tab's menu (``partner_actions``)."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from channeldesk.services.enablement_operations import ShareResult, share_assets
from channeldesk.store import Store
from channeldesk.ui.enablement.edits import run_operation
from channeldesk.ui.enablement.share_dialog import ShareDialog


def share_with_dialog(parent: QWidget, store: Store, stack: QUndoStack,
                      asset_ids: list[str] | None = None,
                      partner_ids: list[str] | None = None,
                      today: date | None = None) -> ShareResult | None:
    """Ask what to share with whom, then record it; what was recorded, or None."""
    dialog = ShareDialog(store, parent, asset_ids, partner_ids, today)
    if not dialog.exec():
        return None
    assets, partners = dialog.chosen_assets(), dialog.chosen_partners()
    include, channel, day = (dialog.include_expired.isChecked(), dialog.chosen_channel(),
                             dialog.shared_on())
    command = run_operation(
        parent, stack, store,
        parent.tr("Share %d asset(s) with %d partner(s)") % (len(assets), len(partners)),
        lambda: share_assets(store, assets, partners, channel, day, include_expired=include,
                             today=today),
        parent.tr("Could not record the shares"))
    return command.value if command is not None else None
