"""Taking back a conflict decision that has not been synced yet.

A decision (``conflicts.resolve_many``) writes the record, its field versions, the
journal (and, accepting a deletion, drops unsent edits) and closes conflicts. Until a
sync runs, the server knows nothing of it, so undoing it is exact: everything it touched
is put back as it was, the outbox included, and the conflicts are open again for
another decision.

Once a sync has run (the cursor, the pushed-through mark or the batch in flight moved),
the decision may be on the server and in colleagues' copies; putting the old state back
locally would then hide a change others have. :class:`DecisionAlreadySyncedError` says so,
and the user changes the record by an ordinary edit instead.

The capture is per record: every row of ``conflict``, ``field_version`` and the unsent
journal entries of the records the decided conflicts belong to. Edits made to those
records after the decision are undone before it (an undo stack is last-in, first-out),
so restoring the captured state does not lose them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from channeldesk.store import Store, journal
from channeldesk.sync import conflicts, state
from channeldesk.sync.rows import LocalSchema

Record = tuple[str, str]  # table, row id
MARKERS = (state.CURSOR, state.PUSHED_THROUGH, state.PENDING_BATCH, state.EPOCH)


class DecisionAlreadySyncedError(RuntimeError):
    """The decision may have reached the server: it can no longer be taken back here."""

    # The undo command drops a step whose undo raises this (see services/operations.py
    # ``Undoable``): redoing it later would decide nothing.
    expires_undo = True


@dataclass(frozen=True)
class RecordState:
    row: dict[str, Any] | None
    versions: list[tuple]
    unsent: list[tuple]  # journal rows (all columns) not yet pushed
    conflicts: list[tuple]  # conflict rows (all columns)


@dataclass(frozen=True)
class DecisionBefore:
    """The state a decision changed, as it was just before it."""

    markers: dict[str, str | None]
    records: dict[Record, RecordState]


def _markers(conn: sqlite3.Connection) -> dict[str, str | None]:
    return {key: state.get(conn, key) for key in MARKERS}


def _records_of(conn: sqlite3.Connection, conflict_ids: Iterable[int]) -> list[Record]:
    found: list[Record] = []
    for conflict_id in conflict_ids:
        row = conn.execute("SELECT table_name, row_id FROM conflict WHERE id = ?",
                           (conflict_id,)).fetchone()
        if row is not None and tuple(row) not in found:
            found.append((row[0], row[1]))
    return found


def _capture_record(conn: sqlite3.Connection, schema: LocalSchema, record: Record,
                    pushed_through: int) -> RecordState:
    table, row_id = record
    row = None
    if table in schema.columns:
        cursor = conn.execute(f'SELECT * FROM "{table}" WHERE id = ?', (row_id,))
        names = [item[0] for item in cursor.description]
        found = cursor.fetchone()
        row = dict(zip(names, found, strict=True)) if found else None
    where = "table_name = ? AND row_id = ?"
    return RecordState(
        row=row,
        versions=conn.execute(f"SELECT * FROM field_version WHERE {where}", record).fetchall(),
        unsent=conn.execute(f"SELECT * FROM change WHERE {where} AND seq > ?",
                            (*record, pushed_through)).fetchall(),
        conflicts=conn.execute(f"SELECT * FROM conflict WHERE {where}", record).fetchall(),
    )


def capture(store: Store, conflict_ids: Iterable[int]) -> DecisionBefore:
    """What a decision about these conflicts may change; call it in the decision's
    transaction, just before deciding."""
    conn = store.db.connection()
    schema = LocalSchema(conn)
    pushed_through = state.get_int(conn, state.PUSHED_THROUGH) or 0
    records = {record: _capture_record(conn, schema, record, pushed_through)
               for record in _records_of(conn, conflict_ids)}
    return DecisionBefore(_markers(conn), records)


def resolve_undoably(store: Store, conflict_ids: list[int], choice: conflicts.Choice,
                     merged_value: Any = None) -> DecisionBefore:
    """``conflicts.resolve_many`` that returns what :func:`undo` needs."""
    with store.db.atomic("IMMEDIATE"):
        before = capture(store, conflict_ids)
        conflicts.resolve_many(store, conflict_ids, choice, merged_value)
    return before


class Decision:
    """A performed decision as an undoable operation (``undo``/``redo`` over the store).

    Redo decides the same conflicts the same way again (undo reopened them), capturing
    a fresh "before", so the next undo is exact too.
    """

    def __init__(self, conflict_ids: list[int], choice: conflicts.Choice, merged_value: Any,
                 before: DecisionBefore) -> None:
        self.conflict_ids = list(conflict_ids)
        self.choice = choice
        self.merged_value = merged_value
        self.before = before

    def undo(self, store: Store) -> None:
        undo(store, self.before)

    def redo(self, store: Store) -> None:
        self.before = resolve_undoably(store, self.conflict_ids, self.choice, self.merged_value)


def decide(store: Store, conflict_ids: list[int], choice: conflicts.Choice,
           merged_value: Any = None) -> Decision:
    """Decide conflicts in one transaction; the result takes the decision back until the
    next sync."""
    before = resolve_undoably(store, conflict_ids, choice, merged_value)
    return Decision(conflict_ids, choice, merged_value, before)


def undo(store: Store, before: DecisionBefore) -> None:
    """Put back what the decision changed (one transaction); raises
    DecisionAlreadySyncedError when a sync has run since."""
    conn = store.db.connection()
    with store.db.atomic("IMMEDIATE"):
        if _markers(conn) != before.markers:
            raise DecisionAlreadySyncedError(
                "This decision has already been synced, so colleagues may have it. To "
                "change the value now, edit the record; the edit syncs like any other.")
        pushed_through = state.get_int(conn, state.PUSHED_THROUGH) or 0
        with journal.muted(conn, "undo of a conflict decision"):
            for record, saved in before.records.items():
                _restore_record(conn, record, saved, pushed_through)
    store.notify_changed({table: {row_id} for table, row_id in before.records})


def _restore_record(conn: sqlite3.Connection, record: Record, saved: RecordState,
                    pushed_through: int) -> None:
    table, row_id = record
    where = "table_name = ? AND row_id = ?"
    if saved.row is not None:
        assignments = ", ".join(f'"{name}" = ?' for name in saved.row if name != "id")
        conn.execute(f'UPDATE "{table}" SET {assignments} WHERE id = ?',
                     (*(v for k, v in saved.row.items() if k != "id"), row_id))
    conn.execute(f"DELETE FROM change WHERE {where} AND seq > ?", (*record, pushed_through))
    _insert_all(conn, "change", saved.unsent)
    conn.execute(f"DELETE FROM field_version WHERE {where}", record)
    _insert_all(conn, "field_version", saved.versions)
    conn.execute(f"DELETE FROM conflict WHERE {where}", record)
    _insert_all(conn, "conflict", saved.conflicts)


def _insert_all(conn: sqlite3.Connection, table: str, rows: list[tuple]) -> None:
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
