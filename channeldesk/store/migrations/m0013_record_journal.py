"""A created row is journalled as one record entry instead of one entry per field.

The journal's insert triggers change (the migration runner re-installs every trigger
after migrating, from ``journal.trigger_ddl``); this migration adds the ``change_field``
view, which reads record entries as the per-field entries they stand for, so that code
asking "does this field have unsent edits?" needs no knowledge of the format. Entries
already in the journal stay as they are: per-field entries remain valid.

An older version of the app refuses a database at this schema (it is newer than the code
it knows), so it can never misread a record entry as a field called ``*``.
"""

import sqlite3

VERSION = 13
TITLE = "one journal entry per created record"

# A record entry's field is "*"; its value a JSON object whose null members stand for
# nothing (an insert journals only non-null fields).
FIELD_VIEW = """CREATE VIEW change_field AS
    SELECT seq, table_name, row_id, field, value, hlc FROM change WHERE field != '*'
    UNION ALL
    SELECT c.seq, c.table_name, c.row_id, j.key, j.value, c.hlc
    FROM change AS c, json_each(c.value) AS j
    WHERE c.field = '*' AND j.type != 'null'"""


def apply(conn: sqlite3.Connection) -> None:
    conn.execute("DROP VIEW IF EXISTS change_field")
    conn.execute(FIELD_VIEW)
