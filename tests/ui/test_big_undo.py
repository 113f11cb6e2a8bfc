"""Undo and redo of a big operation run in a worker while the window keeps painting."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from channeldesk.services.operations import run
from channeldesk.store.models import Prospect
from channeldesk.ui.shell.undo import IN_WORKER_FROM, OperationCommand, StoreCommand

ROWS = IN_WORKER_FROM + 500


def _import(store, rows: int) -> OperationCommand:
    operation = run(store, lambda recorder: recorder.insert_many(
        Prospect, [{"company": f"Bulk {n:05d}", "stage": "identified"} for n in range(rows)]))
    return OperationCommand.performed(store, operation, f"Import {rows:,} prospects")


def test_undoing_a_big_import_runs_in_a_worker_with_progress_and_lands_whole(window, qtbot):
    store = window.store
    window.undo_stack.push(_import(store, ROWS))
    assert Prospect.live().count() == ROWS
    ticks: list[int] = []
    timer = QTimer(interval=1)
    timer.timeout.connect(lambda: ticks.append(1))  # the GUI thread's event loop runs
    timer.start()
    progressed: list[tuple[int, int]] = []
    original = store.set_deleted_many

    def watched(model, ids, deleted, progress=None):
        def report(done, total, message):
            progressed.append((done, total))
            if progress is not None:
                progress(done, total, message)
        return original(model, ids, deleted, report)

    store.set_deleted_many = watched
    window.undo_action.trigger()
    assert Prospect.live().count() == 0  # undo() returned with the undo done
    assert progressed[-1] == (ROWS, ROWS) and len(progressed) > 1
    assert ticks, "the window's event loop did not run during the undo"
    window.redo_action.trigger()
    assert Prospect.live().count() == ROWS
    timer.stop()


def test_a_small_operation_is_undone_at_once_on_the_gui_thread(window):
    store = window.store
    window.undo_stack.push(_import(store, 3))
    window.undo_action.trigger()
    assert not Prospect.live().where(Prospect.company.startswith("Bulk")).exists()


def test_a_failed_big_undo_is_reported_and_leaves_every_row(window, monkeypatch):
    store = window.store
    window.undo_stack.push(_import(store, ROWS))
    reported = []
    monkeypatch.setattr(StoreCommand, "report_error",
                        lambda what, error: reported.append((what, str(error))))

    def fail(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store, "set_deleted_many", fail)
    window.undo_action.trigger()
    assert reported and "disk full" in reported[0][1]
    assert Prospect.live().count() == ROWS
