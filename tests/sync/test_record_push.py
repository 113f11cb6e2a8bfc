"""A created record goes to a protocol-4 server as one item (``RecordIn``), and its one
result is recorded as a version per field: the client's half of protocol 4, checked
without a server (the round trips are in test_bulk_upload and the model test)."""

from __future__ import annotations

import pytest

from channeldesk.store import journal
from channeldesk.store.models import Partner
from channeldesk.sync import outbox, state
from channeldesk.sync.errors import LocalDataError, ServerError
from channeldesk.sync.protocol import PushResponse, PushResult, RecordResult
from channeldesk.sync.rows import LocalSchema
from channeldesk.sync.state import Version

PARTNER = {"name": "Acme", "partner_type": "reseller", "tier": "silver",
           "status": "active", "region": "emea"}
DEVICE = "d" * 32


def _whole(store, pushed_through: int = 0) -> list[outbox.Entry]:
    return outbox.outbox(store.db.connection(), pushed_through, whole_records=True)


def _answer(batch: outbox.PendingBatch, records: list[RecordResult],
            results: list[PushResult] | None = None, server_seq: int = 0,
            epoch: str = "e1") -> PushResponse:
    return PushResponse(batch_id=batch.request.batch_id, results=results or [],
                        server_seq=server_seq, epoch=epoch, records=records)


def test_a_created_record_is_one_entry_holding_what_its_expansion_sends(store):
    row_id = store.insert(Partner, PARTNER)
    conn = store.db.connection()

    [entry] = _whole(store)
    expanded = outbox.outbox(conn, 0)

    assert (entry.field, entry.table, entry.row_id) == (journal.RECORD_FIELD, "partner",
                                                        row_id)
    assert list(entry.value.items()) == [(e.field, e.value) for e in expanded]
    assert entry.weight == len(expanded)
    assert [journal.field_change_id(entry.change_id, e.field) for e in expanded] == [
        e.change_id for e in expanded]


def test_a_later_edit_goes_as_a_change_on_top_of_the_record(store):
    row_id = store.insert(Partner, PARTNER)
    store.update(Partner, row_id, {"tier": "gold", "phone": "+1 555 0101"})

    entries = _whole(store)

    record, *edits = entries
    assert record.field == journal.RECORD_FIELD
    assert "tier" not in record.value and "phone" not in record.value
    assert record.value["name"] == "Acme"
    assert {(e.field, e.value) for e in edits} == {("tier", "gold"),
                                                   ("phone", "+1 555 0101")}
    assert [e.seq for e in entries] == sorted(e.seq for e in entries)


def test_batches_count_a_records_values(store):
    store.insert_many(Partner, [{**PARTNER, "name": f"P{n}"} for n in range(6)])
    entries = _whole(store)
    per_record = entries[0].weight

    batches = list(outbox.chunks(entries, size=100, values=per_record * 2))

    assert [len(batch) for batch in batches] == [2, 2, 2]
    assert [len(batch) for batch in outbox.chunks(entries, size=4,
                                                  values=10_000)] == [4, 2]


def test_a_record_and_its_later_edits_share_a_batch(store):
    ids = [store.insert(Partner, {**PARTNER, "name": f"P{n}"}) for n in range(3)]
    store.update(Partner, ids[0], {"tier": "gold"})
    entries = _whole(store)
    rows = outbox.by_row(entries)

    chunk = next(outbox.chunks(entries, size=1))
    sent = outbox.with_rest_of_new_rows(chunk, rows, limit=10, values=100)

    assert [(e.row_id, e.field) for e in sent] == [(ids[0], journal.RECORD_FIELD),
                                                   (ids[0], "tier")]
    # No room left for the edit: the record goes alone (the edit follows later).
    assert outbox.with_rest_of_new_rows(chunk, rows, limit=10,
                                        values=chunk[0].weight) == chunk


def test_a_record_goes_as_one_item_and_its_edits_as_changes(store):
    row_id = store.insert(Partner, PARTNER)
    store.update(Partner, row_id, {"tier": "gold"})
    conn = store.db.connection()

    batch = outbox.build(conn, _whole(store), DEVICE)

    [item] = batch.request.records
    assert (item.table, item.row_id, item.base_seq) == ("partner", row_id, 0)
    assert item.values["name"] == "Acme" and "tier" not in item.values
    assert [(c.field, c.value) for c in batch.request.changes] == [("tier", "gold")]
    assert '"records"' in batch.request_json
    # A batch without records is the JSON a protocol-3 client sent (same fingerprint).
    plain = outbox.build(conn, outbox.outbox(conn, 0), DEVICE)
    assert '"records"' not in plain.request_json


