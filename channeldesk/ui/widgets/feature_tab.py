"""What the main window needs of every tab, written down once (no ``hasattr`` probing).

A feature's tab subclasses :class:`FeatureTab` and overrides what it has; the shell
connects the signals and calls the rest for every tab alike.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QWidget

from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.ui.shell.settings import Settings


class FeatureTab(QWidget):
    """Base of every tab: menus, presentation mode, search focus and saved state."""

    sig_status = Signal(str)
    """A short message for the status bar (an import finished, a prospect converted…)."""
    sig_load_demo_requested = Signal()
    """The user asked for the demo data set (an empty state's button)."""

    def __init__(self, store: Store, undo_stack: QUndoStack, key: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"tab-{key}")
        self._store, self._stack = store, undo_stack
        self._show_internal = True

    @property
    def store(self) -> Store:
        """The open database (for what another feature offers on this tab's records)."""
        return self._store

    @property
    def undo_stack(self) -> QUndoStack:
        return self._stack

    def menu_actions(self) -> list[QAction]:
        """Actions listed in the feature's own menu."""
        return []

    def file_actions(self) -> list[QAction]:
        """Import and export actions listed in the File menu."""
        return []

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        """Rows changed in the store (an edit, an undo, a sync): refresh what is shown."""

    def set_presentation(self, on: bool) -> None:
        """Presentation mode: hide internal-only fields while the screen is shared."""
        self._show_internal = not on

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the tab's search box."""

    def select_first(self) -> None:
        """Select the first record, if any (screenshots, keyboard users)."""

    def save_state(self, settings: Settings) -> None:
        """Remember splitters, columns and views when the window closes."""

    def restore_state(self, settings: Settings) -> None:
        """Put back what :meth:`save_state` remembered."""
