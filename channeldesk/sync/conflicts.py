"""Conflicts for the user to decide, and the decisions (DESIGN.md §4).

A conflict is a pushed change the server rejected because someone else changed the
same field since this copy's version of it (or deleted the row). Until it is decided the
row keeps "mine" and pulls do not overwrite the field; a newer server value replaces
"theirs" in the record. Each decision is one local transaction and an ordinary edit
that the next sync sends:

* keep mine: my value is journalled again, on top of "theirs", so the server accepts it;
* keep theirs: their value is written here without journalling (it came from the
  server), and becomes the field's version;
* merged: the given value is journalled, on top of "theirs";
* a row deleted by someone else: restore it with my values, or accept the deletion.

Two more kinds of record use the same decisions (see migration 7):

* rejected (the server refused my value and said why): keep mine sends it again (after
  the user fixed what the reason names, e.g. another field; a record refused whole is
  sent whole again); merged sends the typed value; keep theirs takes the server's
  value, or, for a record the server never had, discards it here. A record refused
  because its parent was deleted ("the partner was deleted by … while you added a
  contact"): keep mine restores the parent and sends the record again, keep theirs
  discards the record;
* quarantined (the server sent a value this version does not allow): keep mine sends
  my value so the server holds a valid one again; merged sends the typed value; keep
  theirs is refused (the value cannot be stored here).

These functions may be called from the GUI thread while a sync runs in a worker: each
takes SQLite's write lock at its start (``BEGIN IMMEDIATE``) and so waits for the
sync's current page or batch (at most a few hundred milliseconds).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from channeldesk.domain.hlc import Stamp
from channeldesk.store import Store, journal
from channeldesk.store.description import Kind, change_problem, description_for
from channeldesk.sync import conflict_log, outbox, state
from channeldesk.sync.rows import LocalSchema, journal_again, remove_row
from channeldesk.sync.state import Version

Choice = Literal["keep_mine", "keep_theirs", "merged"]
DELETED = "deleted"
COLUMNS = ("id, table_name, row_id, field, base_value, mine, theirs, theirs_seq, "
           "theirs_hlc, theirs_device, mine_hlc, row_deleted, theirs_missing, detected_at, "
           "resolved_at, resolution, kind, reason")


class ConflictNotOpenError(ValueError):
    """The conflict does not exist, was already decided, or its record is gone."""


@dataclass(frozen=True)
class Conflict:
    """One conflict as the Conflicts view shows it. ``theirs_missing``: the server
    never had this field of the deleted row (``theirs`` is None then)."""

    id: int
    table: str
    row_id: str
    field: str
    base: Any
    mine: Any
    theirs: Any
    theirs_seq: int
    theirs_hlc: str | None
    theirs_device: str | None
    mine_hlc: str | None
    row_deleted: bool
    theirs_missing: bool
    detected_at: str
    resolved_at: str | None
    resolution: str | None
    kind: str = conflict_log.CONFLICT
    reason: str | None = None  # "code: words" for rejected and quarantined values

    @property
    def reason_code(self) -> str | None:
        return self.reason.partition(":")[0] if self.reason else None

    @property
    def reason_text(self) -> str:
        """Why, in words: "the server refused … because …" for a refusal."""
        if not self.reason:
            return ""
        words = self.reason.partition(": ")[2] or self.reason
        if self.kind == conflict_log.REJECTED:
            return f"The server refused this value because {words}."
        return words[0].upper() + words[1:] + "."

    @property
    def theirs_time(self) -> datetime | None:
        """When the server's value was made (from its clock stamp), in UTC."""
        return _stamp_time(self.theirs_hlc)

    @property
    def mine_time(self) -> datetime | None:
        return _stamp_time(self.mine_hlc)

    @property
    def theirs_version(self) -> Version:
        return Version(self.theirs_seq, self.theirs, self.theirs_hlc or "")


def _stamp_time(text: str | None) -> datetime | None:
    try:
        return datetime.fromtimestamp(Stamp.decode(text).millis / 1000, UTC) if text else None
    except (ValueError, OverflowError, OSError):
        return None


def _from_row(row: tuple) -> Conflict:
    values = list(row)
    values[11], values[12] = bool(values[11]), bool(values[12])
    return Conflict(*values)


def list_conflicts(store: Store, *, include_resolved: bool = False) -> list[Conflict]:
    """Open conflicts (or all), oldest first."""
    where = "" if include_resolved else " WHERE resolved_at IS NULL"
    rows = store.db.connection().execute(f"SELECT {COLUMNS} FROM conflict{where} ORDER BY id")
    return [_from_row(row) for row in rows]


