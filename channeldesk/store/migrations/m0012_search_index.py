"""Search everywhere: a device-local full-text index over every feature's search texts.

``search_index`` is an FTS5 table of accent-folded text (folded by the app's
``text_order.sort_key`` before it is stored, so "Łódź" is found by "lodz"), rebuilt per
feature from the feature's search provider whenever that feature's tables changed;
``search_index_state`` remembers what each feature's part was built from. The deadline
radar asks for prospects' next steps by date on every dashboard paint, hence the index on
``prospect.next_step_on``. Neither has the
synced-row shape, so neither is journalled or synced: every device builds its own.
"""

import sqlite3

VERSION = 12
TITLE = "search everywhere index"

SCHEMA = """
CREATE VIRTUAL TABLE search_index USING fts5(
    body, feature UNINDEXED, tbl UNINDEXED, record_id UNINDEXED, title UNINDEXED,
    tokenize = "unicode61 remove_diacritics 2"
);
CREATE INDEX prospect_next_step ON prospect (deleted, next_step_on);
CREATE TABLE search_index_state (
    feature TEXT PRIMARY KEY NOT NULL,
    tables TEXT NOT NULL,
    fingerprint TEXT NOT NULL
);
"""


def apply(conn: sqlite3.Connection) -> None:
    # Statement by statement: executescript would commit the migrations' transaction.
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            conn.execute(statement)
