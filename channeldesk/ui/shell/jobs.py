"""Long work off the GUI thread, with progress shown after half a second and a real Cancel.

This is the one place that creates threads. Work functions never touch widgets: they get a
``progress(done, total, message)`` callback and a cancel token, and their result (or error)
comes back to the GUI thread by signal (Anki's taskman pattern). A cancelled work raises
``channeldesk.domain.progress.Cancelled``; the worker's database connection is given back
here, after every work, so no work function has to remember it.

``run_task`` is for work the user waits for (a window-modal progress dialog);
``run_in_background`` is for work that must never get in the way, such as sync: no
dialog, progress by signal for a status-bar widget to show.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtWidgets import QProgressDialog, QWidget

from channeldesk.domain.progress import Cancelled, Progress
from channeldesk.store import Store

log = logging.getLogger(__name__)

SHOW_PROGRESS_AFTER_MS = 500
_running: set[Task] = set()
Work = Callable[[Progress, threading.Event], Any]


class _TaskSignals(QObject):
    sig_progressed = Signal(int, int, str)
    sig_finished = Signal(object)
    sig_failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, work: Work, cancel: threading.Event, signals: _TaskSignals) -> None:
        super().__init__()
        self._work, self._cancel, self._signals = work, cancel, signals

    def run(self) -> None:
        try:
            result = self._work(self._signals.sig_progressed.emit, self._cancel)
        except BaseException as error:  # handed to the GUI thread, which reports it
            if not isinstance(error, Cancelled):
                log.exception("background task failed")
            self._signals.sig_failed.emit(error)
        else:
            self._signals.sig_finished.emit(result)
        finally:
            # The one place a worker gives back the database connection it opened: pool
            # threads are reused, and a connection left open would pin the WAL.
            Store.release_worker_connections()


class Task(QObject):
    """One running piece of work and, unless it runs in the background, its progress
    dialog."""

    sig_done = Signal(object)
    """Emitted on the GUI thread with the work's result."""
    sig_failed = Signal(object)
    """Emitted on the GUI thread with the exception (cancellation included)."""
    sig_progressed = Signal(int, int, str)
    """Emitted on the GUI thread with the work's ``progress(done, total, message)``."""

    def __init__(self, parent: QObject, title: str, work: Work, *,
                 with_dialog: bool = True) -> None:
        super().__init__(parent)
        self.title = title
        self.cancel_token = threading.Event()
        self._signals = _TaskSignals()
        self._dialog: QProgressDialog | None = None
        if with_dialog:
            assert isinstance(parent, QWidget), "a progress dialog needs a parent widget"
            self._dialog = QProgressDialog(title, self.tr("Cancel"), 0, 0, parent)
            self._dialog.setObjectName("task-progress")
            self._dialog.setWindowTitle(title)
            self._dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self._dialog.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
            self._dialog.setAutoClose(False)
            self._dialog.setAutoReset(False)
            self._dialog.canceled.connect(self.cancel_token.set)
        self._signals.sig_progressed.connect(self._on_progress)
        self._signals.sig_finished.connect(self._on_finished)
        self._signals.sig_failed.connect(self._on_failed)
        self._runnable = _Runnable(work, self.cancel_token, self._signals)
        self._runnable.setAutoDelete(False)  # Python owns it; the pool must not free it too
        self.running = False

    def start(self) -> None:
        self.running = True
        _running.add(self)
        if self._dialog is not None:
            self._dialog.setValue(0)
        QThreadPool.globalInstance().start(self._runnable)

    def cancel(self) -> None:
        """Ask the work to stop; it ends through ``sig_done`` or ``sig_failed`` as usual."""
        self.cancel_token.set()

    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.sig_progressed.emit(done, total, message)
        if self._dialog is None:
            return
        self._dialog.setMaximum(max(total, 0))
        self._dialog.setValue(done)
        if message:
            self._dialog.setLabelText(message)

    def _on_finished(self, result: Any) -> None:
        self._close()
        self.sig_done.emit(result)

    def _on_failed(self, error: BaseException) -> None:
        self._close()
        self.sig_failed.emit(error)

    def _close(self) -> None:
        self.running = False
        _running.discard(self)
        if self._dialog is not None:
            self._dialog.canceled.disconnect(self.cancel_token.set)
            self._dialog.close()
        self.deleteLater()


def cancel_and_wait_for_all(timeout_ms: int = 30_000) -> bool:
    """Cancel every running task and wait for the workers (before a window goes away).

    A task's result is delivered to widgets of its window; letting a worker finish after
    the window was destroyed would deliver it to freed objects. Cancelled work rolls back.
    Returns False if a worker was still busy when the timeout ran out.
    """
    for task in list(_running):
        task.cancel_token.set()
    finished = QThreadPool.globalInstance().waitForDone(timeout_ms)
    QCoreApplication.processEvents()  # deliver the results while the widgets still exist
    return finished


def run_task(parent: QWidget, title: str, work: Work,
             on_done: Callable[[Any], None], on_failed: Callable[[BaseException], None]) -> Task:
    """Start ``work`` in the thread pool; results arrive on the GUI thread."""
    task = Task(parent, title, work)
    task.sig_done.connect(on_done)
    task.sig_failed.connect(on_failed)
    task.start()
    return task


def run_and_wait(parent: QWidget, title: str, work: Work) -> Any:
    """Run ``work`` in a worker while the window waits (repainting, a progress dialog after
    half a second, input blocked), then return its result or raise its error here.

    For work whose caller must finish before it returns, yet is too long for the GUI
    thread: an undo of a 100,000-row import (the undo stack needs the undo done when
    ``undo()`` returns). The dialog has no Cancel: such work is one transaction that
    either lands or rolls back as a whole.
    """
    outcome: dict[str, Any] = {}
    loop = QEventLoop()
    task = Task(parent, title, work)
    if task._dialog is not None:
        task._dialog.setCancelButton(None)
    task.sig_done.connect(lambda result: (outcome.update(result=result), loop.quit()))
    task.sig_failed.connect(lambda error: (outcome.update(error=error), loop.quit()))
    task.start()
    if task.running:
        loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def run_in_background(parent: QObject, title: str, work: Work,
                      on_done: Callable[[Any], None],
                      on_failed: Callable[[BaseException], None],
                      on_progress: Callable[[int, int, str], None] | None = None) -> Task:
    """Start ``work`` in the thread pool with no dialog, for work that must not get in
    the user's way; cancel it with ``Task.cancel()``."""
    task = Task(parent, title, work, with_dialog=False)
    task.sig_done.connect(on_done)
    task.sig_failed.connect(on_failed)
    if on_progress is not None:
        task.sig_progressed.connect(on_progress)
    task.start()
    return task

