"""The one generic undo command: any operation, its first redo the operation itself,
failures reported instead of raised into Qt, an expired undo dropped from the stack."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from channeldesk.services.operations import run
from channeldesk.store.models import Partner
from channeldesk.ui.shell.undo import OperationCommand, StoreCommand, perform

PARTNER = {"name": "Acme", "partner_type": "msp", "tier": "gold", "status": "active",
           "region": "emea"}


@pytest.fixture
def reported(monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(StoreCommand, "report_error", lambda what, error: seen.append(
        f"{what}: {error}"))
    return seen


def insert_partner(store):
    return run(store, lambda recorder: recorder.insert(Partner, PARTNER))


def test_perform_runs_the_operation_once_then_undo_and_redo_apply_it(qtbot, store):
    stack, calls = QUndoStack(), []

    def operation():
        calls.append(1)
        return insert_partner(store)

    command = OperationCommand(store, "Add Acme", operation)
    perform(stack, store, command)
    assert calls == [1] and stack.undoText() == "Add Acme"
    partner = command.value
    assert not store.get(Partner, partner).deleted
    stack.undo()
    assert store.get(Partner, partner).deleted
    stack.redo()
    assert not store.get(Partner, partner).deleted and calls == [1]


def test_an_operation_that_already_ran_is_pushed_without_running_again(qtbot, store):
    stack = QUndoStack()
    result = insert_partner(store)
    stack.push(OperationCommand.performed(store, result, "Import"))
    assert not store.get(Partner, result.value).deleted and stack.count() == 1
    stack.undo()
    assert store.get(Partner, result.value).deleted


def test_a_refused_operation_never_reaches_the_stack(qtbot, store):
    stack = QUndoStack()

    def refuse():
        raise ValueError("no such stage")

    with pytest.raises(ValueError, match="no such stage"):
        perform(stack, store, OperationCommand(store, "Move", refuse))
    assert stack.count() == 0


class ExpiredError(RuntimeError):
    expires_undo = True


class Undoable:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def undo(self, store) -> None:
        raise self.error

    def redo(self, store) -> None:
        pass


def test_a_failed_undo_is_reported_and_an_expired_one_dropped(qtbot, store, reported):
    stack = QUndoStack()
    stack.push(OperationCommand.performed(store, Undoable(OSError("disk gone")), "Edit"))
    stack.undo()
    assert reported == ["Could not undo 'Edit': disk gone"]
    assert stack.count() == 1  # may work once the disk is back
    stack.redo()
    stack.push(OperationCommand.performed(store, Undoable(ExpiredError("already synced")),
                                          "Keep mine"))
    stack.undo()
    assert reported[-1] == "Could not undo 'Keep mine': already synced"
    assert stack.undoText() != "Keep mine"  # dropped: redo would do nothing
