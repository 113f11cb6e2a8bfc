"""The change journal, enforced by SQLite triggers so that no write path can bypass it.

For every synced table (a table with ``id``, ``created_at``, ``updated_at`` and ``deleted``
columns) the triggers:

* journal an inserted row as ONE ``change`` entry (a *record entry*: ``field`` is
  :data:`RECORD_FIELD`, ``value`` a JSON object of the row's fields), and each field an
  update changes as one entry per field, in the same transaction, stamped with the row's
  new ``updated_at``;
* refuse an update that does not advance ``updated_at`` (so every edit carries a fresh
  clock stamp) or that changes the id;
* refuse a hard ``DELETE``: synced rows are tombstoned (``deleted = 1``).

Remote changes applied by sync must not be journalled again; sync mutes the journal for
the span of its own transaction with :func:`muted`. The mute is a row in a real table,
so it rolls back with the transaction if anything fails and cannot leak past a crash.

Triggers are generated from the table's actual columns and re-installed after every
migration, so a column added later is journalled without anyone remembering to.

A record entry stands for one entry per non-null field of the new row, all with the
entry's seq and stamp (see ``docs/bulk-import-and-undo.md``): an import of 100,000 rows
writes 100,000 journal rows instead of 2.2 million. Readers that ask about single fields
read the ``change_field`` view, which expands record entries with ``json_each``; the
outbox expands them with :func:`record_fields`, deriving each field's change id from the
entry's with :func:`field_change_id`, so the wire and per-field conflicts are unchanged.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

BOOKKEEPING_COLUMNS = ("id", "created_at", "updated_at", "deleted")
UNJOURNALLED_COLUMNS = frozenset({"id", "updated_at"})
NOT_MUTED = "NOT EXISTS (SELECT 1 FROM journal_mute)"
RECORD_FIELD = "*"  # the field of a record entry: never a column name (not an identifier)


def table_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def declared_columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """Each column's name and declared type, in table order."""
    return [(row[1], row[2] or "") for row in conn.execute(f'PRAGMA table_info("{table}")')]


def synced_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables shaped like synced rows, found from the schema itself."""
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )]
    return [name for name in names
            if set(BOOKKEEPING_COLUMNS) <= set(table_columns(conn, name))]


def _changed_field_rows(table: str, columns: list[str]) -> str:
    selects = []
    for column in columns:
        if column in UNJOURNALLED_COLUMNS:
            continue
        condition = f'OLD."{column}" IS NOT NEW."{column}"'
        selects.append(f"SELECT '{column}' AS f, NEW.\"{column}\" AS v, {condition} AS c")
    body = "\n            UNION ALL ".join(selects)
    return (
        f"INSERT INTO change (table_name, row_id, field, value, hlc)\n"
        f"        SELECT '{table}', NEW.id, f, v, NEW.updated_at FROM (\n"
        f"            {body}\n        ) WHERE c;"
    )


def _record_row(table: str, columns: list[str]) -> str:
    pairs = ", ".join(f"'{column}', NEW.\"{column}\"" for column in columns
                      if column not in UNJOURNALLED_COLUMNS)
    return (
        f"INSERT INTO change (table_name, row_id, field, value, hlc)\n"
        f"        VALUES ('{table}', NEW.id, '{RECORD_FIELD}', json_object({pairs}), "
        f"NEW.updated_at);"
    )


def _inserted_field_rows(table: str, columns: list[str]) -> str:
    selects = [f"SELECT '{column}' AS f, NEW.\"{column}\" AS v" for column in columns
               if column not in UNJOURNALLED_COLUMNS]
    body = "\n            UNION ALL ".join(selects)
    return (
        f"INSERT INTO change (table_name, row_id, field, value, hlc)\n"
        f"        SELECT '{table}', NEW.id, f, v, NEW.updated_at FROM (\n"
        f"            {body}\n        ) WHERE v IS NOT NULL;"
    )


def _not_json_safe(columns: list[tuple[str, str]]) -> str:
    """SQL that is true when the new row holds a value JSON would not keep exactly.

    SQLite's JSON writes a real with 15 significant digits and refuses a blob, so such a
    row is journalled field by field (exact) instead of as a record entry. A TEXT column
    turns a real into text before the trigger sees it, so only a blob is tested there.
    """
    tests = []
    for name, declared in columns:
        if name in UNJOURNALLED_COLUMNS:
            continue
        textual = any(word in declared.upper() for word in ("CHAR", "TEXT", "CLOB"))
        kinds = "('blob')" if textual else "('blob', 'real')"
        tests.append(f'typeof(NEW."{name}") IN {kinds}')
    return " OR ".join(tests) or "0"


def record_fields(value: str) -> list[tuple[int, str, object]]:
    """The fields a record entry stands for: (position in the entry, name, value) of its
    non-null fields, in the table's column order at the time of the insert."""
    return [(position, name, field_value)
            for position, (name, field_value) in enumerate(json.loads(value).items())
            if field_value is not None]