def open_conflict_count(store: Store) -> int:
    return conflict_log.open_count(store.db.connection())


# -- deciding ----------------------------------------------------------------------------

class _Resolution:
    """The work of one decision transaction: the connection, the rows it touched."""

    def __init__(self, store: Store, conn: sqlite3.Connection) -> None:
        self.store = store
        self.conn = conn
        self.schema = LocalSchema(conn)
        self.touched: dict[str, set[str]] = defaultdict(set)
        self.decided: set[int] = set()

    def load(self, conflict_id: int) -> Conflict | None:
        row = self.conn.execute(f"SELECT {COLUMNS} FROM conflict WHERE id = ?",
                                (conflict_id,)).fetchone()
        if row is None:
            raise ConflictNotOpenError(f"There is no conflict {conflict_id}.")
        found = _from_row(row)
        if found.resolved_at is not None:
            if conflict_id in self.decided:
                return None  # decided with its row earlier in this transaction
            raise ConflictNotOpenError(f"Conflict {conflict_id} was already decided.")
        if found.table not in self.schema.columns:
            raise ConflictNotOpenError(f"The record of conflict {conflict_id} no longer exists.")
        if self._row(found) is None and not _never_arrived(found):
            raise ConflictNotOpenError(f"The record of conflict {conflict_id} no longer exists.")
        return found

    def exists(self, c: Conflict) -> bool:
        """Whether the conflict's record is a row here (alive or deleted)."""
        return self._row(c) is not None

    def _row(self, c: Conflict) -> tuple | None:
        return self.conn.execute(f'SELECT updated_at, deleted FROM "{c.table}" WHERE id = ?',
                                 (c.row_id,)).fetchone()

    def close(self, c: Conflict, resolution: str) -> None:
        self.conn.execute("UPDATE conflict SET resolved_at = ?, resolution = ? WHERE id = ?",
                          (conflict_log.now_text(), resolution, c.id))
        self.decided.add(c.id)

    def stamp(self, table: str, row_id: str) -> str:
        """A clock stamp later than the row's, so the journal accepts the edit."""
        updated = self.conn.execute(f'SELECT updated_at FROM "{table}" WHERE id = ?',
                                    (row_id,)).fetchone()
        if updated:
            self.store.clock.observe(updated[0])
        return self.store.clock.now()

    def write_journalled(self, table: str, row_id: str, field: str, value: Any) -> None:
        """An ordinary edit; journalled even when the row already holds the value."""
        stamp = self.stamp(table, row_id)
        changed = self.conn.execute(
            f'UPDATE "{table}" SET "{field}" = ?, updated_at = ? WHERE id = ? '
            f'AND "{field}" IS NOT ?', (value, stamp, row_id, value)).rowcount
        if not changed:
            journal_again(self.conn, table, row_id, field, value, stamp)
        self.touched[table].add(row_id)

    def write_quietly(self, table: str, row_id: str, field: str, value: Any,
                      hlc: str) -> None:
        """Take a server value: not journalled, no new local stamp."""
        with journal.muted(self.conn, "conflict"):
            self.conn.execute(f'UPDATE "{table}" SET "{field}" = ?, '
                              'updated_at = max(updated_at, ?) WHERE id = ?',
                              (value, hlc or "", row_id))
        self.touched[table].add(row_id)

    def resend_refused(self, c: Conflict) -> None:
        """A refused record is sent again whole with the decided value."""
        if c.kind == conflict_log.REJECTED:
            outbox.resend_refused_row(self.conn, c.table, c.row_id,
                                      state.get_int(self.conn, state.PUSHED_THROUGH) or 0)

    def set_version(self, c: Conflict, version: Version | None) -> None:
        state.save_versions(self.conn, {(c.table, c.row_id, c.field): version})

    def unpushed(self, c: Conflict) -> bool:
        """Whether the field has local edits waiting in the outbox."""
        pushed = state.get_int(self.conn, state.PUSHED_THROUGH) or 0
        return self.conn.execute(
            "SELECT 1 FROM change WHERE table_name = ? AND row_id = ? AND field IN (?, ?) "
            "AND seq > ? LIMIT 1", (c.table, c.row_id, c.field, journal.RECORD_FIELD,
                                    pushed)).fetchone() is not None


@contextmanager
def _deciding(store: Store) -> Iterator[_Resolution]:
    conn = store.db.connection()
    with store.db.atomic("IMMEDIATE"):
        work = _Resolution(store, conn)
        yield work
    store.notify_changed(work.touched)


