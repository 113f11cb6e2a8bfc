"""The sync client's local bookkeeping: ``sync_state`` facts and per-field versions.

All functions take the sqlite3 connection of the calling thread and run inside the
caller's transaction, so a page of changes, its field versions and the cursor that
follows it commit together or not at all.
"""

from __future__ import annotations

import getpass
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from channeldesk.store import journal

# sync_state keys
SERVER_URL = "server_url"
USER_EMAIL = "user_email"
TEAM = "team"
DEVICE_ID = "device_id"  # the server's id for this installation (not local_meta's)
EPOCH = "epoch"
CURSOR = "cursor"  # server seq pulled through
PUSHED_THROUGH = "pushed_through"  # local journal seq pushed through
PENDING_BATCH = "pending_batch"  # JSON of the batch in flight, written before sending
SNAPSHOT_MODE = "snapshot_mode"  # "gone" or "epoch" while a snapshot is in progress
SNAPSHOT_CURSOR = "snapshot_cursor"  # next_cursor of the last applied snapshot page
SNAPSHOT_EPOCH = "snapshot_epoch"
SNAPSHOT_AS_OF = "snapshot_as_of"
SKIPPED_FIELDS = "skipped_fields"  # JSON [[table, field], ...] this schema lacked
RESENT = "resent"  # JSON [change_id, ...]: re-sends of values a restored server lost
LAST_SYNC_AT = "last_sync_at"
DEVICES = "devices"  # JSON {device_id: [email, device name]} (see devices.py)

# Forgotten when the database is signed in to another server or team.
HISTORY_KEYS = (EPOCH, CURSOR, PUSHED_THROUGH, PENDING_BATCH, SNAPSHOT_MODE,
                SNAPSHOT_CURSOR, SNAPSHOT_EPOCH, SNAPSHOT_AS_OF, SKIPPED_FIELDS, RESENT,
                LAST_SYNC_AT, DEVICES)
VERSION_TABLES = ("field_version", "field_version_prior")

Key = tuple[str, str, str]  # table, row id, field
IN_CHUNK = 400


def get(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def get_int(conn: sqlite3.Connection, key: str) -> int | None:
    value = get(conn, key)
    return int(value) if value not in (None, "") else None


def put(conn: sqlite3.Connection, **values: str | int | None) -> None:
    """Set (or, for None, remove) sync_state keys."""
    for key, value in values.items():
        if value is None:
            conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
        else:
            conn.execute("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) "
                         "DO UPDATE SET value = excluded.value", (key, str(value)))


def read_all(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM sync_state").fetchall())


def editor_name(conn: sqlite3.Connection) -> str:
    """Who edits are recorded under (a stage move's history, say): the sync account's
    email when this database was signed in, else the computer's login name. Here, in a
    light module, so that the app and the command line ask it without loading sync."""
    values = read_all(conn)
    if SERVER_URL in values and values.get(USER_EMAIL):
        return values[USER_EMAIL]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def forget_history(conn: sqlite3.Connection) -> None:
    """Start over with another server or team: its seqs mean nothing here.

    The journal is kept and ``pushed_through`` goes back to 0, so every local row is
    sent to the new server; open conflicts are closed (their "theirs" belonged to the
    old server).
    """
    put(conn, **dict.fromkeys(HISTORY_KEYS))
    for table in (*VERSION_TABLES, "blob_remote"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("UPDATE conflict SET resolved_at = datetime('now'), resolution = "
                 "'other server' WHERE resolved_at IS NULL")


def resent_ids(conn: sqlite3.Connection) -> set[str]:
    return set(json.loads(get(conn, RESENT) or "[]"))


def note_resent(conn: sqlite3.Connection, change_ids: Iterable[str],
                done: Iterable[str] = ()) -> None:
    """Remember journal entries that only re-send what a restored server lost (and
    forget those whose answer came). Such an entry is no user's decision: when it meets
    a conflict, the value someone set on the restored server stands (``outbox.record``)."""
    ids = (resent_ids(conn) | set(change_ids)) - set(done)
    put(conn, resent=json.dumps(sorted(ids)) if ids else None)


@dataclass(frozen=True, slots=True)
class Version:
    """A field as the server last had it, as far as this copy knows."""

    seq: int
    value: Any
    hlc: str


def _chunks(items: list, size: int = IN_CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def load_versions(conn: sqlite3.Connection, keys: Iterable[Key],
                  table: str = "field_version") -> dict[Key, Version]:
    """The stored versions of these fields (absent keys are unknown to this copy)."""
    assert table in VERSION_TABLES
    wanted = set(keys)
    rows_by_table: dict[str, set[str]] = defaultdict(set)
    for table_name, row_id, _ in wanted:
        rows_by_table[table_name].add(row_id)
    found: dict[Key, Version] = {}
    for table_name, row_ids in rows_by_table.items():
        for chunk in _chunks(sorted(row_ids)):
            marks = ", ".join("?" * len(chunk))
            for row_id, field, seq, value, hlc in conn.execute(
                    f"SELECT row_id, field, seq, value, hlc FROM {table} "
                    f"WHERE table_name = ? AND row_id IN ({marks})", (table_name, *chunk)):
                key = (table_name, row_id, field)
                if key in wanted:
                    found[key] = Version(seq, value, hlc)
    return found


VERSION_UPSERT = (
    "INSERT INTO field_version (table_name, row_id, field, seq, value, hlc) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (table_name, row_id, field) DO UPDATE SET "
    "seq = excluded.seq, value = excluded.value, hlc = excluded.hlc")


def save_version_rows(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """Upsert versions given as (table, row_id, field, seq, value, hlc) rows, in order."""
    conn.executemany(VERSION_UPSERT, rows)


def save_versions(conn: sqlite3.Connection, versions: dict[Key, Version | None]) -> None:
    """Upsert versions; a None version removes the entry (the field's base is unknown)."""
    upserts = [(*key, v.seq, v.value, v.hlc) for key, v in versions.items() if v is not None]
    removals = [key for key, v in versions.items() if v is None]
    conn.executemany(VERSION_UPSERT, upserts)
    conn.executemany("DELETE FROM field_version WHERE table_name = ? AND row_id = ? "
                     "AND field = ?", removals)


def held_keys(conn: sqlite3.Connection, pushed_through: int,
              rows: dict[str, set[str]]) -> set[Key]:
    """Fields of these rows that must not take a remote value now: fields with local
    edits not yet pushed (the push will meet the server's conflict), and fields with an
    open conflict (the user decides)."""
    held: set[Key] = set()
    for table_name, row_ids in rows.items():
        columns: list[str] = []
        for chunk in _chunks(sorted(row_ids)):
            marks = ", ".join("?" * len(chunk))
            for row_id, field in conn.execute(
                    f"SELECT DISTINCT row_id, field FROM change WHERE table_name = ? AND "
                    f"row_id IN ({marks}) AND seq > ?", (table_name, *chunk, pushed_through)):
                if field != journal.RECORD_FIELD:
                    held.add((table_name, row_id, field))
                    continue  # a created row not pushed yet: all of it is held
                columns = columns or journal.journalled_columns(conn, table_name)
                held.update((table_name, row_id, name) for name in columns)
            for row_id, field in conn.execute(
                    f"SELECT row_id, field FROM conflict WHERE resolved_at IS NULL AND "
                    f"kind != 'quarantined' AND table_name = ? AND row_id IN ({marks})",
                    (table_name, *chunk)):
                held.add((table_name, row_id, field))
    return held
