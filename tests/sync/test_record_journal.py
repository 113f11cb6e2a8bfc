"""A created row is one record entry in the journal; everything that reads the journal
by field (the outbox, held fields, unsent edits) sees the fields it stands for."""

from __future__ import annotations

import re

from channeldesk.store import journal
from channeldesk.store.models import Partner
from channeldesk.sync import outbox, state

PARTNER = {"name": "Acme", "partner_type": "reseller", "tier": "silver",
           "status": "active", "region": "emea"}


def _row(store, row_id: str) -> dict:
    cursor = store.db.connection().execute("SELECT * FROM partner WHERE id = ?", (row_id,))
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))


def _journal(store) -> list[tuple]:
    return store.db.connection().execute(
        "SELECT seq, change_id, table_name, row_id, field, value, hlc FROM change "
        "ORDER BY seq").fetchall()


def test_the_outbox_sends_a_created_record_field_by_field(store):
    row_id = store.insert(Partner, PARTNER)
    row = _row(store, row_id)
    [record] = _journal(store)

    entries = outbox.outbox(store.db.connection(), 0)

    assert (record[4], record[5]) == (journal.RECORD_FIELD, None)  # no copy of the values
    assert {e.field: e.value for e in entries} == {
        name: value for name, value in row.items()
        if name not in {"id", "updated_at"} and value is not None}
    assert {(e.seq, e.table, e.row_id, e.hlc) for e in entries} == {
        (record[0], "partner", row_id, row["updated_at"])}
    assert entries[0].field == "created_at"  # in column order, as field entries were
    ids = [e.change_id for e in entries]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-f]{32}", change_id) for change_id in ids)
    # Rebuilt later (a batch sent again), the same fields carry the same change ids.
    assert [e.change_id for e in outbox.outbox(store.db.connection(), 0)] == ids


def test_a_later_edit_of_a_field_supersedes_the_record_for_that_field(store):
    row_id = store.insert(Partner, PARTNER)
    store.update(Partner, row_id, {"tier": "gold", "phone": "+1 555 0101"})
    store.delete(Partner, row_id)

    entries = outbox.outbox(store.db.connection(), 0)

    by_field = {e.field: e for e in entries}
    assert len(by_field) == len(entries)
    assert by_field["tier"].value == "gold"
    assert by_field["phone"].value == "+1 555 0101"
    assert by_field["deleted"].value == 1
    assert by_field["name"].value == "Acme"
    assert by_field["tier"].seq > by_field["name"].seq
    assert [e.seq for e in entries] == sorted(e.seq for e in entries)


def test_a_pushed_record_leaves_only_later_edits_in_the_outbox(store):
    row_id = store.insert(Partner, PARTNER)
    pushed = _journal(store)[-1][0]
    store.update(Partner, row_id, {"tier": "gold"})

    entries = outbox.outbox(store.db.connection(), pushed)

    assert [(e.field, e.value) for e in entries] == [("tier", "gold")]


def test_fields_of_an_unsent_record_are_held_against_remote_values(store):
    row_id = store.insert(Partner, PARTNER)

    held = state.held_keys(store.db.connection(), 0, {"partner": {row_id}})

    assert ("partner", row_id, "name") in held
    assert ("partner", row_id, "tier") in held
    assert ("partner", row_id, "phone") in held  # "" is a value, journalled
    assert state.held_keys(store.db.connection(), _journal(store)[-1][0],
                           {"partner": {row_id}}) == set()


def test_splitting_a_record_keeps_what_the_outbox_sends(store):
    row_id = store.insert(Partner, PARTNER)
    store.update(Partner, row_id, {"tier": "gold"})
    conn = store.db.connection()
    before = {(e.field, e.value, e.change_id, e.hlc) for e in outbox.outbox(conn, 0)}

    with store.transaction():
        journal.split_records(conn, "partner", row_id, 0)

    assert journal.RECORD_FIELD not in {row[4] for row in _journal(store)}
    assert {(e.field, e.value, e.change_id, e.hlc) for e in outbox.outbox(conn, 0)} == before


def test_values_go_out_exactly_as_stored(store):
    conn = store.db.connection()
    stamp = store.clock.now()
    with store.transaction():
        conn.execute("INSERT INTO partner (id, created_at, updated_at, deleted, name, "
                     "partner_type, tier, status, region) VALUES "
                     "('r1', ?, ?, 0.30000000000000004, 'Acme', 'msp', 'gold', 'active', "
                     "'emea')", (stamp, stamp))

    fields = {e.field: e.value for e in outbox.outbox(conn, 0)}

    assert fields["deleted"] == 0.30000000000000004  # no text or JSON round trip
    assert fields["name"] == "Acme"


def test_a_record_entry_counts_as_every_field_for_readers_by_field(store):
    row_id = store.insert(Partner, PARTNER)
    conn = store.db.connection()

    assert journal.pending_fields(conn, "partner", {journal.RECORD_FIELD}) == set(
        journal.journalled_columns(conn, "partner"))
    assert journal.pending_fields(conn, "partner", {"tier"}) == {"tier"}
    assert ("partner", row_id, "internal_notes") in state.held_keys(
        conn, 0, {"partner": {row_id}})


def test_a_bulk_tombstone_journals_one_entry_per_row_that_changed(store):
    ids = store.insert_many(Partner, [{**PARTNER, "name": f"P{n}"} for n in range(5)])
    store.delete(Partner, ids[0])
    seq = _journal(store)[-1][0]

    store.set_deleted_many(Partner, ids, True)

    after = [row for row in _journal(store) if row[0] > seq]
    assert sorted((row[3], row[4], row[5]) for row in after) == [
        (row_id, "deleted", 1) for row_id in sorted(ids[1:])]
    stamps = {_row(store, row_id)["updated_at"] for row_id in ids[1:]}
    assert {row[6] for row in after} == stamps
    assert all(stamp > _row(store, ids[0])["updated_at"] for stamp in stamps)