def test_a_record_with_a_known_field_goes_field_by_field(store):
    row_id = store.insert(Partner, PARTNER)
    conn = store.db.connection()
    with store.transaction():
        state.save_versions(conn, {("partner", row_id, "tier"): Version(7, "silver", "x")})

    batch = outbox.build(conn, _whole(store), DEVICE)

    assert batch.request.records == []
    by_field = {change.field: change for change in batch.request.changes}
    assert by_field["tier"].base_seq == 7
    [record] = _whole(store)
    assert by_field["name"].change_id == journal.field_change_id(record.change_id, "name")


def test_an_unsendable_value_in_a_record_is_named(store):
    store.insert(Partner, PARTNER)
    [entry] = _whole(store)
    broken = entry._replace(value={**entry.value, "name": "bad\x00name"})

    with pytest.raises(LocalDataError, match="name in partner"):
        outbox.build(store.db.connection(), [broken], DEVICE)


def _pushed(store) -> tuple[outbox.PendingBatch, str]:
    row_id = store.insert(Partner, PARTNER)
    conn = store.db.connection()
    batch = outbox.build(conn, _whole(store), DEVICE)
    with store.transaction():
        state.put(conn, cursor=10, epoch="e1", pending_batch=batch.dump())
    return batch, row_id


def test_an_accepted_record_is_a_version_per_field_and_moves_the_cursor(store):
    batch, row_id = _pushed(store)
    [item] = batch.request.records
    answer = _answer(batch, [RecordResult(record_id=item.record_id, status="accepted",
                                          seq=11)], server_seq=10 + len(item.values))
    conn = store.db.connection()
    outbox.check_response(batch, answer)

    with store.transaction():
        outcome = outbox.record(conn, LocalSchema(conn), batch, answer)

    assert outcome.accepted == len(item.values)
    versions = state.load_versions(conn, [("partner", row_id, name) for name in item.values])
    assert [versions[("partner", row_id, name)].seq for name in item.values] == list(
        range(11, 11 + len(item.values)))
    assert versions[("partner", row_id, "name")].value == "Acme"
    assert state.get_int(conn, state.PUSHED_THROUGH) == batch.last_seq
    assert state.get_int(conn, state.CURSOR) == 10 + len(item.values)  # nothing to pull
    assert state.get(conn, state.PENDING_BATCH) is None


def test_a_record_answered_field_by_field_records_each_result(store):
    batch, row_id = _pushed(store)
    [item] = batch.request.records
    changes = outbox.record_changes(item)
    fields = [PushResult(change_id=change.change_id, status="accepted", seq=20 + n)
              for n, change in enumerate(changes)]
    tier = next(n for n, change in enumerate(changes) if change.field == "tier")
    fields[tier] = PushResult(change_id=changes[tier].change_id, status="conflict", seq=15,
                              server_value="gold", server_hlc="0" * 16 + "-ab",
                              server_device="c" * 32)
    answer = _answer(batch, [RecordResult(record_id=item.record_id, status="fields",
                                          fields=fields)], server_seq=40)
    conn = store.db.connection()
    outbox.check_response(batch, answer)

    with store.transaction():
        outcome = outbox.record(conn, LocalSchema(conn), batch, answer)

    assert (outcome.accepted, outcome.conflicts) == (len(changes) - 1, 1)
    assert {row[0] for row in conn.execute(
        "SELECT field FROM conflict WHERE resolved_at IS NULL")} == {"tier"}
    name = next(n for n, change in enumerate(changes) if change.field == "name")
    versions = state.load_versions(conn, [("partner", row_id, "name")])
    assert versions[("partner", row_id, "name")].seq == 20 + name
    assert state.get_int(conn, state.CURSOR) == 10  # a gap: the pull brings it


@pytest.mark.parametrize("damage", ["other id", "no seq", "fields short", "missing"])
def test_a_record_answer_about_something_else_is_nonsense(store, damage):
    batch, _ = _pushed(store)
    [item] = batch.request.records
    changes = outbox.record_changes(item)
    result = RecordResult(record_id=item.record_id, status="accepted", seq=11)
    if damage == "other id":
        result = result.model_copy(update={"record_id": "f" * 32})
    elif damage == "no seq":
        result = result.model_copy(update={"seq": 0})
    elif damage == "fields short":
        result = RecordResult(record_id=item.record_id, status="fields", fields=[
            PushResult(change_id=change.change_id, status="accepted", seq=1)
            for change in changes[:-1]])
    answer = _answer(batch, [] if damage == "missing" else [result])

    with pytest.raises(ServerError, match="results for other changes"):
        outbox.check_response(batch, answer)
