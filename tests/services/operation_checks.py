"""Checks every operation test shares: the database's state before and after, compared
exactly, and the journal entries each step wrote."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import pytest
from peewee import fn

from channeldesk.services.operations import Operation
from channeldesk.store import Store
from channeldesk.store.models import Change, synced_models

State = dict[str, dict[str, dict[str, Any]]]


def snapshot(store: Store) -> State:
    """Every row of every synced table, all columns but the clock stamp."""
    conn = store.db.connection()
    state: State = {}
    for model in synced_models():
        table = model._meta.table_name
        cursor = conn.execute(f'SELECT * FROM "{table}"')
        names = [item[0] for item in cursor.description]
        state[table] = {row[0]: {n: v for n, v in zip(names, row, strict=True)
                                 if n != "updated_at"} for row in cursor}
    return state


def live(state: State) -> State:
    return {table: {i: row for i, row in rows.items() if not row["deleted"]}
            for table, rows in state.items()}


def journal_seq() -> int:
    return Change.select(fn.max(Change.seq)).scalar() or 0


def journalled_rows(since: int) -> dict[str, set[str]]:
    rows: dict[str, set[str]] = {}
    for change in Change.select().where(Change.seq > since):
        rows.setdefault(change.table_name, set()).add(change.row_id)
    return rows


def check_do_undo_redo(store: Store, perform: Callable[[], Operation]) -> Operation:
    """Perform, undo, redo, undo again: undo leaves exactly the live state before (the
    rows it made are tombstones, nothing else differs), redo exactly the state after,
    and each of the three writes its own journal entries for the rows it touched."""
    before = snapshot(store)
    seq = journal_seq()
    operation = perform()
    after = snapshot(store)
    assert after != before
    assert journalled_rows(seq) == operation.rows()

    seq = journal_seq()
    operation.undo(store)
    undone = snapshot(store)
    assert live(undone) == live(before)
    for table, rows in before.items():  # rows that existed are exactly as they were
        assert {i: undone[table][i] for i in rows} == rows
    assert journalled_rows(seq) == operation.rows()

    seq = journal_seq()
    operation.redo(store)
    assert snapshot(store) == after
    assert journalled_rows(seq) == operation.rows()

    operation.undo(store)
    assert live(snapshot(store)) == live(before)
    return operation


@contextmanager
def failing_on(monkeypatch: pytest.MonkeyPatch, store: Store, model: type) -> Any:
    """Make the store fail when the operation writes ``model`` (after earlier writes)."""
    real_insert, real_many = store.insert, store.insert_many

    def insert(target, *args, **kwargs):
        if target is model:
            raise RuntimeError("disk full")
        return real_insert(target, *args, **kwargs)

    def insert_many(target, *args, **kwargs):
        if target is model:
            raise RuntimeError("disk full")
        return real_many(target, *args, **kwargs)

    monkeypatch.setattr(store, "insert", insert)
    monkeypatch.setattr(store, "insert_many", insert_many)
    yield
    monkeypatch.setattr(store, "insert", real_insert)
    monkeypatch.setattr(store, "insert_many", real_many)


def check_nothing_on_failure(store: Store, monkeypatch: pytest.MonkeyPatch, model: type,
                             perform: Callable[[], Operation]) -> None:
    """A failure part-way through leaves no row and no journal entry behind."""
    before, seq = snapshot(store), journal_seq()
    with failing_on(monkeypatch, store, model), pytest.raises(RuntimeError, match="disk full"):
        perform()
    assert snapshot(store) == before
    assert journal_seq() == seq
