"""Undoable edits: every change a user makes is one QUndoCommand over the store.

Undo and redo are ordinary store writes, so they are journalled and sync like any edit.
The first ``redo`` runs before the command is pushed (see :func:`perform`): if the store
refuses (a locked file, a full disk), nothing lands on the undo stack and the caller can
tell the user. A single-row edit is an Insert/Update/DeleteCommand; an action over
several rows is a Qt-free operation (``services/operations.py``) wrapped in the one
generic :class:`OperationCommand`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from channeldesk.domain.progress import Progress
from channeldesk.services.operations import Operation, Undoable
from channeldesk.store import Store
from channeldesk.store.models import SyncedModel
from channeldesk.ui.shell.errors import show_error
from channeldesk.ui.shell.jobs import run_and_wait

log = logging.getLogger(__name__)

ErrorReporter = Callable[[str, BaseException], None]
IN_WORKER_FROM = 2_000  # rows an undo or redo writes before it runs in a worker


class StoreCommand(QUndoCommand):
    """Base: runs ``_do``/``_undo`` and reports a failure instead of raising into Qt.

    A command that writes many rows (``rows_written`` of at least ``IN_WORKER_FROM``, an
    undo of a big import) runs in a worker while ``waiting_window`` waits with a progress
    dialog, so the window keeps painting; small ones run here, at once.
    """

    report_error: ErrorReporter | None = None
    waiting_window: QWidget | None = None
    store: Store

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._skip_next_redo = False
        self._progress: Progress | None = None

    def rows_written(self) -> int:
        """How many rows an undo or redo of this command writes."""
        return 1

    def redo(self) -> None:
        if self._skip_next_redo:
            self._skip_next_redo = False
            return
        self._guarded(self._do, "redo")

    def undo(self) -> None:
        self._guarded(self._undo, "undo")

    def _guarded(self, action: Callable[[], None], what: str) -> None:
        """Run one undo/redo atomically; a failure is reported, never raised into Qt."""
        try:
            window = StoreCommand.waiting_window
            if window is not None and self.rows_written() >= IN_WORKER_FROM:
                run_and_wait(window, f"{what.capitalize()}: {self.text()}",
                             lambda progress, _cancel: self._in_transaction(action, progress))
            else:
                self._in_transaction(action, None)
        except Exception as error:  # reported, never raised into the Qt event loop
            log.exception("%s of '%s' failed", what, self.text())
            if StoreCommand.report_error:
                StoreCommand.report_error(f"Could not {what} '{self.text()}'", error)

    def _in_transaction(self, action: Callable[[], None], progress: Progress | None) -> None:
        self._progress = progress
        try:
            with self.store.transaction():
                action()
        finally:
            self._progress = None

    def _do(self) -> None:
        pass

    def _undo(self) -> None:
        pass


class InsertCommand(StoreCommand):
    """Create a row; undo tombstones it, redo brings the same row back."""

    def __init__(self, store: Store, model: type[SyncedModel], values: dict[str, Any],
                 text: str) -> None:
        super().__init__(text)
        self.store, self.model, self.values = store, model, values
        self.row_id: str | None = None

    def _do(self) -> None:
        if self.row_id is None:
            self.row_id = self.store.insert(self.model, self.values)
        else:
            self.store.restore(self.model, self.row_id)

    def _undo(self) -> None:
        self.store.delete(self.model, self.row_id)


class UpdateCommand(StoreCommand):
    """Change fields of a row; undo puts back exactly the values it replaced."""

    def __init__(self, store: Store, model: type[SyncedModel], row_id: str,
                 values: dict[str, Any], text: str) -> None:
        super().__init__(text)
        self.store, self.model, self.row_id, self.values = store, model, row_id, values
        self.previous: dict[str, Any] = {}

    def _do(self) -> None:
        self.previous = self.store.update(self.model, self.row_id, self.values)

    def _undo(self) -> None:
        self.store.update(self.model, self.row_id, self.previous)


class DeleteCommand(StoreCommand):
    """Tombstone a row; undo restores it with everything that hung off it."""

    def __init__(self, store: Store, model: type[SyncedModel], row_id: str, text: str) -> None:
        super().__init__(text)
        self.store, self.model, self.row_id = store, model, row_id

    def _do(self) -> None:
        self.store.delete(self.model, self.row_id)

    def _undo(self) -> None:
        self.store.restore(self.model, self.row_id)


class OperationCommand(StoreCommand):
    """Any Qt-free operation as one undo step.

    Built with ``operation`` (a function that performs it and returns its undoable
    result), the first redo performs it, inside :func:`perform`'s transaction. Built with
    :meth:`performed` (an operation that already ran, e.g. an import in a worker), the
    first redo is that run. Later undos and redos apply the result. An undo that can
    never succeed again (its error class says ``expires_undo``) drops the step.
    """

    def __init__(self, store: Store, text: str,
                 operation: Callable[[], Undoable] | None = None) -> None:
        super().__init__(text)
        self.store = store
        self._operation = operation
        self.result: Undoable | None = None

    @classmethod
    def performed(cls, store: Store, result: Undoable, text: str) -> OperationCommand:
        """Wrap an operation that has already run; push it with ``stack.push``."""
        command = cls(store, text)
        command.result = result
        command._skip_next_redo = True
        return command

    @property
    def value(self) -> Any:
        """The operation's value (e.g. the id of what it created), once performed."""
        return getattr(self.result, "value", None)

    def rows_written(self) -> int:
        if isinstance(self.result, Operation):
            return self.result.row_count()
        return 1

    def _do(self) -> None:
        if self.result is None:
            if self._operation is None:
                raise RuntimeError("an OperationCommand needs an operation or a result")
            self.result = self._operation()
        elif isinstance(self.result, Operation):
            self.result.redo(self.store, self._progress)
        else:
            self.result.redo(self.store)

    def _undo(self) -> None:
        if self.result is None:
            return
        try:
            if isinstance(self.result, Operation):
                self.result.undo(self.store, self._progress)
            else:
                self.result.undo(self.store)
        except Exception as error:
            if getattr(error, "expires_undo", False):
                self.setObsolete(True)  # the stack drops it: redo would do nothing
            raise


def perform(stack: QUndoStack, store: Store, command: StoreCommand) -> None:
    """Run a command in one transaction, then push it; raises if the store refused it."""
    with store.transaction():
        command._do()
    command._skip_next_redo = True
    stack.push(command)


def perform_or_report(parent: QWidget, stack: QUndoStack, store: Store,
                      command: StoreCommand, failure: str) -> bool:
    """Perform a user's edit; if the store refuses, say so and leave the stack unchanged."""
    try:
        perform(stack, store, command)
    except Exception as error:
        show_error(parent, failure, error)
        return False
    return True
