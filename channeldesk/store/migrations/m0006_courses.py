"""Courses: the training a partner's people take. Shared by Onboarding (training steps
link to a course) and Enablement (enrolments and certifications)."""

import sqlite3

VERSION = 6
TITLE = "courses"

SCHEMA = """
CREATE TABLE course (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL,
    product TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL DEFAULT 'foundation',
    duration_hours INTEGER NOT NULL DEFAULT 0,
    validity_months INTEGER NOT NULL DEFAULT 0,
    url TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX course_title ON course (deleted, title);
"""


def apply(conn: sqlite3.Connection) -> None:
    # Statement by statement: executescript would commit the migrations' transaction.
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            conn.execute(statement)
