"""Running an enablement operation as one undo step, and saying so when it is refused."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from channeldesk.services.operations import Operation
from channeldesk.store import Store
from channeldesk.ui.shell.undo import OperationCommand, perform_or_report


def run_operation(parent: QWidget, stack: QUndoStack, store: Store, text: str,
                  operation: Callable[[], Operation], failure: str
                  ) -> OperationCommand | None:
    """Perform ``operation`` as one undo step titled ``text``; the command (its
    ``value`` is the operation's), or None when it was refused (the refusal was shown)."""
    command = OperationCommand(store, text, operation)
    if not perform_or_report(parent, stack, store, command, failure):
        return None
    return command
