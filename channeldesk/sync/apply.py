"""Applying one page of server values (changes or snapshot rows) to the local database.

The caller opens the transaction, mutes the journal and stores the cursor; this module
decides, field by field, what the page means here:

* a field this copy already knows at that seq or later is skipped (re-applying a page is
  a no-op);
* a field with local edits not yet pushed, or with an open conflict, keeps the local
  value and its old version, so the push meets the server's conflict and the user
  decides; an open conflict is shown the newer "theirs";
* a table or column this version does not know is kept as a version only (and listed,
  so an upgrade can apply it later), never written into the row;
* a value the table's description does not allow (an older server or a restored backup
  may hold one) is quarantined: kept as the field's version and as a 'quarantined'
  conflict record the user sees, never written into the row; the next valid value the
  server sends replaces it and closes the record. A row the database itself refuses is
  quarantined the same way. The rest of the page is applied, so sync always moves on;
* a clock stamp far ahead of this computer's clock is written as the latest stamp the
  clock can still beat (``HybridClock.within_reach``), so later local edits stay possible;
* everything else is written into the row (created when missing), and becomes the
  field's version.

A snapshot after an epoch change (the server was restored from a backup) compares by
value and clock stamp instead of seq, because the seqs come from another history: a
value this copy had from the server that the restored server lost is sent again, not
overwritten (see ``_decide_after_restore``).
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import channeldesk.store.models  # noqa: F401  (registers the tables' descriptions)
from channeldesk.domain.hlc import MAX_MILLIS, HybridClock
from channeldesk.store import write_guards
from channeldesk.store.description import Kind, change_problem, description_for
from channeldesk.sync import conflict_log
from channeldesk.sync.rows import (
    LocalSchema,
    insert_rows,
    journal_again,
    load_rows,
    write_row,
)
from channeldesk.sync.state import (
    Key,
    Version,
    held_keys,
    load_versions,
    note_resent,
    save_versions,
)

log = logging.getLogger(__name__)

Mode = Literal["changes", "gone", "epoch"]
MISSING = object()


class RemoteField(Protocol):
    """What ChangeOut and SnapshotRow have in common: one field's server version."""

    seq: int
    table: str
    row_id: str
    field: str
    value: Any
    hlc: str
    device_id: str


@dataclass
class PageResult:
    written: int = 0
    touched: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    max_hlc: str | None = None
    skipped: set[tuple[str, str]] = field(default_factory=set)
    resent: list[str] = field(default_factory=list)  # change ids of re-sends
    quarantined: list[str] = field(default_factory=list)  # "table.field of row: why"


CACHED_TEXT = 200  # longer texts are checked each time, not remembered


def _value_problem(table: str, field: str, value: Any) -> str | None:
    """``change_problem``, remembered for short values: a snapshot page repeats the same
    choices, flags and common texts thousands of times, and the descriptions' rules were
    most of the cost of applying it."""
    if isinstance(value, str) and len(value) > CACHED_TEXT:
        return change_problem(table, field, value)
    return _remembered_problem(table, field, type(value), value)


@functools.lru_cache(maxsize=16384)
def _remembered_problem(table: str, field: str, kind: type, value: Any) -> str | None:
    """``kind`` keeps 1, 1.0 and True apart (they hash alike)."""
    return change_problem(table, field, value)


def _reach_prefix(clock: HybridClock | None) -> str:
    """The millisecond part (12 lower-case hex digits, as every checked stamp begins) of
    the latest stamp ``clock.within_reach`` leaves alone now. A stamp at or below it is
    within reach for the rest of the page too (the limit only moves on), so the stamp
    need not be decoded: almost every pulled value."""
    if clock is None:
        return "f" * 12
    return f"{min(clock.reach_limit(), MAX_MILLIS):012x}"


