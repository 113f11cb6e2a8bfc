"""The Plans tab's edits that create several related rows as one step: a new plan with
its signature lines, a plan copied to the next period with all its parts.

Both are Qt-free operations (``services/plan_operations.py``) in the one generic
:class:`OperationCommand`; ``command.value`` is the new plan's id once performed.
"""

from __future__ import annotations

from typing import Any

from channeldesk.services import plan_operations
from channeldesk.store import Store
from channeldesk.ui.shell.undo import OperationCommand


def new_plan_command(store: Store, values: dict[str, Any], text: str) -> OperationCommand:
    """A new plan for a partner and period, with a signature line per side."""
    return OperationCommand(store, text, lambda: plan_operations.new_plan(store, values))


def copy_plan_command(store: Store, plan_id: str, text: str) -> OperationCommand:
    """Next period's plan started from this one (targets carried, actuals reset)."""
    return OperationCommand(store, text,
                            lambda: plan_operations.copy_to_next_period(store, plan_id))


def amend_plan_command(store: Store, plan_id: str, text: str) -> OperationCommand:
    """The next revision of a signed plan, a draft linked to it."""
    return OperationCommand(store, text, lambda: plan_operations.amend_plan(store, plan_id))


def status_command(store: Store, plan_id: str, status: str, text: str) -> OperationCommand:
    """A plan moved along the status flow; signing a revision archives the one it amends."""
    return OperationCommand(store, text,
                            lambda: plan_operations.change_status(store, plan_id, status))
