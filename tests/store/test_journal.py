"""Every write to a synced table is journalled in its own transaction; nothing bypasses it.

The tests walk every synced model, so a model added later is covered without a new test.
"""

from __future__ import annotations

import sqlite3
import time
from typing import NamedTuple

import pytest

from channeldesk.domain.hlc import Stamp
from channeldesk.store import Store, journal
from channeldesk.store.models import Change, synced_models

from .samples import column_names, insert_sample, sample_values

MODELS = synced_models()
ids = [model.__name__ for model in MODELS]


class FieldEntry(NamedTuple):
    seq: int
    field: str
    value: object
    hlc: str


def journal_of(table: str, row_id: str) -> list[FieldEntry]:
    """The row's journal as per-field entries (a created row's record entry expanded as
    the outbox expands it)."""
    conn = Change._meta.database.connection()
    rows = conn.execute("SELECT seq, change_id, table_name, row_id, field, value, hlc "
                        "FROM change WHERE table_name = ? AND row_id = ? ORDER BY seq",
                        (table, row_id)).fetchall()
    entries = []
    for row in rows:
        changes = journal.expand_records(conn, [(row[0], row[1], row[2], row[3], row[6])]) \
            if row[4] == journal.RECORD_FIELD else [row]
        entries += [FieldEntry(seq, field, value, hlc)
                    for seq, _, _, _, field, value, hlc in changes]
    return entries


def fields_of(entries: list[FieldEntry]) -> list[str]:
    return sorted(entry.field for entry in entries)


def raw(store: Store) -> sqlite3.Connection:
    """Another connection to the same file, as another program would open it."""
    return sqlite3.connect(store.path, isolation_level=None, timeout=5)


def test_the_schema_has_a_synced_table_for_every_synced_model(store):
    tables = journal.synced_tables(store.db.connection())
    assert sorted(tables) == sorted(model._meta.table_name for model in MODELS)


