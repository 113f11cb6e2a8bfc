"""The ``conflict`` table at the level the engine needs: record, refresh, supersede.

The user-facing API (list and resolve) is in ``conflicts.py``; this module only keeps
the records right while pushes and pulls run.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from channeldesk.sync.state import Key, Version

OPEN = "resolved_at IS NULL AND table_name = ? AND row_id = ? AND field = ?"
# Kinds of conflict (see migration 7): only the first two hold a field against pulls.
CONFLICT, REJECTED, QUARANTINED = "conflict", "rejected", "quarantined"
HOLDING_KINDS = (CONFLICT, REJECTED)


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def record(conn: sqlite3.Connection, key: Key, *, base: Version | None, mine: Any,
           mine_hlc: str, theirs: Any, theirs_seq: int, theirs_hlc: str | None,
           theirs_device: str | None, row_deleted: bool, theirs_missing: bool,
           kind: str = CONFLICT, reason: str | None = None) -> bool:
    """Store a conflict unless the same one is already open; True when stored.

    A new conflict on a field replaces (marks 'superseded') an older open one: only the
    latest "mine" can still be kept. ``kind``/``reason``: see migration 7.
    """
    same = conn.execute(
        f"SELECT 1 FROM conflict WHERE {OPEN} AND mine IS ? AND theirs IS ? AND "
        "theirs_seq = ? AND row_deleted = ? AND kind = ? AND reason IS ?",
        (*key, mine, theirs, theirs_seq, int(row_deleted), kind, reason)).fetchone()
    if same:
        return False
    stamp = now_text()
    conn.execute(f"UPDATE conflict SET resolved_at = ?, resolution = 'superseded' WHERE {OPEN}",
                 (stamp, *key))
    conn.execute(
        "INSERT INTO conflict (table_name, row_id, field, base_value, mine, theirs, "
        "theirs_seq, theirs_hlc, theirs_device, mine_hlc, row_deleted, theirs_missing, "
        "detected_at, kind, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*key, base.value if base else None, mine, theirs, theirs_seq, theirs_hlc,
         theirs_device, mine_hlc, int(row_deleted), int(theirs_missing), stamp, kind,
         reason))
    return True


def close(conn: sqlite3.Connection, key: Key, kinds: tuple[str, ...],
          resolution: str) -> int:
    """Mark the open conflicts of these kinds on a field decided (e.g. a refused value
    the user has since fixed and the server accepted); returns how many."""
    marks = ", ".join("?" * len(kinds))
    return conn.execute(f"UPDATE conflict SET resolved_at = ?, resolution = ? WHERE {OPEN} "
                        f"AND kind IN ({marks})",
                        (now_text(), resolution, *key, *kinds)).rowcount


def open_keys(conn: sqlite3.Connection, kind: str) -> set[Key]:
    """The fields with an open conflict of this kind (few; asked once per batch rather
    than once per field)."""
    return {tuple(row) for row in conn.execute(
        "SELECT table_name, row_id, field FROM conflict WHERE resolved_at IS NULL "
        "AND kind = ?", (kind,))}


def refresh_theirs(conn: sqlite3.Connection, key: Key, theirs: Version, device: str,
                   newer_only: bool = True) -> None:
    """A newer server value of a field in conflict: show that one as "theirs"."""
    condition = " AND theirs_seq < ?" if newer_only else ""
    params: tuple = (theirs.value, theirs.seq, theirs.hlc, device, *key)
    conn.execute(f"UPDATE conflict SET theirs = ?, theirs_seq = ?, theirs_hlc = ?, "
                 f"theirs_device = ?, theirs_missing = 0 WHERE {OPEN}{condition} "
                 f"AND kind != '{QUARANTINED}'",
                 (*params, theirs.seq) if newer_only else params)


def open_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM conflict WHERE resolved_at IS NULL").fetchone()[0]
