"""The change journal, enforced by SQLite triggers so that no write path can bypass it.

For every synced table (a table with ``id``, ``created_at``, ``updated_at`` and ``deleted``
columns) the triggers:

* journal an inserted row as ONE ``change`` entry (a *record entry*, whose ``field`` is
  :data:`RECORD_FIELD`), and each field an update changes as one entry per field, in
  the same transaction, stamped with the row's new ``updated_at``;
* refuse an update that does not advance ``updated_at`` (so every edit carries a fresh
  clock stamp) or that changes the id;
* refuse a hard ``DELETE``: synced rows are tombstoned (``deleted = 1``).

Remote changes applied by sync must not be journalled again; sync mutes the journal for
the span of its own transaction with :func:`muted`. The mute is a row in a real table,
so it rolls back with the transaction if anything fails and cannot leak past a crash.

Triggers are generated from the table's actual columns and re-installed after every
migration, so a column added later is journalled without anyone remembering to.

A record entry stands for one entry per non-null field of the row, with the entry's
seq and stamp and the value the row holds (see ``docs/bulk-import-and-undo.md``): an
import of 100,000 rows writes 100,000 small journal rows instead of 2.2 million. It
holds no copy of the values: every later local change of a field is journalled after it
(and wins, being later), and the writes that bypass the journal (sync applying remote
values, conflict decisions) only touch rows the server already knows, whose record
entries were pushed. The outbox expands a record entry into per-field changes with
:func:`expand_records`, each with a change id derived from the entry's
(:func:`field_change_id`), so the wire and per-field conflicts are unchanged; code that
asks whether a field has unsent entries counts a record entry as every field
(:func:`pending_fields`).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

BOOKKEEPING_COLUMNS = ("id", "created_at", "updated_at", "deleted")
UNJOURNALLED_COLUMNS = frozenset({"id", "updated_at"})
NOT_MUTED = "NOT EXISTS (SELECT 1 FROM journal_mute)"
RECORD_FIELD = "*"  # the field of a record entry: never a column name (not an identifier)


def table_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def journalled_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The columns a record entry of ``table`` stands for, in table order."""
    return [name for name in table_columns(conn, table) if name not in UNJOURNALLED_COLUMNS]


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


def _record_row(table: str) -> str:
    return (
        f"INSERT INTO change (table_name, row_id, field, value, hlc)\n"
        f"        VALUES ('{table}', NEW.id, '{RECORD_FIELD}', NULL, NEW.updated_at);"
    )


@cache
def _field_suffix(field: str) -> str:
    return hashlib.blake2b(field.encode(), digest_size=4).hexdigest()


def field_change_id(record_change_id: str, field: str) -> str:
    """The change id of one field of a record entry: the entry's random id with its last
    32 bits replaced by a hash of the field's name. Deterministic (a batch rebuilt later
    carries the same ids, so the server's idempotency holds) and as unlikely to collide
    as any 96 random bits."""
    return record_change_id[:24] + _field_suffix(field)


RecordEntry = tuple[int, str, str, str, str]  # seq, change_id, table, row_id, hlc
FieldChange = tuple[int, str, str, str, str, object, str]  # as a row of ``change``


def expand_records(conn: sqlite3.Connection, records: list[RecordEntry]
                   ) -> list[FieldChange]:
    """The per-field changes these record entries stand for, as rows shaped like the
    journal's (seq, change_id, table_name, row_id, field, value, hlc): each non-null
    journalled field of the row as it is stored now, in column order; record entries in
    the order given. A row that is gone (never, for a synced row) stands for nothing."""
    changes: list[FieldChange] = []
    for seq, change_id, table, row_id, values, hlc in record_values(conn, records):
        changes.extend((seq, field_change_id(change_id, name), table, row_id, name, value,
                        hlc) for name, value in values.items())
    return changes


RecordValues = tuple[int, str, str, str, dict[str, object], str]
# seq, change_id, table_name, row_id, {field: value}, hlc


def record_values(conn: sqlite3.Connection, records: list[RecordEntry]
                  ) -> list[RecordValues]:
    """These record entries with the values they stand for: each non-null journalled
    field of the row as it is stored now, in column order (a protocol-4 push sends them
    as one item; :func:`expand_records` as one change each). The rows are read in chunks
    of 500 by id; a row that is gone (never, for a synced row) stands for nothing."""
    by_table: dict[str, list[RecordEntry]] = {}
    for record in records:
        by_table.setdefault(record[2], []).append(record)
    rows: dict[tuple[str, str], tuple] = {}
    columns: dict[str, list[str]] = {}
    for table, entries in by_table.items():
        columns[table] = journalled_columns(conn, table)
        names = ", ".join(f'"{name}"' for name in columns[table])
        ids = sorted({entry[3] for entry in entries})
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for found in conn.execute(f'SELECT id, {names} FROM "{table}" WHERE id IN '
                                      f'({", ".join("?" * len(chunk))})', chunk):
                rows[(table, found[0])] = found[1:]
    result: list[RecordValues] = []
    for seq, change_id, table, row_id, hlc in records:
        values = rows.get((table, row_id))
        if values is not None:
            result.append((seq, change_id, table, row_id,
                           {name: value for name, value in zip(columns[table], values,
                                                                strict=True)
                            if value is not None}, hlc))
    return result


def pending_fields(conn: sqlite3.Connection, table: str, fields: set[str]) -> set[str]:
    """Fields with unsent entries, from the ``field`` values of a row's journal entries:
    a record entry counts as every field of the table."""
    if RECORD_FIELD not in fields:
        return fields
    return (fields - {RECORD_FIELD}) | set(journalled_columns(conn, table))




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
        {_record_row(table)}
    END''',
        f'''CREATE TRIGGER "{prefix}_update" AFTER UPDATE ON "{table}"
    WHEN {NOT_MUTED}
    BEGIN
        {_changed_field_rows(table, columns)}
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


def split_records(conn: sqlite3.Connection, table: str, row_id: str, after_seq: int) -> None:
    """Replace a row's record entries after ``after_seq`` by the per-field entries they
    stand for now (same stamps and change ids, new seqs), so that code which removes
    single fields from the outbox can do so. A field with a later entry is left out: the
    later entry is the one that counts, and must stay the latest. Rare (a conflict
    decision about a row whose creation is not pushed yet), so it need not be fast. Call
    inside the caller's transaction."""
    records = conn.execute(
        "SELECT seq, change_id, table_name, row_id, hlc FROM change WHERE table_name = ? "
        "AND row_id = ? AND field = ? AND seq > ? ORDER BY seq",
        (table, row_id, RECORD_FIELD, after_seq)).fetchall()
    for record in records:
        later = pending_fields(conn, table, {name for (name,) in conn.execute(
            "SELECT DISTINCT field FROM change WHERE table_name = ? AND row_id = ? "
            "AND seq > ?", (table, row_id, record[0]))})
        fields = [change[1:] for change in expand_records(conn, [record])
                  if change[4] not in later]
        conn.execute("DELETE FROM change WHERE seq = ?", (record[0],))
        conn.executemany("INSERT INTO change (change_id, table_name, row_id, field, value, "
                         "hlc) VALUES (?, ?, ?, ?, ?, ?)", fields)
