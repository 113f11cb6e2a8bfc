"""The change journal, enforced by SQLite triggers so that no write path can bypass it.

For every synced table (a table with ``id``, ``created_at``, ``updated_at`` and ``deleted``
columns) the triggers:

* journal each non-null field of an inserted row, and each field an update changes, into
  ``change`` in the same transaction, stamped with the row's new ``updated_at``;
* refuse an update that does not advance ``updated_at`` (so every edit carries a fresh
  clock stamp) or that changes the id;
* refuse a hard ``DELETE``: synced rows are tombstoned (``deleted = 1``).

Remote changes applied by sync must not be journalled again; sync mutes the journal for
the span of its own transaction with :func:`muted`. The mute is a row in a real table,
so it rolls back with the transaction if anything fails and cannot leak past a crash.

Triggers are generated from the table's actual columns and re-installed after every
migration, so a column added later is journalled without anyone remembering to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

BOOKKEEPING_COLUMNS = ("id", "created_at", "updated_at", "deleted")
UNJOURNALLED_COLUMNS = frozenset({"id", "updated_at"})
NOT_MUTED = "NOT EXISTS (SELECT 1 FROM journal_mute)"



def table_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def synced_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables shaped like synced rows, found from the schema itself."""
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )]
    return [name for name in names
            if set(BOOKKEEPING_COLUMNS) <= set(table_columns(conn, name))]


def _field_rows(table: str, columns: list[str], changed_only: bool) -> str:
    selects = []
    for column in columns:
        if column in UNJOURNALLED_COLUMNS:
            continue
        condition = f'OLD."{column}" IS NOT NEW."{column}"' if changed_only \
            else f'NEW."{column}" IS NOT NULL'
        selects.append(f"SELECT '{column}' AS f, NEW.\"{column}\" AS v, {condition} AS c")
    body = "\n            UNION ALL ".join(selects)
    return (
        f"INSERT INTO change (table_name, row_id, field, value, hlc)\n"
        f"        SELECT '{table}', NEW.id, f, v, NEW.updated_at FROM (\n"
        f"            {body}\n        ) WHERE c;"
    )


def trigger_ddl(table: str, columns: list[str]) -> list[str]:
    """The statements that (re)create the journal triggers of one synced table."""
    prefix = f"journal_{table}"
    return [
        f'DROP TRIGGER IF EXISTS "{prefix}_insert"',
        f'DROP TRIGGER IF EXISTS "{prefix}_update"',
        f'DROP TRIGGER IF EXISTS "{prefix}_stamp"',
        f'DROP TRIGGER IF EXISTS "{prefix}_no_delete"',
        f'''CREATE TRIGGER "{prefix}_stamp" BEFORE UPDATE ON "{table}"
    WHEN {NOT_MUTED} AND (NEW.updated_at IS NULL OR NEW.updated_at <= OLD.updated_at
                          OR NEW.id IS NOT OLD.id)
    BEGIN
        SELECT RAISE(ABORT, 'journal: an edit must advance updated_at and keep the id');
    END''',
        f'''CREATE TRIGGER "{prefix}_insert" AFTER INSERT ON "{table}"
    WHEN {NOT_MUTED}
    BEGIN
        {_field_rows(table, columns, changed_only=False)}
    END''',
        f'''CREATE TRIGGER "{prefix}_update" AFTER UPDATE ON "{table}"
    WHEN {NOT_MUTED}
    BEGIN
        {_field_rows(table, columns, changed_only=True)}
    END''',
        f'''CREATE TRIGGER "{prefix}_no_delete" BEFORE DELETE ON "{table}"
    WHEN {NOT_MUTED}
    BEGIN
        SELECT RAISE(ABORT, 'journal: synced rows are tombstoned, never deleted');
    END''',
    ]


def install_triggers(conn: sqlite3.Connection) -> list[str]:
    """(Re)create the journal triggers of every synced table; returns the tables."""
    tables = synced_tables(conn)
    for table in tables:
        for statement in trigger_ddl(table, table_columns(conn, table)):
            conn.execute(statement)
    return tables


@contextmanager
def muted(conn: sqlite3.Connection, reason: str) -> Iterator[None]:
    """Apply writes without journalling them; call inside the caller's transaction."""
    if not conn.in_transaction:
        raise RuntimeError("mute the journal only inside a transaction")
    conn.execute("INSERT INTO journal_mute (reason) VALUES (?)", (reason,))
    try:
        yield
    finally:
        conn.execute("DELETE FROM journal_mute WHERE rowid IN "
                     "(SELECT rowid FROM journal_mute WHERE reason = ? LIMIT 1)", (reason,))
