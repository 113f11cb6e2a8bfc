"""Onboarding: templates and their steps, each partner's checklist and its tasks, the
evidence files of a task, and agreements (DESIGN.md §3: ``OnboardingTemplate`` + steps,
``OnboardingPlan`` + tasks, ``Agreement``).

A step or task may wait for another step or task of its own template or checklist
(``after_*_id``); a training step may link to a course (migration 6). Files are blob
hashes (the blob store), '' for none.
"""

import sqlite3

VERSION = 9
TITLE = "onboarding templates, checklists, evidence and agreements"

_SYNCED = """
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,"""


def _ref(column: str, table: str, null: bool = False) -> str:
    return (f"{column} TEXT {'' if null else 'NOT NULL '}REFERENCES {table} (id) "
            "DEFERRABLE INITIALLY DEFERRED,")


SCHEMA = f"""
CREATE TABLE onboarding_template ({_SYNCED}
    name TEXT NOT NULL,
    partner_type TEXT NOT NULL DEFAULT '',
    tier TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX onboarding_template_name ON onboarding_template (deleted, name);

CREATE TABLE onboarding_step ({_SYNCED}
    {_ref("template_id", "onboarding_template")}
    position INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL,
    category TEXT NOT NULL,
    owner_side TEXT NOT NULL DEFAULT 'vendor',
    offset_days INTEGER NOT NULL DEFAULT 0,
    {_ref("after_step_id", "onboarding_step", null=True)}
    required INTEGER NOT NULL DEFAULT 1,
    {_ref("course_id", "course", null=True)}
    description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX onboarding_step_template ON onboarding_step (template_id, deleted, position);

CREATE TABLE onboarding_plan ({_SYNCED}
    {_ref("partner_id", "partner")}
    {_ref("template_id", "onboarding_template")}
    template_revision INTEGER NOT NULL DEFAULT 1,
    started_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    completed_on TEXT,
    owner TEXT NOT NULL DEFAULT '',
    internal_notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX onboarding_plan_partner ON onboarding_plan (partner_id, deleted, status);
CREATE INDEX onboarding_plan_status ON onboarding_plan (deleted, status, template_id);

CREATE TABLE onboarding_task ({_SYNCED}
    {_ref("plan_id", "onboarding_plan")}
    {_ref("step_id", "onboarding_step", null=True)}
    position INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL,
    category TEXT NOT NULL,
    owner_side TEXT NOT NULL DEFAULT 'vendor',
    assignee TEXT NOT NULL DEFAULT '',
    offset_days INTEGER NOT NULL DEFAULT 0,
    {_ref("after_task_id", "onboarding_task", null=True)}
    required INTEGER NOT NULL DEFAULT 1,
    {_ref("course_id", "course", null=True)}
    description TEXT NOT NULL DEFAULT '',
    due_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    blocked_reason TEXT NOT NULL DEFAULT '',
    done_on TEXT,
    notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX onboarding_task_plan ON onboarding_task (plan_id, deleted, status, due_on);
CREATE INDEX onboarding_task_due ON onboarding_task (deleted, status, due_on);

CREATE TABLE onboarding_evidence ({_SYNCED}
    {_ref("task_id", "onboarding_task")}
    file_name TEXT NOT NULL,
    file TEXT NOT NULL DEFAULT '',
    added_on TEXT NOT NULL
);
CREATE INDEX onboarding_evidence_task ON onboarding_evidence (task_id, deleted);

CREATE TABLE agreement ({_SYNCED}
    {_ref("partner_id", "partner")}
    agreement_type TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    signed_on TEXT,
    expires_on TEXT,
    signed_file TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    {_ref("task_id", "onboarding_task", null=True)}
    internal_notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX agreement_partner ON agreement (partner_id, deleted, agreement_type);
CREATE INDEX agreement_expiry ON agreement (deleted, status, expires_on)
"""


def apply(conn: sqlite3.Connection) -> None:
    # Statement by statement: executescript would commit the migrations' transaction.
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            conn.execute(statement)