class PageApplier:
    """Applies pages inside the caller's transaction; one instance per page."""

    def __init__(self, conn: sqlite3.Connection, schema: LocalSchema, pushed_through: int,
                 mode: Mode, clock: HybridClock | None = None) -> None:
        self.conn = conn
        self.clock = clock
        self.schema = schema
        self.pushed_through = pushed_through
        self.mode = mode
        self.result = PageResult()
        self._decided: dict[Key, Version | None] = {}
        self._writes: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
        self._write_hlc: dict[tuple[str, str], str] = {}
        self._reach = _reach_prefix(clock)

    def apply(self, items: Sequence[RemoteField]) -> PageResult:
        keys = [(item.table, item.row_id, item.field) for item in items]
        rows: dict[str, set[str]] = defaultdict(set)
        for table, row_id, _ in keys:
            if table in self.schema.columns:
                rows[table].add(row_id)
        self._held = held_keys(self.conn, self.pushed_through, rows)
        self._current = load_versions(self.conn, keys)
        self._prior = (load_versions(self.conn, keys, "field_version_prior")
                       if self.mode != "changes" else {})
        self._local = {table: load_rows(self.conn, table, ids) for table, ids in rows.items()}
        self._in_quarantine = {tuple(row) for row in self.conn.execute(
            "SELECT table_name, row_id, field FROM conflict WHERE resolved_at IS NULL AND "
            "kind = ?", (conflict_log.QUARANTINED,))}
        self._devices: dict[Key, str] = {}
        self._dangling = self._dangling_references(items) if self.mode == "changes" else set()
        self._decide_all(items)
        self._flush()
        if self.result.resent:
            note_resent(self.conn, self.result.resent)
        return self.result

    # -- deciding ------------------------------------------------------------------------

    def _decide_all(self, items: Sequence[RemoteField]) -> None:
        """Decide every item; the common case skips ``_one``'s steps.

        A field this copy has no version of, no local edit of and no kept-aside value
        for, in a table and column it knows, with a valid value, is written: that is
        what ``_one`` decides for it (nothing to compare with or keep; with no version
        of the field nobody here signed it either, see ``_locked_here``). A first sync
        is nothing but such fields, hundreds of thousands of them, so they are found
        with set lookups alone; every other item goes through ``_one``."""
        if self.mode == "epoch":  # compared by value and stamp: always the long way
            for item in items:
                self._one(item)
            return
        known_fields = self.schema.known_fields
        decided = self._decided  # fills as the page goes
        # The others are often all empty (a first sync): then not looked at.
        others = [found for found in (self._current, self._prior, self._held,
                                      self._in_quarantine) if found]
        dangling = self._dangling
        for item in items:
            table, field_name, value = item.table, item.field, item.value
            key = (table, item.row_id, field_name)
            if ((table, field_name) not in known_fields or key in decided
                    or (others and any(key in found for found in others))
                    or (dangling and (table, field_name, value) in dangling)
                    or _value_problem(table, field_name, value) is not None):
                self._one(item)
            else:
                self._write(item, key, Version(item.seq, value, item.hlc))

    def _known(self, key: Key) -> Version | None:
        if key in self._decided:
            return self._decided[key]
        return self._current.get(key) or self._prior.get(key)

    def _one(self, item: RemoteField) -> None:
        key = (item.table, item.row_id, item.field)
        theirs = Version(item.seq, item.value, item.hlc)
        known = self._known(key)
        if not self.schema.knows(item.table, item.field):
            fresher = known is None or known.seq < theirs.seq or self.mode == "epoch"
            self._decided[key] = theirs if fresher else known
            self.result.skipped.add((item.table, item.field))
            return
        problem = _value_problem(item.table, item.field, item.value)
        if problem is None and (item.table, item.field, item.value) in self._dangling:
            problem = "it belongs to a record this copy never received"
        if problem is not None:
            self._quarantine(item, key, theirs, problem)
            return
        if self.mode == "epoch":
            self._decide_after_restore(item, key, theirs, known)
        elif known is not None and known.seq >= theirs.seq:
            self._decided[key] = known
        elif key in self._held:
            self._decided[key] = known
            conflict_log.refresh_theirs(self.conn, key, theirs, item.device_id)
        elif self._locked_here(item, key, known):
            self._decided[key] = known
        else:
            self._write(item, key, theirs)

    def _locked_here(self, item: RemoteField, key: Key, known: Version | None) -> bool:
        """A colleague's change this copy's rules refuse (an edit of a plan signed here)
        is not written: it becomes a conflict for the user to decide, as if both had
        edited the field. Keeping theirs then writes it; keeping mine sends ours back.

        A field this copy holds no version of is still arriving: the rest of a record
        whose first fields came on an earlier page (a new objective of a plan signed
        before it reached this copy). Its local value is only the column's default,
        nobody here signed it, so it is written like the record's other fields."""
        row = self._local.get(item.table, {}).get(item.row_id)
        local = self._local_value(key)
        if row is None or known is None or local is MISSING or local == item.value:
            return False
        if write_guards.pulled_refusal(self.conn, item.table, item.row_id, item.field,
                                       item.value) is None:
            return False
        conflict_log.record(self.conn, key, base=known, mine=local,
                            mine_hlc=str(row.get("updated_at") or ""), theirs=item.value,
                            theirs_seq=item.seq, theirs_hlc=item.hlc,
                            theirs_device=item.device_id, row_deleted=False,
                            theirs_missing=False)
        return True

    def _dangling_references(self, items: Sequence[RemoteField]
                             ) -> set[tuple[str, str, Any]]:
        """References of this page to records neither here (as a row or as versions
        waiting for the rest of a row) nor in the page: an older server took a contact
        of a partner that never existed. Pages of changes come in seq order, so a parent
        always arrives before or with its child; snapshots (any order) are not checked."""
        wanted: dict[tuple[str, str], list[tuple[str, str, Any]]] = defaultdict(list)
        for item in items:
            description = description_for(item.table)
            if description is None or not description.has(item.field):
                continue
            spec = description.field(item.field)
            if (spec.kind is Kind.REFERENCE and spec.references in self.schema.columns
                    and isinstance(item.value, str) and item.value):
                wanted[(spec.references, item.value)].append(
                    (item.table, item.field, item.value))
        in_page = {(item.table, item.row_id) for item in items}
        missing = [key for key in wanted if key not in in_page]
        found: set[tuple[str, str]] = set()
        for table in {table for table, _ in missing}:
            ids = [row_id for parent, row_id in missing if parent == table]
            found |= {(table, row_id) for row_id in load_rows(self.conn, table, ids)}
            found |= {(table, row_id) for row_id in _versioned_rows(self.conn, table, ids)}
        return {ref for key in missing if key not in found for ref in wanted[key]}

    def _quarantine(self, item: RemoteField, key: Key, theirs: Version,
                    problem: str) -> None:
        """Keep an invalid server value aside (see the module docstring)."""
        known = self._known(key)
        if known is not None and known.seq >= theirs.seq and self.mode != "epoch":
            return  # seen before (a page applied again)
        self.result.quarantined.append(f"{item.table}.{item.field} of {item.row_id}: "
                                       f"{problem}")
        if key in self._held:  # the user decides this field already: nothing replaces it
            self._decided[key] = known
            return
        self._decided[key] = theirs
        local = self._local_value(key)
        conflict_log.record(
            self.conn, key, base=known, mine=None if local is MISSING else local,
            mine_hlc=None, theirs=theirs.value, theirs_seq=theirs.seq,
            theirs_hlc=theirs.hlc, theirs_device=item.device_id, row_deleted=False,
            theirs_missing=False, kind=conflict_log.QUARANTINED,
            reason=f"invalid: the server sent a value this version does not allow "
                   f"({problem.rstrip('.')}); it was kept aside, not applied")
        self._in_quarantine.add(key)
        self.result.touched[item.table].add(item.row_id)

    def _decide_after_restore(self, item: RemoteField, key: Key, theirs: Version,
                              known: Version | None) -> None:
        """The server's history was replaced: seqs cannot be compared with ours.

        Unpushed local edits keep their value; their base is the server's version when
        it still equals the one they were made on, else unknown (seq 0), so the push
        reports a conflict rather than silently overwriting. Without local edits, a
        value the server has is taken, unless this copy holds a value the server had
        accepted (its known version) that is newer by clock than the server's: the
        restore lost it, so it is sent again. Across histories the clock stamps (edit
        times) are the only order left; this is last-writer-wins, for this rare case.
        """
        if key in self._held:
            same_base = known is not None and known.value == theirs.value
            self._decided[key] = theirs if same_base else (
                Version(0, known.value, known.hlc) if known else None)
            conflict_log.refresh_theirs(self.conn, key, theirs, item.device_id,
                                        newer_only=False)
            return
        local = self._local_value(key)
        if local is not MISSING and local == theirs.value:
            self._decided[key] = theirs
        elif (local is not MISSING and known is not None and known.value == local
              and known.hlc > theirs.hlc):
            # Sent again with the stamp of the edit itself, not of this moment: a value
            # re-sent after one restore must not look newer than edits made since.
            self.result.resent.append(
                journal_again(self.conn, key[0], key[1], key[2], local, known.hlc))
            self.result.touched[key[0]].add(key[1])
            self._decided[key] = theirs
        else:
            self._write(item, key, theirs)

    def _local_value(self, key: Key) -> Any:
        table, row_id, field_name = key
        pending = self._writes.get((table, row_id), {})
        if field_name in pending:
            return pending[field_name]
        row = self._local.get(table, {}).get(row_id)
        return MISSING if row is None else row.get(field_name, MISSING)

    def _write(self, item: RemoteField, key: Key, theirs: Version) -> None:
        row_key = (item.table, item.row_id)
        self._writes[row_key][item.field] = item.value
        self._devices[key] = item.device_id
        hlc = item.hlc
        if self.clock is not None and hlc[:12] > self._reach:  # see _reach_prefix
            hlc = self.clock.within_reach(hlc)
        if hlc > self._write_hlc.get(row_key, ""):
            self._write_hlc[row_key] = hlc
        if key in self._in_quarantine:
            conflict_log.close(self.conn, key, (conflict_log.QUARANTINED,),
                               "replaced by a valid value")
            self._in_quarantine.discard(key)
        self._decided[key] = theirs
        self.result.written += 1
        if self.result.max_hlc is None or item.hlc > self.result.max_hlc:
            self.result.max_hlc = item.hlc

    # -- writing -------------------------------------------------------------------------

    def _flush(self) -> None:
        new_rows: dict[str, list[tuple[str, dict[str, Any], str]]] = defaultdict(list)
        for (table, row_id), fields in self._writes.items():
            hlc = self._write_hlc[(table, row_id)]
            if row_id in self._local.get(table, {}):
                try:
                    write_row(self.conn, self.schema, table, row_id, fields, hlc,
                              exists=True)
                except sqlite3.IntegrityError as error:
                    self._refused_by_database(table, row_id, fields, error)
            else:
                new_rows[table].append((row_id, fields, hlc))
            self.result.touched[table].add(row_id)
        for table, rows in new_rows.items():
            ready = self._ready_to_create(table, rows)
            try:
                with _savepoint(self.conn):
                    insert_rows(self.conn, self.schema, table, ready)
            except sqlite3.IntegrityError:
                for row in ready:  # one by one, to keep aside only what is refused
                    try:
                        insert_rows(self.conn, self.schema, table, [row])
                    except sqlite3.IntegrityError as error:
                        self._refused_by_database(table, row[0], row[1], error)
        save_versions(self.conn, self._decided)
        if self._prior:  # only keys loaded from it can be there (none on a first sync)
            self.conn.executemany(
                "DELETE FROM field_version_prior WHERE table_name = ? AND row_id = ? "
                "AND field = ?", [key for key in self._decided if key in self._prior])


    def _refused_by_database(self, table: str, row_id: str, fields: dict[str, Any],
                             error: sqlite3.Error) -> None:
        """A row SQLite refused (a constraint the description does not state): its
        values are quarantined like invalid ones, and the page goes on."""
        log.warning("sync: the database refused %s %s: %s", table, row_id, error)
        for name, value in fields.items():
            key = (table, row_id, name)
            version = self._decided.get(key)
            conflict_log.record(
                self.conn, key, base=None, mine=None, mine_hlc=None, theirs=value,
                theirs_seq=version.seq if version else 0,
                theirs_hlc=version.hlc if version else None,
                theirs_device=self._devices.get(key), row_deleted=False,
                theirs_missing=False, kind=conflict_log.QUARANTINED,
                reason=f"invalid: this database refused the record ({error}); the value "
                       "was kept aside, not applied")
            self.result.quarantined.append(f"{table}.{name} of {row_id}: {error}")
        self.result.written -= len(fields)

    def _ready_to_create(self, table: str, rows: list[tuple[str, dict[str, Any], str]]
                         ) -> list[tuple[str, dict[str, Any], str]]:
        """New rows, completed with their fields from earlier pages.

        The fields of one row can span pages (a page ends mid-row). The earlier page's
        values are kept as field versions, so a row created later takes them from there.
        A row still without the reference to its parent is not created yet: with a
        placeholder it would point at nothing until the next page, and a sync stopped
        in between would leave a broken reference. Its values wait as versions and the
        page that completes it creates it.
        """
        known = {name for name in self.schema.columns[table] if self.schema.knows(table, name)}
        partial = [row_id for row_id, fields, _ in rows if not known <= fields.keys()]
        earlier = _stored_values(self.conn, table, partial, known) if partial else {}
        ready = []
        for row_id, fields, hlc in rows:
            complete = {**earlier.get(row_id, {}), **fields}
            if self.schema.missing_parent(table, complete):
                self.result.touched[table].discard(row_id)
                continue
            ready.append((row_id, complete, hlc))
        return ready


@contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    """A SAVEPOINT around a statement group: rolled back (not the page) on failure."""
    conn.execute("SAVEPOINT page_rows")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO page_rows")
        raise
    finally:
        conn.execute("RELEASE page_rows")


def _versioned_rows(conn: sqlite3.Connection, table: str, row_ids: list[str]) -> set[str]:
    """Ids of rows this copy holds versions of (created or still waiting for fields)."""
    found: set[str] = set()
    for start in range(0, len(row_ids), 400):
        chunk = row_ids[start:start + 400]
        found |= {row_id for (row_id,) in conn.execute(
            "SELECT DISTINCT row_id FROM field_version WHERE table_name = ? AND "
            f"row_id IN ({', '.join('?' * len(chunk))})", (table, *chunk))}
    return found


def _stored_values(conn: sqlite3.Connection, table: str, row_ids: list[str],
                   columns: set[str]) -> dict[str, dict[str, Any]]:
    """Values of these columns this copy holds as versions for rows it has not created
    yet (a version of a column this schema lacks stays parked)."""
    found: dict[str, dict[str, Any]] = defaultdict(dict)
    for start in range(0, len(row_ids), 400):
        chunk = row_ids[start:start + 400]
        for row_id, field_name, value in conn.execute(
                "SELECT row_id, field, value FROM field_version WHERE table_name = ? AND "
                f"row_id IN ({', '.join('?' * len(chunk))})", (table, *chunk)):
            if field_name in columns:
                found[row_id][field_name] = value
    return found


def apply_parked(conn: sqlite3.Connection, schema: LocalSchema, pushed_through: int,
                 pairs: set[tuple[str, str]]) -> dict[str, set[str]]:
    """Write values kept for columns this database lacked and now has (after an
    upgrade added them); returns the rows changed. Fields with local edits keep them."""
    touched: dict[str, set[str]] = defaultdict(set)
    for table, field_name in sorted(pairs):
        rows = conn.execute("SELECT row_id, value, hlc FROM field_version WHERE "
                            "table_name = ? AND field = ?", (table, field_name)).fetchall()
        ids = {row_id for row_id, _, _ in rows}
        held = held_keys(conn, pushed_through, {table: ids})
        existing = set(load_rows(conn, table, ids))
        for row_id, value, hlc in rows:
            if (table, row_id, field_name) in held:
                continue
            write_row(conn, schema, table, row_id, {field_name: value}, hlc,
                      row_id in existing)
            existing.add(row_id)
            touched[table].add(row_id)
    return touched
