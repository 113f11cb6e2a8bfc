"""Undoable edits that create several related rows as one step (a new plan with its
signature lines, a plan copied to the next period with all its parts)."""

from __future__ import annotations

from typing import Any

from uuid6 import uuid7

from channeldesk.store import Store
from channeldesk.store.models import SyncedModel
from channeldesk.ui.shell.undo import StoreCommand


class InsertRowsCommand(StoreCommand):
    """Insert rows whose ids are chosen up front, so children can name their parent;
    undo tombstones them all, redo brings the same rows back."""

    def __init__(self, store: Store, text: str) -> None:
        super().__init__(text)
        self.store = store
        self._rows: list[tuple[type[SyncedModel], str, dict[str, Any]]] = []
        self._done_once = False

    def add(self, model: type[SyncedModel], values: dict[str, Any]) -> str:
        row_id = str(uuid7())
        self._rows.append((model, row_id, values))
        return row_id

    @property
    def first_id(self) -> str | None:
        return self._rows[0][1] if self._rows else None

    def _do(self) -> None:
        for model, row_id, values in self._rows:
            if self._done_once:
                self.store.restore(model, row_id)
            else:
                self.store.insert(model, values, row_id=row_id)
        self._done_once = True

    def _undo(self) -> None:
        for model, row_id, _values in reversed(self._rows):
            self.store.delete(model, row_id)
