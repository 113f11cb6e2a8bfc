"""Joint business plans: the plan, its objectives, targets, commitments, activities and
signatures (DESIGN.md §3 entity map: ``BusinessPlan`` and its parts).

Money columns are integer minor units in the plan's currency. A target row is either for
the whole period (``quarter`` = '') or for one quarter inside it ('2026-Q3').
"""

import sqlite3

VERSION = 4
TITLE = "business plans with objectives, targets, commitments, activities and signatures"

_SYNCED = """
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,"""

_PLAN_REF = ("plan_id TEXT NOT NULL REFERENCES business_plan (id) "
             "DEFERRABLE INITIALLY DEFERRED,")

SCHEMA = f"""
CREATE TABLE business_plan ({_SYNCED}
    partner_id TEXT NOT NULL REFERENCES partner (id) DEFERRABLE INITIALLY DEFERRED,
    period TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    title TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT 'EUR',
    summary TEXT NOT NULL DEFAULT '',
    partner_logo TEXT NOT NULL DEFAULT '',
    internal_notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX business_plan_partner ON business_plan (partner_id, deleted, period);

CREATE TABLE plan_objective ({_SYNCED}
    {_PLAN_REF}
    position INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL
);
CREATE INDEX plan_objective_plan ON plan_objective (plan_id, deleted, position);

CREATE TABLE plan_target ({_SYNCED}
    {_PLAN_REF}
    position INTEGER NOT NULL DEFAULT 0,
    metric TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    quarter TEXT NOT NULL DEFAULT '',
    target INTEGER NOT NULL DEFAULT 0,
    actual INTEGER,
    internal_notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_target_plan ON plan_target (plan_id, deleted, position);

CREATE TABLE plan_commitment ({_SYNCED}
    {_PLAN_REF}
    position INTEGER NOT NULL DEFAULT 0,
    side TEXT NOT NULL,
    text TEXT NOT NULL,
    due_on TEXT,
    done INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX plan_commitment_plan ON plan_commitment (plan_id, deleted, position);

CREATE TABLE plan_activity ({_SYNCED}
    {_PLAN_REF}
    position INTEGER NOT NULL DEFAULT 0,
    activity_group TEXT NOT NULL,
    title TEXT NOT NULL,
    owner_side TEXT NOT NULL DEFAULT 'partner',
    owner_name TEXT NOT NULL DEFAULT '',
    due_on TEXT,
    status TEXT NOT NULL DEFAULT 'planned',
    budget INTEGER,
    internal_notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_activity_plan ON plan_activity (plan_id, deleted, activity_group, position);

CREATE TABLE plan_signature ({_SYNCED}
    {_PLAN_REF}
    side TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    signed_on TEXT
);
CREATE INDEX plan_signature_plan ON plan_signature (plan_id, deleted, side);
"""


def apply(conn: sqlite3.Connection) -> None:
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            conn.execute(statement)
