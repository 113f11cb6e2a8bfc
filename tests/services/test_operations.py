"""The generic operation record: what a Recorder notes, and exact undo/redo."""

from __future__ import annotations

import pytest
from operation_checks import check_do_undo_redo, snapshot

from channeldesk.services.operations import Inserted, OperationRefused, Updated, run
from channeldesk.store.models import Contact, Partner

PARTNER = {"name": "Acme", "partner_type": "msp", "tier": "gold", "status": "active",
           "region": "emea"}


def test_inserts_updates_and_deletes_are_recorded_and_undone_exactly(store):
    with store.transaction():
        kept = store.insert(Partner, {**PARTNER, "name": "Kept"})
        gone = store.insert(Contact, {"partner": kept, "name": "Old contact"})

    def write(recorder):
        new = recorder.insert(Partner, PARTNER)
        recorder.insert_many(Contact, [{"partner": new, "name": f"C{n}"} for n in range(3)])
        recorder.update(Partner, kept, {"tier": "silver", "name": "Kept"})  # name unchanged
        recorder.delete(Contact, gone)
        return new

    operation = check_do_undo_redo(store, lambda: run(store, write))
    inserted, many, updated, deleted = operation.steps
    assert inserted == Inserted(Partner, (operation.value,))
    assert isinstance(many, Inserted) and len(many.row_ids) == 3
    assert updated == Updated(Partner, kept, {"tier": "gold"}, {"tier": "silver"})
    assert deleted == Updated(Contact, gone, {"deleted": False}, {"deleted": True})


def test_an_unchanged_update_records_no_step(store):
    with store.transaction():
        partner = store.insert(Partner, PARTNER)
    operation = run(store, lambda recorder: recorder.update(Partner, partner, {"tier": "gold"}))
    assert operation.steps == () and operation.value == {}


def test_a_refusal_part_way_leaves_nothing(store):
    before = snapshot(store)

    def write(recorder):
        recorder.insert(Partner, PARTNER)
        raise OperationRefused("no")

    with pytest.raises(OperationRefused):
        run(store, write)
    assert snapshot(store) == before


def test_undo_and_redo_are_one_transaction_each(store, monkeypatch):
    operation = run(store, lambda recorder: [recorder.insert(Partner, {**PARTNER, "name": n})
                                             for n in ("A", "B")])
    after = snapshot(store)
    real_update = store.update
    calls = []

    def fail_second(model, row_id, values):
        calls.append(row_id)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_update(model, row_id, values)

    def tombstone(model, ids, deleted, progress=None):
        return [fail_second(model, i, {"deleted": deleted}) for i in ids]

    monkeypatch.setattr(store, "set_deleted_many", tombstone)
    with pytest.raises(RuntimeError):
        operation.undo(store)
    assert snapshot(store) == after