def test_every_synced_table_has_its_journal_triggers(store):
    triggers = {
        row[0] for row in store.db.connection().execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        )
    }
    for table in journal.synced_tables(store.db.connection()):
        for kind in ("insert", "update", "stamp", "no_delete"):
            assert f"journal_{table}_{kind}" in triggers


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_insert_journals_each_non_null_field_once(store, model):
    row_id = insert_sample(store, model)
    row = store.get(model, row_id)
    entries = journal_of(model._meta.table_name, row_id)

    assert fields_of(entries) == sorted(column_names(model) - {"id", "updated_at"})
    assert {entry.hlc for entry in entries} == {row.updated_at}
    stored = store.db.connection().execute(
        f'SELECT * FROM "{model._meta.table_name}" WHERE id = ?', (row_id,)
    )
    columns = [d[0] for d in stored.description]
    values = dict(zip(columns, stored.fetchone(), strict=True))
    assert {entry.field: entry.value for entry in entries} == {
        name: values[name] for name in columns if name not in {"id", "updated_at"}
    }


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_an_insert_is_one_record_entry_in_the_journal(store, model):
    row_id = insert_sample(store, model)
    table = model._meta.table_name
    rows = list(Change.select().where((Change.table_name == table)
                                      & (Change.row_id == row_id)))
    row = store.get(model, row_id)

    assert [(r.field, r.value, r.hlc) for r in rows] == [
        (journal.RECORD_FIELD, None, row.updated_at)]


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_update_journals_exactly_the_changed_fields(store, model):
    row_id = insert_sample(store, model)
    table = model._meta.table_name
    before = len(journal_of(table, row_id))
    new_values = sample_values(store, model, variant=1)
    first, *rest = sorted(new_values)

    previous = store.update(model, row_id, {first: new_values[first]})

    entries = journal_of(table, row_id)[before:]
    assert fields_of(entries) == [model._meta.fields[first].column_name]
    assert list(previous) == [first]
    assert entries[0].hlc == store.get(model, row_id).updated_at

    store.update(model, row_id, new_values)
    changed = journal_of(table, row_id)[before + 1:]
    assert fields_of(changed) == sorted(model._meta.fields[name].column_name for name in rest)


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_tombstone_and_restore_are_journalled(store, model):
    row_id = insert_sample(store, model)
    table = model._meta.table_name
    before = len(journal_of(table, row_id))

    store.delete(model, row_id)
    assert store.get(model, row_id).deleted is True
    assert model.live().where(model.id == row_id).count() == 0
    store.restore(model, row_id)
    assert store.get(model, row_id).deleted is False

    entries = journal_of(table, row_id)[before:]
    assert [(entry.field, entry.value) for entry in entries] == [("deleted", 1), ("deleted", 0)]
    assert entries[0].hlc < entries[1].hlc


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_raw_update_that_does_not_advance_updated_at_is_refused(store, model):
    row_id = insert_sample(store, model)
    table = model._meta.table_name
    before = len(journal_of(table, row_id))
    conn = raw(store)
    with pytest.raises(sqlite3.IntegrityError, match="advance updated_at"):
        conn.execute(f'UPDATE "{table}" SET deleted = 1 WHERE id = ?', (row_id,))
    with pytest.raises(sqlite3.IntegrityError, match="advance updated_at"):
        conn.execute(
            f"UPDATE \"{table}\" SET deleted = 1, updated_at = '0000000000000000-old' "
            f"WHERE id = ?",
            (row_id,),
        )
    conn.close()
    assert store.get(model, row_id).deleted is False
    assert len(journal_of(table, row_id)) == before


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_raw_delete_is_refused(store, model):
    row_id = insert_sample(store, model)
    table = model._meta.table_name
    conn = raw(store)
    with pytest.raises(sqlite3.IntegrityError, match="tombstoned"):
        conn.execute(f'DELETE FROM "{table}" WHERE id = ?', (row_id,))
    with pytest.raises(sqlite3.IntegrityError, match="tombstoned"):
        conn.execute(f'DELETE FROM "{table}"')
    conn.close()
    assert store.get(model, row_id) is not None


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_raw_writes_with_a_fresh_stamp_are_still_journalled(store, model):
    row_id = insert_sample(store, model)
    table = model._meta.table_name
    before = len(journal_of(table, row_id))
    stamp = store.clock.now()
    conn = raw(store)

    conn.execute(f'UPDATE "{table}" SET deleted = 1, updated_at = ? WHERE id = ?',
                 (stamp, row_id))
    entries = journal_of(table, row_id)[before:]
    assert [(e.field, e.value, e.hlc) for e in entries] == [("deleted", 1, stamp)]

    # A raw INSERT (here: a copy of the row under a new id) is journalled like any other.
    columns = journal.table_columns(conn, table)
    select = ", ".join("?" if c == "id" else f'"{c}"' for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    conn.execute(f'INSERT INTO "{table}" ({names}) SELECT {select} FROM "{table}" WHERE id = ?',
                 ("copy-" + row_id, row_id))
    journalled = sorted(set(columns) - {"id", "updated_at"})
    assert fields_of(journal_of(table, "copy-" + row_id)) == journalled

    # INSERT OR REPLACE hard-replaces the row without firing delete triggers, but the new
    # row is journalled in full, so even this path leaves a complete record.
    stamp = store.clock.now()
    select = ", ".join("?" if c == "updated_at" else f'"{c}"' for c in columns)
    count = len(journal_of(table, row_id))
    conn.execute(
        f'INSERT OR REPLACE INTO "{table}" ({names}) SELECT {select} FROM "{table}" '
        f"WHERE id = ?", (stamp, row_id)
    )
    replaced = journal_of(table, row_id)[count:]
    assert fields_of(replaced) == journalled
    assert {e.hlc for e in replaced} == {stamp}
    conn.close()


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_a_failed_transaction_leaves_neither_row_nor_journal(store, model):
    existing = insert_sample(store, model)
    journal_before = Change.select().count()
    rows_before = model.select().count()
    created: list[str] = []

    with pytest.raises(RuntimeError, match="abandon"), store.transaction():
        created.append(insert_sample(store, model, variant=1))
        store.update(model, existing, {"deleted": True})
        assert Change.select().count() > journal_before  # written, not yet committed
        raise RuntimeError("abandon the edit")

    assert store.get(model, created[0]) is None
    assert store.get(model, existing).deleted is False
    assert model.select().count() == rows_before
    assert Change.select().count() == journal_before


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_muted_journal_applies_without_journalling_and_rolls_back_cleanly(store, model):
    row_id = insert_sample(store, model)
    table = model._meta.table_name
    conn = store.db.connection()
    before = Change.select().count()

    # What sync does with a remote change: apply its own stamp, journal nothing.
    # An hour ahead of this clock (a stamp past the allowed skew is not honoured: see
    # test_hlc's far-future tests).
    remote_stamp = Stamp(time.time_ns() // 1_000_000 + 3_600_000, 42, "remotedevice").encode()
    with store.transaction(), journal.muted(conn, "sync"):
        conn.execute(f'UPDATE "{table}" SET deleted = 1, updated_at = ? WHERE id = ?',
                     (remote_stamp, row_id))
    assert store.get(model, row_id).deleted is True
    assert Change.select().count() == before
    assert conn.execute("SELECT count(*) FROM journal_mute").fetchone()[0] == 0

    # A muted transaction that fails rolls back whole: the edit and the mute.
    with pytest.raises(RuntimeError), store.transaction(), journal.muted(conn, "sync"):
        conn.execute(f'UPDATE "{table}" SET deleted = 0, updated_at = ? WHERE id = ?',
                     (remote_stamp + "x", row_id))
        raise RuntimeError("page failed")
    assert store.get(model, row_id).deleted is True
    assert conn.execute("SELECT count(*) FROM journal_mute").fetchone()[0] == 0

    # The journal is live again afterwards, and a local edit still gets a later stamp.
    store.restore(model, row_id)
    entries = journal_of(table, row_id)[-1:]
    assert [(e.field, e.value) for e in entries] == [("deleted", 0)]
    assert entries[0].hlc > remote_stamp


def test_mute_is_refused_outside_a_transaction(store):
    with pytest.raises(RuntimeError, match="inside a transaction"), journal.muted(
        store.db.connection(), "sync"
    ):
        pass
