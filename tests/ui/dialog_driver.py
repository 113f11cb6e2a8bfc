"""Driving modal dialogs from a test: act on them once they are open."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget


def when_dialog_opens(handle: Callable[[QWidget], None]) -> None:
    """Run ``handle`` on the next modal dialog, once it is open and waiting for the user."""
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, poll)
        else:
            handle(dialog)

    QTimer.singleShot(0, poll)
