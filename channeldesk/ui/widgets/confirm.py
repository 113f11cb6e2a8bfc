"""The one question a delete asks."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def confirm_delete(parent: QWidget, what: str, name: str) -> bool:
    """Ask once; deletes are undoable, so the question says how."""
    answer = QMessageBox.question(
        parent, parent.tr("Delete %s") % what,
        parent.tr("Delete %s “%s”?\n\nYou can undo this with Ctrl+Z.") % (what, name),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
