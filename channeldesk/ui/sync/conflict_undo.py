"""A conflict decision as an undoable command (see ``sync/decision_undo.py``).

Undo is exact until the next sync; after one, the decision may be on the server and the
command is dropped from the stack with a message saying to edit the record instead.
"""

from __future__ import annotations

from typing import Any

from channeldesk.store import Store
from channeldesk.sync import decision_undo
from channeldesk.sync.conflicts import Choice
from channeldesk.sync.decision_undo import DecisionAlreadySyncedError
from channeldesk.ui.shell.undo import StoreCommand

CHOICE_TEXTS = {"keep_mine": "Keep mine", "keep_theirs": "Keep theirs",
                "merged": "Merged value"}


class DecisionCommand(StoreCommand):
    """Decide conflicts; undo reopens them with everything as it was."""

    def __init__(self, store: Store, conflict_ids: list[int], choice: Choice,
                 merged_value: Any = None, text: str | None = None) -> None:
        count = len(conflict_ids)
        super().__init__(text or f"{CHOICE_TEXTS[choice]} ({count} conflict"
                                 f"{'' if count == 1 else 's'})")
        self.store = store
        self.conflict_ids = conflict_ids
        self.choice = choice
        self.merged_value = merged_value
        self._before: decision_undo.DecisionBefore | None = None

    def _do(self) -> None:
        self._before = decision_undo.resolve_undoably(self.store, self.conflict_ids,
                                                      self.choice, self.merged_value)

    def _undo(self) -> None:
        if self._before is None:
            return
        try:
            decision_undo.undo(self.store, self._before)
        except DecisionAlreadySyncedError:
            self.setObsolete(True)  # the stack drops it: redo would decide nothing
            raise
