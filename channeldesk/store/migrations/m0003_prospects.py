"""Recruitment: prospects, their stage history and activities, the ideal partner profile.

Synced tables (journalled like every other): ``prospect``, ``prospect_stage_change``,
``prospect_activity``, ``ideal_partner_profile``, ``profile_criterion``.

Local tables (derived on each device, never synced, never journalled; they lack the
synced-row shape so the journal installs no triggers on them):

* ``prospect_search``: the accent-folded search text and sort key of each prospect;
* ``prospect_fit``: each prospect's fit score and its readable breakdown;
* ``prospect_stale``: ids whose derived rows must be recomputed. Plain-SQL triggers fill
  it on every insert or update, whatever the write path (the app, sync, a raw
  connection), and the store layer folds and scores those rows before it next reads them
  (``store/prospect_derived.py``). Folding needs Python (``domain/text_order.py``), which
  a trigger on a raw connection could not call.

The parent columns of the child tables (``prospect_id``, ``profile_id``) are nullable in
SQL although the app always sets them. That was a work-around, kept because released
migrations never change: sync used to create a row whose fields span two pulled pages
with placeholders, and a NOT NULL parent column got '' there. Since then sync creates a
row only once its parent reference has arrived (``sync/rows.py``, ``missing_parent``),
so new tables declare parent columns NOT NULL, as migration 4 does
(``docs/adding-a-feature.md``).
"""

import sqlite3

VERSION = 3
TITLE = "prospects, stage history, prospect activities and the ideal partner profile"

SCHEMA = """
CREATE TABLE prospect (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    company TEXT NOT NULL,
    website TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    vertical TEXT NOT NULL DEFAULT '',
    employees INTEGER,
    annual_revenue_minor INTEGER,
    currency TEXT NOT NULL DEFAULT 'USD',
    partner_type TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    stage TEXT NOT NULL DEFAULT 'identified',
    lost_reason TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT '',
    next_step TEXT NOT NULL DEFAULT '',
    next_step_on TEXT,
    contact_name TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    competencies TEXT NOT NULL DEFAULT '',
    competitors TEXT NOT NULL DEFAULT '',
    internal_notes TEXT NOT NULL DEFAULT '',
    converted_partner_id TEXT REFERENCES partner (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX prospect_stage ON prospect (deleted, stage);

CREATE TABLE prospect_stage_change (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    prospect_id TEXT REFERENCES prospect (id) DEFERRABLE INITIALLY DEFERRED,
    from_stage TEXT NOT NULL DEFAULT '',
    to_stage TEXT NOT NULL,
    changed_on TEXT NOT NULL,
    changed_by TEXT NOT NULL DEFAULT '',
    lost_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX prospect_stage_change_prospect ON prospect_stage_change (prospect_id, deleted);

CREATE TABLE prospect_activity (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    prospect_id TEXT REFERENCES prospect (id) DEFERRABLE INITIALLY DEFERRED,
    kind TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    subject TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    internal_only INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX prospect_activity_prospect_date
    ON prospect_activity (prospect_id, deleted, occurred_on);

CREATE TABLE ideal_partner_profile (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL
);

CREATE TABLE profile_criterion (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    profile_id TEXT REFERENCES ideal_partner_profile (id)
        DEFERRABLE INITIALLY DEFERRED,
    attribute TEXT NOT NULL,
    operator TEXT NOT NULL,
    choices TEXT NOT NULL DEFAULT '',
    low INTEGER,
    high INTEGER,
    weight INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX profile_criterion_profile ON profile_criterion (profile_id, deleted);

CREATE TABLE prospect_search (
    prospect_id TEXT PRIMARY KEY NOT NULL,
    live INTEGER NOT NULL DEFAULT 1,
    company_key TEXT NOT NULL,
    owner_key TEXT NOT NULL,
    text_key TEXT NOT NULL
) WITHOUT ROWID;
-- Typing in the search box with the list in company order reads this index alone: in
-- order, the text tested in the index entry, no row of prospect touched.
CREATE INDEX prospect_search_order ON prospect_search (live, company_key, prospect_id, text_key);

CREATE TABLE prospect_fit (
    prospect_id TEXT PRIMARY KEY NOT NULL,
    score INTEGER,
    breakdown TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE prospect_stale (
    prospect_id TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER prospect_stale_insert AFTER INSERT ON prospect
BEGIN
    INSERT OR IGNORE INTO prospect_stale (prospect_id) VALUES (NEW.id);
END;

CREATE TRIGGER prospect_stale_update AFTER UPDATE ON prospect
BEGIN
    INSERT OR IGNORE INTO prospect_stale (prospect_id) VALUES (NEW.id);
END;
"""


def apply(conn: sqlite3.Connection) -> None:
    # Split where SQLite says a statement is complete: trigger bodies hold semicolons.
    statement = ""
    for line in SCHEMA.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        conn.execute(statement)
