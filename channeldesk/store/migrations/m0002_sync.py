"""Local bookkeeping of the sync client (DESIGN.md §4); none of these tables syncs.

They lack the synced-row shape (``id``, ``created_at``, ``updated_at``, ``deleted``), so
the journal installs no triggers on them.

* ``sync_state``: key/value facts of this copy's sync: server, account, device, epoch,
  cursor, how far the journal was pushed, the batch in flight, a snapshot in progress.
* ``field_version``: the last server version known per field (seq, value, clock stamp).
  Its seq is the ``base_seq`` of the next push of that field and its value the "base" of
  a conflict. Fields of tables or columns this version does not know are kept here too,
  so that a later upgrade can apply them instead of losing them.
* ``field_version_prior``: the same, set aside while a snapshot rebuilds the versions;
  what is left in it when the snapshot ends is what the server no longer has.
* ``conflict``: a pushed change the server rejected because someone else changed the
  field (or deleted the row) first; the user decides, and the decision is a normal edit.
* ``blob_remote``: hashes the server is known to hold, so they are not asked for again.
"""

import sqlite3

VERSION = 2
TITLE = "sync client state, field versions and conflicts"

SCHEMA = """
CREATE TABLE sync_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE field_version (
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    seq INTEGER NOT NULL,
    value,
    hlc TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (table_name, row_id, field)
) WITHOUT ROWID;

CREATE TABLE field_version_prior (
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    seq INTEGER NOT NULL,
    value,
    hlc TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (table_name, row_id, field)
) WITHOUT ROWID;

CREATE TABLE conflict (
    id INTEGER PRIMARY KEY,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    base_value,
    mine,
    theirs,
    theirs_seq INTEGER NOT NULL,
    theirs_hlc TEXT,
    theirs_device TEXT,
    mine_hlc TEXT,
    row_deleted INTEGER NOT NULL DEFAULT 0,
    theirs_missing INTEGER NOT NULL DEFAULT 0,
    detected_at TEXT NOT NULL,
    resolved_at TEXT,
    resolution TEXT
);
CREATE INDEX conflict_open ON conflict (table_name, row_id, field) WHERE resolved_at IS NULL;

CREATE TABLE blob_remote (
    sha256 TEXT PRIMARY KEY
) WITHOUT ROWID;
"""


def apply(conn: sqlite3.Connection) -> None:
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            conn.execute(statement)
