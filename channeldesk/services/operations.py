"""What a multi-row user action wrote, so that it can be undone and redone exactly.

A user action that touches more than one row (a stage move with its history entry, a
conversion to a partner, a plan copied to the next period, an import) is a plain
function in ``services/``: it validates, then writes in ONE store transaction through a
:class:`Recorder`, and returns an :class:`Operation`. The operation is a small record
of what was written: the rows it inserted, and the previous and new values of the fields
it changed. Undo and redo apply that record generically, again through the store, so they
are journalled and sync like any edit. Nothing here knows about Qt: the desktop wraps any
operation in one undo command (``ui/shell/undo.py``), and the command line calls the same
functions and simply never undoes.

Inserted rows are taken back by tombstoning them (rows that may have synced are never
hard-deleted) and brought back by clearing the tombstone, so redo restores the very same
rows, ids included.

Anything else that can be undone (e.g. a conflict decision, which restores the outbox
itself) only needs ``undo(store)`` and ``redo(store)``: see :class:`Undoable`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from channeldesk.domain.progress import Progress
from channeldesk.store.database import Store
from channeldesk.store.models import SyncedModel

T = TypeVar("T")


class OperationRefused(ValueError):  # noqa: N818 -- a refusal worded for people
    """The action cannot be done as asked; nothing was written. ``str()`` says why."""


class Undoable(Protocol):
    """What the generic undo command needs: take it back, and apply it again.

    An undo that can never succeed any more (the change already left this computer)
    raises an exception whose class has ``expires_undo = True``; the command is then
    dropped from the undo stack instead of being offered again.
    """

    def undo(self, store: Store) -> None: ...

    def redo(self, store: Store) -> None: ...


@dataclass(frozen=True)
class Inserted:
    """Rows an operation created (one model; many ids for a bulk insert)."""

    model: type[SyncedModel]
    row_ids: tuple[str, ...]

    def undo(self, store: Store, progress: Progress | None = None) -> None:
        store.set_deleted_many(self.model, list(self.row_ids), True, progress)

    def redo(self, store: Store, progress: Progress | None = None) -> None:
        store.set_deleted_many(self.model, list(self.row_ids), False, progress)


@dataclass(frozen=True)
class Updated:
    """Fields an operation changed on one row: only those that really changed."""

    model: type[SyncedModel]
    row_id: str
    before: dict[str, Any]
    after: dict[str, Any]

    def undo(self, store: Store, progress: Progress | None = None) -> None:
        store.update(self.model, self.row_id, self.before)

    def redo(self, store: Store, progress: Progress | None = None) -> None:
        store.update(self.model, self.row_id, self.after)


Step = Inserted | Updated


@dataclass(frozen=True)
class Operation(Generic[T]):
    """A performed operation: its steps in the order written, and its ``value`` (what
    the caller wants to know, e.g. the new plan's id, or an import's counts)."""

    steps: tuple[Step, ...]
    value: T

    def undo(self, store: Store, progress: Progress | None = None) -> None:
        """Take the whole operation back in one transaction, last write first."""
        with store.transaction():
            for step in reversed(self.steps):
                step.undo(store, progress)

    def redo(self, store: Store, progress: Progress | None = None) -> None:
        """Apply an undone operation again in one transaction, in the original order."""
        with store.transaction():
            for step in self.steps:
                step.redo(store, progress)

    def row_count(self) -> int:
        """How many rows an undo or redo writes (a big one runs off the GUI thread)."""
        return sum(len(step.row_ids) if isinstance(step, Inserted) else 1
                   for step in self.steps)

    def rows(self) -> dict[str, set[str]]:
        """Table name → ids of the rows the operation wrote (for tests and notices)."""
        touched: dict[str, set[str]] = {}
        for step in self.steps:
            ids = step.row_ids if isinstance(step, Inserted) else (step.row_id,)
            touched.setdefault(step.model._meta.table_name, set()).update(ids)
        return touched


class Recorder:
    """The store's write methods, each noting what it wrote for undo and redo.

    Use it inside one store transaction (see :func:`run`); the steps are only worth
    keeping if that transaction commits.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.steps: list[Step] = []

    def insert(self, model: type[SyncedModel], values: dict[str, Any],
               row_id: str | None = None) -> str:
        row_id = self.store.insert(model, values, row_id=row_id)
        self.steps.append(Inserted(model, (row_id,)))
        return row_id

    def insert_many(self, model: type[SyncedModel], rows: list[dict[str, Any]],
                    chunk: int = 1000) -> list[str]:
        """Bulk insert as one step, so undoing 100,000 rows is one bulk tombstone."""
        ids = self.store.insert_many(model, rows, chunk=chunk)
        if ids:
            self.steps.append(Inserted(model, tuple(ids)))
        return ids

    def update(self, model: type[SyncedModel], row_id: str,
               values: dict[str, Any]) -> dict[str, Any]:
        """Like ``Store.update``: returns (and records) the previous values that changed."""
        previous = self.store.update(model, row_id, values)
        if previous:
            self.steps.append(Updated(model, row_id, previous,
                                      {name: values[name] for name in previous}))
        return previous

    def delete(self, model: type[SyncedModel], row_id: str) -> None:
        self.update(model, row_id, {"deleted": True})

    def restore(self, model: type[SyncedModel], row_id: str) -> None:
        self.update(model, row_id, {"deleted": False})

    def finish(self, value: T) -> Operation[T]:
        return Operation(tuple(self.steps), value)


def run(store: Store, write: Callable[[Recorder], T]) -> Operation[T]:
    """Run ``write`` in one store transaction and return what it did.

    If ``write`` raises (a refusal, a constraint, a locked file), the transaction rolls
    back whole and the error propagates: nothing was written, nothing to undo.
    """
    with store.transaction():
        recorder = Recorder(store)
        value = write(recorder)
    return recorder.finish(value)