def _never_arrived(c: Conflict) -> bool:
    """A value kept aside from a record this copy never had whole (the invalid value was
    one it needs): the record waits for a valid value from the server, and the user can
    only acknowledge the notice, not edit a record that is not here."""
    return c.kind == conflict_log.QUARANTINED and c.mine is None


def _keep_mine(work: _Resolution, c: Conflict) -> None:
    if c.kind == conflict_log.REJECTED and c.reason_code == "parent_deleted":
        _restore_parent(work, c)
    if c.kind == conflict_log.QUARANTINED:
        if not work.exists(c):  # never arrived: nothing of mine to send, acknowledged
            work.close(c, "keep_mine")
            return
        if c.mine is not None:
            work.write_journalled(c.table, c.row_id, c.field, c.mine)
        work.close(c, "keep_mine")
        return
    if c.row_deleted:
        _restore_row(work, c)
        return
    work.set_version(c, None if c.theirs_missing else c.theirs_version)
    work.write_journalled(c.table, c.row_id, c.field, c.mine)
    work.resend_refused(c)
    work.close(c, "keep_mine")


def _keep_theirs(work: _Resolution, c: Conflict) -> None:
    invalid = (not c.row_deleted and not c.theirs_missing
               and change_problem(c.table, c.field, c.theirs) is not None)
    if c.kind == conflict_log.QUARANTINED or invalid:
        raise ValueError("The server's value is not allowed here, so it cannot be taken: "
                         "keep yours or type a value instead.")
    if c.kind == conflict_log.REJECTED and (c.theirs_missing
                                            or c.reason_code == "parent_deleted"):
        _discard_refused_row(work, c)
        return
    if c.row_deleted:
        _accept_delete(work, c)
        return
    if work.unpushed(c):
        # A later local edit of the field waits in the outbox: supersede it with theirs
        # (pushed on top of theirs, so accepted as the same value).
        work.write_journalled(c.table, c.row_id, c.field, c.theirs)
    else:
        work.write_quietly(c.table, c.row_id, c.field, c.theirs, c.theirs_hlc or "")
    work.set_version(c, c.theirs_version)
    work.close(c, "keep_theirs")


def _merged(work: _Resolution, c: Conflict, value: Any) -> None:
    if not work.exists(c):
        raise ValueError("This record never arrived here whole, so a value cannot be typed "
                         "into it: keep yours to set the notice aside; the record arrives "
                         "when the colleague who sent it corrects it.")
    if c.row_deleted:
        _restore_row(work, c, merged=value)
        return
    if c.kind == conflict_log.REJECTED and c.reason_code == "parent_deleted":
        _restore_parent(work, c)
    if c.kind != conflict_log.QUARANTINED:
        work.set_version(c, None if c.theirs_missing else c.theirs_version)
    work.write_journalled(c.table, c.row_id, c.field, value)
    work.resend_refused(c)
    work.close(c, "merged")


def _restore_parent(work: _Resolution, c: Conflict) -> None:
    """Undelete the records the refused one refers to (journalled, so the server takes
    it before the record, which the next sync sends whole again)."""
    description = description_for(c.table)
    if description is None:
        return
    for spec in description.fields:
        if spec.kind is not Kind.REFERENCE or not spec.references \
                or spec.references not in work.schema.columns:
            continue
        parent_id = work.conn.execute(f'SELECT "{spec.name}" FROM "{c.table}" WHERE id = ?',
                                      (c.row_id,)).fetchone()
        if not parent_id or not parent_id[0]:
            continue
        deleted = work.conn.execute(f'SELECT deleted FROM "{spec.references}" WHERE id = ?',
                                    (parent_id[0],)).fetchone()
        if deleted is not None:
            work.write_journalled(spec.references, parent_id[0], DELETED, 0)


def _discard_refused_row(work: _Resolution, c: Conflict) -> None:
    """A record the server refused and never had: let it go here too (removed, not
    journalled: nobody else has it), closing every refusal of it."""
    rows = work.conn.execute(
        f"SELECT {COLUMNS} FROM conflict WHERE resolved_at IS NULL AND kind = ? AND "
        "table_name = ? AND row_id = ?", (conflict_log.REJECTED, c.table, c.row_id))
    for each in [_from_row(row) for row in rows]:
        work.close(each, "discarded")
    with journal.muted(work.conn, "conflict"):
        remove_row(work.conn, c.table, c.row_id)
    work.touched[c.table].add(c.row_id)


def _row_conflicts(work: _Resolution, c: Conflict) -> list[Conflict]:
    rows = work.conn.execute(
        f"SELECT {COLUMNS} FROM conflict WHERE resolved_at IS NULL AND row_deleted = 1 "
        "AND table_name = ? AND row_id = ? ORDER BY id", (c.table, c.row_id))
    return [_from_row(row) for row in rows]


