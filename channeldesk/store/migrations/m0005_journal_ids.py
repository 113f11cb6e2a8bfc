"""The journal's change ids lose their UNIQUE index.

A change id is 128 random bits made by SQLite (``randomblob(16)``); the server keeps them
unique per team, and nothing on this device looks a change up by its id. The UNIQUE
constraint therefore guarded against nothing that can happen, but its index took a random
B-tree insert for every journal row — more than half the cost of writing the journal
(an import of 100,000 prospects writes 2.2 million journal rows).

SQLite cannot drop a constraint, so the table is rebuilt with the same rows, seqs and
ids. The highest seq ever handed out (``sqlite_sequence``) is carried over: unsent edits
can be deleted from the journal, and a seq must never be reused, or an edit could be taken
for one already pushed. The journal triggers name the table, so they are dropped first;
the migration runner installs them again afterwards.
"""

import sqlite3

VERSION = 5
TITLE = "journal change ids without a unique index"

NEW_TABLE = """
CREATE TABLE change_rebuilt (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id TEXT NOT NULL DEFAULT (lower(hex(randomblob(16)))),
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value,
    hlc TEXT NOT NULL
)
"""


def apply(conn: sqlite3.Connection) -> None:
    highest = conn.execute("SELECT coalesce(max(seq), 0) FROM sqlite_sequence "
                           "WHERE name = 'change'").fetchone()[0]
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                "AND name LIKE 'journal%'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute(NEW_TABLE)
    conn.execute("INSERT INTO change_rebuilt (seq, change_id, table_name, row_id, field, "
                 "value, hlc) SELECT seq, change_id, table_name, row_id, field, value, hlc "
                 "FROM change ORDER BY seq")
    conn.execute("DROP TABLE change")
    conn.execute("ALTER TABLE change_rebuilt RENAME TO change")
    conn.execute("CREATE INDEX change_row ON change (table_name, row_id)")
    kept = conn.execute("SELECT coalesce(max(seq), 0) FROM change").fetchone()[0]
    conn.execute("DELETE FROM sqlite_sequence WHERE name IN ('change', 'change_rebuilt')")
    conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('change', ?)",
                 (max(highest, kept),))
