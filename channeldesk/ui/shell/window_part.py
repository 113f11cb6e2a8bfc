"""What a feature without a tab (sync) gives the main window, and what it gets from it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QMainWindow, QToolBar, QWidget

from channeldesk.store import Store
from channeldesk.ui.shell.presentation import PresentationMode
from channeldesk.ui.shell.settings import Settings
from channeldesk.ui.shell.store_bridge import StoreBridge


@dataclass(frozen=True)
class WindowContext:
    """The window's shared pieces a feature may use."""

    store: Store
    settings: Settings
    window: QMainWindow
    undo_stack: QUndoStack
    bridge: StoreBridge
    presentation: PresentationMode


class WindowPart:
    """Interface of a window part; a feature's class implements what it has.

    Built with the window from its feature-list entry as ``Part(context)``; ``start`` runs
    once the window is built, ``shutdown`` before it closes.
    """

    def toolbars(self) -> list[QToolBar]:
        return []

    def status_widgets(self) -> list[QWidget]:
        return []

    def file_actions(self) -> list[QAction]:
        return []

    def settings_actions(self) -> list[QAction]:
        return []

    def start(self) -> None:
        pass

    def shutdown(self) -> None:
        pass