_SUFFIXES = [f"{position:08x}" for position in range(512)]


def field_change_id(record_change_id: str, position: int) -> str:
    """The change id of the ``position``-th field of a record entry: the entry's random
    id with its last 32 bits replaced by the position. Deterministic (a batch rebuilt
    later carries the same ids, so the server's idempotency holds) and as unlikely to
    collide as any 96 random bits."""
    suffix = _SUFFIXES[position] if position < 512 else f"{position:08x}"
    return record_change_id[:24] + suffix


FIELD_VIEW = "change_field"  # the journal as per-field entries (made by migration 13)


def trigger_ddl(table: str, columns: list[tuple[str, str]]) -> list[str]:
    """The statements that (re)create the journal triggers of one synced table, given
    its columns' names and declared types (see :func:`declared_columns`)."""
    prefix = f"journal_{table}"
    names = [name for name, _declared in columns]
    exact = _not_json_safe(columns)
    return [
        f'DROP TRIGGER IF EXISTS "{prefix}_insert"',
        f'DROP TRIGGER IF EXISTS "{prefix}_insert_fields"',
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
    WHEN {NOT_MUTED} AND NOT ({exact})
    BEGIN
        {_record_row(table, names)}
    END''',
        f'''CREATE TRIGGER "{prefix}_insert_fields" AFTER INSERT ON "{table}"
    WHEN {NOT_MUTED} AND ({exact})
    BEGIN
        {_inserted_field_rows(table, names)}
    END''',
        f'''CREATE TRIGGER "{prefix}_update" AFTER UPDATE ON "{table}"
    WHEN {NOT_MUTED}
    BEGIN
        {_changed_field_rows(table, names)}
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
        for statement in trigger_ddl(table, declared_columns(conn, table)):
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


def split_records(conn: sqlite3.Connection, table: str, row_id: str, after_seq: int) -> None:
    """Replace a row's record entries after ``after_seq`` by the per-field entries they
    stand for (same stamps and change ids, new seqs), so that code which removes single
    fields from the outbox can do so. A field edited after the record is left out: the
    later edit is the one that counts, and must stay the latest. Rare (a conflict
    decision on a row created here and not yet pushed), so it need not be fast. Call
    inside the caller's transaction."""
    records = conn.execute(
        "SELECT seq, change_id, value, hlc FROM change WHERE table_name = ? AND row_id = ? "
        "AND field = ? AND seq > ? ORDER BY seq",
        (table, row_id, RECORD_FIELD, after_seq)).fetchall()
    for seq, change_id, value, hlc in records:
        later = {name for (name,) in conn.execute(
            f"SELECT DISTINCT field FROM {FIELD_VIEW} WHERE table_name = ? AND row_id = ? "
            "AND seq > ?", (table, row_id, seq))}
        conn.execute("DELETE FROM change WHERE seq = ?", (seq,))
        conn.executemany(
            "INSERT INTO change (change_id, table_name, row_id, field, value, hlc) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(field_change_id(change_id, position), table, row_id, name, field_value, hlc)
             for position, name, field_value in record_fields(value) if name not in later])
