"""The first schema: bookkeeping tables, the change journal, partners and engagement."""

import sqlite3

VERSION = 1
TITLE = "partners, contacts, activities and the change journal"

# Foreign keys are DEFERRABLE INITIALLY DEFERRED so that sync can apply a page of remote
# rows in any order within one transaction.
SCHEMA = """
CREATE TABLE schema_version (
    version INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    applied_at TEXT NOT NULL
);

CREATE TABLE local_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO local_meta (key, value) VALUES ('device_id', lower(hex(randomblob(8))));

CREATE TABLE change (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value,
    hlc TEXT NOT NULL
);
CREATE INDEX change_row ON change (table_name, row_id);

CREATE TABLE journal_mute (reason TEXT NOT NULL);

CREATE TABLE partner (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    partner_type TEXT NOT NULL,
    tier TEXT NOT NULL,
    status TEXT NOT NULL,
    region TEXT NOT NULL,
    country TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    internal_notes TEXT NOT NULL DEFAULT ''
);

CREATE TABLE contact (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    partner_id TEXT NOT NULL REFERENCES partner (id) DEFERRABLE INITIALLY DEFERRED,
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    is_primary INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contact_partner ON contact (partner_id, deleted);

CREATE TABLE activity (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    partner_id TEXT NOT NULL REFERENCES partner (id) DEFERRABLE INITIALLY DEFERRED,
    kind TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    subject TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    internal_only INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX activity_partner_date ON activity (partner_id, deleted, occurred_on);
"""


def apply(conn: sqlite3.Connection) -> None:
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            conn.execute(statement)
