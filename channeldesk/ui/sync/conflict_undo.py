"""A conflict decision as an undoable command (see ``sync/decision_undo.py``).

Undo is exact until the next sync; after one, the decision may be on the server and the
command is dropped from the stack with a message saying to edit the record instead
(``DecisionAlreadySyncedError.expires_undo``, honoured by :class:`OperationCommand`).
"""

from __future__ import annotations

from typing import Any

from channeldesk.store import Store
from channeldesk.sync import decision_undo
from channeldesk.sync.conflicts import Choice
from channeldesk.ui.shell.undo import OperationCommand

CHOICE_TEXTS = {"keep_mine": "Keep mine", "keep_theirs": "Keep theirs",
                "merged": "Merged value"}


class DecisionCommand(OperationCommand):
    """Decide conflicts; undo reopens them with everything as it was."""

    def __init__(self, store: Store, conflict_ids: list[int], choice: Choice,
                 merged_value: Any = None, text: str | None = None) -> None:
        count = len(conflict_ids)
        super().__init__(
            store, text or f"{CHOICE_TEXTS[choice]} ({count} conflict"
                           f"{'' if count == 1 else 's'})",
            lambda: decision_undo.decide(store, conflict_ids, choice, merged_value))
