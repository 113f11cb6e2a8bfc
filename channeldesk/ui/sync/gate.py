"""Keeps the sync worker's writes and the GUI thread's edits out of each other's way.

Why this exists: ``Store.transaction`` begins DEFERRED. A GUI edit reads the row, then
writes it; if the sync worker commits a page in between, SQLite refuses the write at
once with "database is locked" (a stale snapshot cannot be upgraded; the busy timeout
does not help). The core's own test documents it (``tests/sync/test_engine_edges.py``,
the xfail about BEGIN IMMEDIATE). Until the store begins its transactions IMMEDIATE,
this gate serialises the two writers without ever blocking the GUI thread:

* Before each of its write transactions (one per page or batch) the worker asks the
  GUI thread, by a queued signal, and waits. The GUI thread answers from its event loop
  — so it is not inside an edit — and only when no edit is under way: no open store
  transaction on its connection, and no modal dialog that may end in a write (an edit
  form, a delete confirmation). Otherwise it asks again a little later; the sync shows
  "paused" meanwhile. The wait costs the worker, never the user.
* Edits this package makes itself (conflict decisions) go through
  :meth:`WriteGate.run_when_free`: run at once when the worker is not writing, else
  right after its current page commits — never a GUI thread waiting on SQLite's lock.

The worker sees the store through :func:`gated_store`, a view whose ``db.atomic()``
passes the gate first; the engine's write transactions all go through it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from channeldesk.store import Store
from channeldesk.sync.errors import SyncError

log = logging.getLogger(__name__)

NO_STORE_WRITES = "channeldesk-no-store-writes"
"""Dynamic property: a modal dialog that never leads to a store write (sync does not
pause for it)."""
RETRY_MS = 250
WORKER_POLL_S = 0.05


class WriteCancelledError(SyncError):
    """The worker was cancelled while it waited to write: it stops before writing."""


class WriteGate(QObject):
    """One writer at a time between the sync worker and the GUI thread (see module)."""

    sig_write_requested = Signal()
    """Emitted from the worker: it wants to begin a write transaction."""
    sig_write_finished = Signal()
    """Emitted from the worker: its write transaction is over (committed or not)."""
    sig_waiting_changed = Signal(bool)
    """On the GUI thread: True while the worker waits for an edit to finish."""

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._lock = threading.Lock()
        self._requested = False
        self._worker_writing = False
        self._granted = threading.Event()
        self._queued: list[Callable[[], Any]] = []
        self._waiting = False
        self._retry = QTimer(self, singleShot=True, interval=RETRY_MS)
        self._retry.timeout.connect(self._consider)
        self.sig_write_requested.connect(self._consider)
        self.sig_write_finished.connect(self._after_write)

    # -- worker side ---------------------------------------------------------------------

    def enter(self, cancel: threading.Event) -> None:
        """Wait until the GUI thread lets the worker write. A cancel (the user's, or the
        window closing) ends the wait with WriteCancelledError: nothing is written, and
        what was committed before stays."""
        with self._lock:
            self._requested = True
            self._granted.clear()
        self.sig_write_requested.emit()
        while not self._granted.wait(WORKER_POLL_S):
            if cancel.is_set():
                with self._lock:
                    if not self._granted.is_set():
                        self._requested = False
                        raise WriteCancelledError("Cancelled before writing.")
                break

    def leave(self) -> None:
        with self._lock:
            self._worker_writing = False
            self._granted.clear()
        self.sig_write_finished.emit()

    # -- GUI side ------------------------------------------------------------------------

    @property
    def worker_writing(self) -> bool:
        with self._lock:
            return self._worker_writing

    def gui_is_editing(self) -> bool:
        """Whether an edit may be under way on the GUI thread (call it there)."""
        if self._store.db.in_transaction():
            return True
        modal = QApplication.activeModalWidget()
        return modal is not None and not modal.property(NO_STORE_WRITES)

    def run_when_free(self, edit: Callable[[], Any]) -> bool:
        """Run ``edit`` (a GUI-thread write) now, or after the worker's current write;
        True when it ran now."""
        if self.worker_writing:
            self._queued.append(edit)
            return False
        edit()
        return True

    def _consider(self) -> None:
        """Grant the worker's request unless the GUI thread may be editing."""
        with self._lock:
            requested = self._requested
        if requested and self.gui_is_editing():
            self._set_waiting(True)
            self._retry.start()
            return
        with self._lock:
            if self._requested:  # not withdrawn by a cancel meanwhile
                self._requested = False
                self._worker_writing = True
                self._granted.set()
        self._set_waiting(False)

    def _after_write(self) -> None:
        queued, self._queued = self._queued, []
        for edit in queued:
            try:
                edit()
            except Exception:  # the edit reports its own failure; keep the queue going
                log.exception("a queued edit failed")

    def _set_waiting(self, waiting: bool) -> None:
        if waiting != self._waiting:
            self._waiting = waiting
            self.sig_waiting_changed.emit(waiting)


class _GatedDatabase:
    """The store's peewee database as the worker sees it: ``atomic()`` passes the gate
    first and leaves it after the commit; everything else is the database itself."""

    def __init__(self, db: Any, gate: WriteGate, cancel: threading.Event) -> None:
        self._db, self._gate, self._cancel = db, gate, cancel

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    @contextmanager
    def atomic(self, *args: Any, **kwargs: Any) -> Iterator[None]:
        self._gate.enter(self._cancel)  # raises when cancelled: the caller writes nothing
        try:
            with self._db.atomic(*args, **kwargs):
                yield
        finally:
            self._gate.leave()


class _GatedStore:
    """The store with a gated ``db``; for the worker's sync, sign-in and sign-out."""

    def __init__(self, store: Store, db: _GatedDatabase) -> None:
        self._store, self.db = store, db

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def gated_store(store: Store, gate: WriteGate, cancel: threading.Event) -> Store:
    """``store`` as the worker must use it: its write transactions pass ``gate``."""
    return _GatedStore(store, _GatedDatabase(store.db, gate, cancel))  # type: ignore[return-value]
