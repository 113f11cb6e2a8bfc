"""Why a conflict exists: the server refused the change, or a pulled value was invalid.

``kind`` is 'conflict' (someone else changed the field: the rows before this version),
'rejected' (the server refused the pushed value; ``reason`` says why) or 'quarantined'
(a pulled value this version's rules do not allow was kept aside, not written into the
row). Only conflicts and rejections hold the field against pulled values; a quarantined
value is replaced by the next valid one the server sends.
"""

import sqlite3

VERSION = 7
TITLE = "conflict kinds and reasons"

STATEMENTS = (
    "ALTER TABLE conflict ADD COLUMN kind TEXT NOT NULL DEFAULT 'conflict'",
    "ALTER TABLE conflict ADD COLUMN reason TEXT",
)


def apply(conn: sqlite3.Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