def _restore_row(work: _Resolution, c: Conflict, merged: Any = None) -> None:
    """Undelete the row first (so the server takes the fields after it), then send my
    value of every field of the row that met the deletion."""
    work.write_journalled(c.table, c.row_id, DELETED, 0)
    for each in _row_conflicts(work, c):
        work.set_version(each, None if each.theirs_missing else each.theirs_version)
        value = merged if (each.id == c.id and merged is not None) else each.mine
        work.write_journalled(each.table, each.row_id, each.field, value)
        work.close(each, "restore_with_mine")


def _accept_delete(work: _Resolution, c: Conflict) -> None:
    """Take the server's side for every field of the row that met the deletion, drop
    the row's unsent field edits (they would only meet the deletion again), and make
    sure the row is deleted here."""
    for each in _row_conflicts(work, c):
        if each.theirs_missing:
            value = work.schema.blank_value(each.table, each.field)
            work.set_version(each, None)
        else:
            value = each.theirs
            work.set_version(each, each.theirs_version)
        work.write_quietly(each.table, each.row_id, each.field, value, each.theirs_hlc or "")
        work.close(each, "accept_delete")
    _drop_unsent_edits(work, c)
    deleted = work.conn.execute(f'SELECT deleted FROM "{c.table}" WHERE id = ?',
                                (c.row_id,)).fetchone()
    if deleted and not deleted[0]:
        work.write_journalled(c.table, c.row_id, DELETED, 1)


def _drop_unsent_edits(work: _Resolution, c: Conflict) -> None:
    """Remove the row's outbox entries not yet in a sent batch, except its deletion,
    and put those fields back to the server's version, as everyone else has them."""
    floor = state.get_int(work.conn, state.PUSHED_THROUGH) or 0
    waiting = outbox.pending(work.conn)
    if waiting is not None:
        floor = max(floor, waiting.last_seq)
    where = "table_name = ? AND row_id = ? AND field != ? AND seq > ?"
    params = (c.table, c.row_id, DELETED, floor)
    journal.split_records(work.conn, c.table, c.row_id, floor)
    fields = [f for (f,) in work.conn.execute(f"SELECT DISTINCT field FROM change WHERE {where}",
                                              params)]
    work.conn.execute(f"DELETE FROM change WHERE {where}", params)
    known = state.load_versions(work.conn, [(c.table, c.row_id, f) for f in fields])
    for field in fields:
        if not work.schema.knows(c.table, field):
            continue
        version = known.get((c.table, c.row_id, field))
        value = version.value if version else work.schema.blank_value(c.table, field)
        work.write_quietly(c.table, c.row_id, field, value, version.hlc if version else "")


def _decide(work: _Resolution, conflict_id: int, choice: Choice, merged_value: Any) -> None:
    c = work.load(conflict_id)
    if c is None:
        return
    if choice == "keep_mine":
        _keep_mine(work, c)
    elif choice == "keep_theirs":
        _keep_theirs(work, c)
    elif choice == "merged":
        _merged(work, c, merged_value)
    else:
        raise ValueError(f"unknown choice {choice!r}")


def resolve(store: Store, conflict_id: int, choice: Choice, merged_value: Any = None) -> None:
    """Decide one conflict (see the module docstring); one transaction."""
    resolve_many(store, [conflict_id], choice, merged_value)


def resolve_many(store: Store, conflict_ids: Iterable[int], choice: Choice,
                 merged_value: Any = None) -> None:
    """The same decision for many conflicts, all in one transaction (all or none)."""
    if choice == "merged" and merged_value is None:
        raise ValueError("a merged decision needs merged_value")
    with _deciding(store) as work:
        for conflict_id in conflict_ids:
            _decide(work, conflict_id, choice, merged_value)


def restore_with_mine(store: Store, conflict_id: int) -> None:
    """Someone deleted the row I edited: bring it back with my values (this decides
    every open deletion conflict of that row)."""
    with _deciding(store) as work:
        c = work.load(conflict_id)
        if c is not None:
            _require_deleted_row(c)
            _restore_row(work, c)


def accept_delete(store: Store, conflict_id: int) -> None:
    """Someone deleted the row I edited: let it go, dropping my edits of it (this
    decides every open deletion conflict of that row)."""
    with _deciding(store) as work:
        c = work.load(conflict_id)
        if c is not None:
            _require_deleted_row(c)
            _accept_delete(work, c)


def _require_deleted_row(c: Conflict) -> None:
    if not c.row_deleted:
        raise ValueError(f"Conflict {c.id} is about a changed value, not a deleted record; "
                         "use resolve().")
