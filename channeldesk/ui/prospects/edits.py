"""The undoable edits of the Prospects tab that are more than one row: a stage move (the
prospect and its history entry), converting to a partner, an import, a profile save.

Each is a Qt-free operation (``services/prospect_operations.py``, the CSV import) in the
one generic :class:`OperationCommand`, so Ctrl+Z takes back the whole action. These
wrappers only add the undo menu's text.
"""

from __future__ import annotations

from typing import Any

from channeldesk.domain.fit_score import Criterion
from channeldesk.domain.prospect import label
from channeldesk.services import prospect_operations
from channeldesk.services.prospect_csv_import import ImportResult
from channeldesk.services.prospect_operations import criterion_values
from channeldesk.store import Store
from channeldesk.store.models import Prospect
from channeldesk.sync.state import editor_name
from channeldesk.ui.shell.undo import OperationCommand

__all__ = ["ConvertCommand", "ImportCommand", "criterion_values", "current_user",
           "move_stage_command", "save_profile_command"]


def current_user(store: Store) -> str:
    """Who is making the edit, for the stage history (see ``sync.state.editor_name``)."""
    return editor_name(store.db.connection())


def move_stage_command(store: Store, prospect: Prospect, target: str,
                       lost_reason: str = "") -> OperationCommand:
    """Move a prospect to another stage and record who moved it when, as one step."""
    return OperationCommand(
        store, f"Move {prospect.company} to {label(target)}",
        lambda: prospect_operations.move_stage(store, prospect.id, target, lost_reason,
                                               changed_by=current_user(store)))


class ConvertCommand(OperationCommand):
    """A signed prospect becomes a partner (partner, contact, activities, link back);
    undo tombstones what was made. ``value`` is the new partner's id."""

    def __init__(self, store: Store, prospect: Prospect, partner_values: dict[str, Any]) -> None:
        super().__init__(store, f"Convert {prospect.company} to a partner",
                         lambda: prospect_operations.convert_to_partner(
                             store, prospect.id, partner_values))


class ImportCommand(OperationCommand):
    """An import that already ran (in a worker, in one transaction), as one undo step:
    push it with ``stack.push``; its first redo is that run."""

    def __init__(self, store: Store, result: ImportResult, text: str) -> None:
        super().__init__(store, text)
        self.result = result.operation
        self._skip_next_redo = True


def save_profile_command(store: Store, name: str, criteria: list[Criterion]) -> OperationCommand:
    """Replace the current profile's criteria (or create the profile) as one step."""
    return OperationCommand(store, f"Edit ideal partner profile {name}",
                            lambda: prospect_operations.save_profile(store, name, criteria))
