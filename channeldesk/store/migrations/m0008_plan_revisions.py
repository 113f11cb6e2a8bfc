"""Plan revisions: a signed plan is amended by a new draft that links to it.

``amends_id`` points from the new revision to the signed plan it amends (NULL for a first
plan); ``revision`` numbers them (1 for a first plan), so the list and the editor say
"revision 2" without walking the chain.
"""

import sqlite3

VERSION = 8
TITLE = "plan revisions"

STATEMENTS = (
    "ALTER TABLE business_plan ADD COLUMN amends_id TEXT REFERENCES business_plan (id) "
    "DEFERRABLE INITIALLY DEFERRED",
    "ALTER TABLE business_plan ADD COLUMN revision INTEGER NOT NULL DEFAULT 1",
    "CREATE INDEX business_plan_amends ON business_plan (amends_id)",
)


def apply(conn: sqlite3.Connection) -> None:
    # Statement by statement: executescript would commit the migrations' transaction.
    for statement in STATEMENTS:
        conn.execute(statement)
