"""Starting and finishing a snapshot download (after 410 Gone or an epoch change).

A snapshot rebuilds the field versions from the server's current state. When it
starts, the versions move aside to ``field_version_prior``; each page moves the fields
it names back (see ``apply.py``). When the last page is in, what is still set aside is
what the server no longer has:

* same history (410 because the cursor is older than the server keeps): a row of
  which no field came back was removed on the server; it is removed here too, unless it
  has unpushed edits or an open conflict (then the push recreates it);
* another history (epoch change, the server was restored): the restored server lost
  those values, so they are journalled again and the push sends them back; should
  someone have set such a field on the restored server meanwhile, theirs stands
  (a re-send is no user's decision, see ``state.note_resent``).

Either way the outbox is kept; nothing is overwritten one way.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import defaultdict
from collections.abc import Callable

from channeldesk.sync import state
from channeldesk.sync.apply import Mode
from channeldesk.sync.rows import LocalSchema, journal_again, load_rows, remove_row

log = logging.getLogger(__name__)


def begin(conn: sqlite3.Connection, mode: Mode) -> None:
    """Set the versions aside and note that a snapshot is in progress (in the caller's
    transaction). Starting again over an unfinished snapshot keeps what it had."""
    conn.execute("INSERT OR REPLACE INTO field_version_prior "
                 "SELECT table_name, row_id, field, seq, value, hlc FROM field_version")
    conn.execute("DELETE FROM field_version")
    state.put(conn, snapshot_mode=mode, snapshot_cursor="", snapshot_epoch=None,
              snapshot_as_of=None)
    if mode == "epoch":
        # Bases and batch ids of the old history mean nothing to the restored server:
        # the unpushed entries are rebuilt (their change ids keep a resend harmless).
        state.put(conn, pending_batch=None)
        conn.execute("DELETE FROM blob_remote")


def in_progress(conn: sqlite3.Connection) -> tuple[Mode, str | None] | None:
    """(mode, cursor of the next page or None to start) while a snapshot is unfinished."""
    mode = state.get(conn, state.SNAPSHOT_MODE)
    if mode is None:
        return None
    return mode, state.get(conn, state.SNAPSHOT_CURSOR) or None  # type: ignore[return-value]


def finish(conn: sqlite3.Connection, schema: LocalSchema, mode: Mode, as_of_seq: int,
           epoch: str, pushed_through: int, stamp: Callable[[], str]) -> dict[str, set[str]]:
    """Settle what the server no longer has, then pull from ``as_of_seq``; returns the
    rows changed."""
    leftover: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for table, row_id, field, hlc in conn.execute(
            "SELECT table_name, row_id, field, hlc FROM field_version_prior"):
        if table in schema.columns:
            leftover[(table, row_id)].append((field, hlc))
    rows_by_table: dict[str, set[str]] = defaultdict(set)
    for table, row_id in leftover:
        rows_by_table[table].add(row_id)
    held = state.held_keys(conn, pushed_through, rows_by_table)
    held_rows = {(table, row_id) for table, row_id, _ in held}
    touched: dict[str, set[str]] = defaultdict(set)
    resent: list[str] = []
    for table, row_ids in rows_by_table.items():
        local = load_rows(conn, table, row_ids)
        for row_id, row in local.items():
            fields = leftover[(table, row_id)]
            if mode == "gone":
                if (table, row_id) in held_rows or _seen(conn, table, row_id):
                    continue
                remove_row(conn, table, row_id)
                log.info("snapshot: %s %s is gone from the server; removed here", table,
                         row_id)
            else:
                for field, hlc in fields:
                    if schema.knows(table, field) and (table, row_id, field) not in held:
                        # The edit's own stamp (see apply._decide_after_restore).
                        resent.append(journal_again(conn, table, row_id, field, row[field],
                                                    hlc or stamp()))
            touched[table].add(row_id)
    state.note_resent(conn, resent)
    conn.execute("DELETE FROM field_version_prior")
    state.put(conn, cursor=as_of_seq, epoch=epoch, snapshot_mode=None, snapshot_cursor=None,
              snapshot_epoch=None, snapshot_as_of=None)
    return touched


def _seen(conn: sqlite3.Connection, table: str, row_id: str) -> bool:
    return conn.execute("SELECT 1 FROM field_version WHERE table_name = ? AND row_id = ? "
                        "LIMIT 1", (table, row_id)).fetchone() is not None
