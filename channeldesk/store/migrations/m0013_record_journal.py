"""A created row is journalled as one record entry instead of one entry per field.

Only the journal's insert triggers change, and the migration runner re-installs every
trigger after migrating (from ``journal.trigger_ddl``), so this step writes nothing
itself. It exists so that the schema version says which journal format the file holds:
an older version of the app refuses a database at a schema newer than it knows, so it
can never misread a record entry (``field = '*'``) as a field of that name. Entries
already in the journal stay as they are; per-field entries remain valid.
"""

import sqlite3

VERSION = 13
TITLE = "one journal entry per created record"


def apply(conn: sqlite3.Connection) -> None:
    """Nothing to change in the tables: the new triggers are installed after migrating."""
    del conn
