"""Writing remote values into local synced rows with plain SQL, and re-journalling.

Sync writes rows itself rather than through ``Store.update``: a remote value must not be
journalled again (the caller mutes the journal), must not get a fresh local clock stamp,
and may arrive before the row exists (fields of one row can span pages). Table and
column names are only ever taken from the local schema (:class:`LocalSchema`), never
from the server's text, before they are put into SQL.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from channeldesk.store.journal import UNJOURNALLED_COLUMNS, synced_tables

IN_CHUNK = 400
NUMERIC_TYPES = ("INT", "REAL", "FLOA", "DOUB", "NUM", "BOOL")


@dataclass(frozen=True)
class Column:
    name: str
    declared_type: str
    not_null: bool
    default_sql: str | None


class LocalSchema:
    """The synced tables and columns of this database, read from SQLite itself."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.columns: dict[str, dict[str, Column]] = {}
        for table in synced_tables(conn):
            self.columns[table] = {
                row[1]: Column(row[1], (row[2] or "").upper(), bool(row[3]), row[4])
                for row in conn.execute(f'PRAGMA table_info("{table}")')}
        self.parent_columns: dict[str, frozenset[str]] = {
            table: frozenset(row[3] for row in conn.execute(
                f'PRAGMA foreign_key_list("{table}")')) for table in self.columns}
        self._conn = conn
        # Every (table, field) ``knows`` accepts, for checking a page's values at once.
        self.known_fields = frozenset((table, name) for table, columns in self.columns.items()
                                      for name in columns if self.knows(table, name))

    def knows(self, table: str, field: str) -> bool:
        """A field sync may write: a journalled column of a synced table."""
        columns = self.columns.get(table)
        return columns is not None and field in columns and field not in UNJOURNALLED_COLUMNS

    def missing_parent(self, table: str, fields: dict[str, Any]) -> bool:
        """Whether a new row would lack a NOT NULL reference to its parent: created now
        with a placeholder, it would point at no row until the field arrived."""
        columns = self.columns[table]
        return any(columns[name].not_null and name not in fields
                   for name in self.parent_columns[table])

    def placeholders(self, table: str) -> dict[str, Any]:
        """Values for a row created before its fields arrive: NULL where allowed (as the
        sender has it when a field was never journalled), '' or 0 for NOT NULL columns
        without a default; columns with a default take it."""
        values: dict[str, Any] = {}
        for column in self.columns[table].values():
            if column.name in ("id", "created_at", "updated_at", "deleted"):
                continue
            if not column.not_null:
                values[column.name] = None
            elif column.default_sql is None:
                values[column.name] = _zero(column)
        return values

    def blank_value(self, table: str, field: str) -> Any:
        """What a field holds in a row that never received it (see placeholders)."""
        column = self.columns[table][field]
        if column.default_sql is not None:
            return self._conn.execute(f"SELECT {column.default_sql}").fetchone()[0]
        return None if not column.not_null else _zero(column)


def _zero(column: Column) -> Any:
    return 0 if any(word in column.declared_type for word in NUMERIC_TYPES) else ""


def load_rows(conn: sqlite3.Connection, table: str,
              row_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Local rows by id (tombstoned ones too); ``table`` must come from LocalSchema."""
    found: dict[str, dict[str, Any]] = {}
    ids = sorted(set(row_ids))
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start:start + IN_CHUNK]
        cursor = conn.execute(f'SELECT * FROM "{table}" WHERE id IN '
                              f'({", ".join("?" * len(chunk))})', chunk)
        names = [item[0] for item in cursor.description]
        for row in cursor:
            values = dict(zip(names, row, strict=True))
            found[values["id"]] = values
    return found


def write_row(conn: sqlite3.Connection, schema: LocalSchema, table: str, row_id: str,
              fields: dict[str, Any], hlc: str, exists: bool) -> None:
    """Set fields of a row (creating it when missing); updated_at only moves forward."""
    if exists:
        assignments = ", ".join(f'"{name}" = ?' for name in fields)
        conn.execute(f'UPDATE "{table}" SET {assignments}{", " if fields else ""}'
                     f'updated_at = max(updated_at, ?) WHERE id = ?',
                     (*fields.values(), hlc, row_id))
        return
    insert_rows(conn, schema, table, [(row_id, fields, hlc)])


def insert_rows(conn: sqlite3.Connection, schema: LocalSchema, table: str,
                rows: Iterable[tuple[str, dict[str, Any], str]]) -> None:
    """Create rows missing here from (id, fields, hlc): one prepared INSERT per set of
    columns, executed for all rows that have that set (a first sync creates thousands
    of rows a page, nearly all with every column)."""
    placeholders = schema.placeholders(table)
    by_columns: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
    for row_id, fields, hlc in rows:
        values = {**placeholders, "created_at": hlc, **fields, "id": row_id,
                  "updated_at": hlc}
        by_columns[tuple(values)].append(tuple(values.values()))
    for names, batch in by_columns.items():
        columns = ", ".join(f'"{name}"' for name in names)
        conn.executemany(f'INSERT INTO "{table}" ({columns}) VALUES '
                         f'({", ".join("?" * len(names))})', batch)


def remove_row(conn: sqlite3.Connection, table: str, row_id: str) -> None:
    """Really delete a row the server no longer has (the caller mutes the journal)."""
    conn.execute(f'DELETE FROM "{table}" WHERE id = ?', (row_id,))


def journal_again(conn: sqlite3.Connection, table: str, row_id: str, field: str,
                  value: Any, hlc: str) -> str:
    """Put a field's value in the outbox again, as if it had just been edited.

    Used when the value is already in the row (so an UPDATE would journal nothing):
    keeping "mine" in a conflict, or re-sending what a restored server lost (see
    ``state.note_resent``). Returns the entry's change id. The row's
    updated_at moves to the new stamp; that column is not journalled, so only the
    explicit entry is.
    """
    conn.execute(f'UPDATE "{table}" SET updated_at = max(updated_at, ?) WHERE id = ?',
                 (hlc, row_id))
    cursor = conn.execute("INSERT INTO change (table_name, row_id, field, value, hlc) "
                          "VALUES (?, ?, ?, ?, ?)", (table, row_id, field, value, hlc))
    return conn.execute("SELECT change_id FROM change WHERE seq = ?",
                        (cursor.lastrowid,)).fetchone()[0]
