"""Re-emits the store's plain callbacks as a Qt signal (Electrum's bridge pattern).

The bridge lives on the GUI thread; a commit made there is delivered at once, a commit
made by a worker thread is queued to the GUI thread by Qt's automatic connection type.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice


class StoreBridge(QObject):
    """Views connect to ``sig_rows_changed`` to refresh only what a commit touched."""

    sig_rows_changed = Signal(object)
    """Emitted with a :class:`ChangeNotice` after each commit that changed rows."""

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._unsubscribe = store.subscribe(self._on_commit)

    def _on_commit(self, notice: ChangeNotice) -> None:
        self.sig_rows_changed.emit(notice)

    def close(self) -> None:
        """Stop relaying; safe to call more than once (a window may be closed twice)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
