"""Numbered schema migrations.

Each migration is a module ``mNNNN_<what>.py`` with ``VERSION``, ``TITLE`` and
``apply(conn)``. They run in order, all pending ones in a single transaction together with
the new ``schema_version`` row, and the journal triggers are re-installed at the end so
that new columns and tables are journalled. A migration never changes once released:
later schema changes are new migrations.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from channeldesk.store import journal
from channeldesk.store.migrations import (
    m0001_initial,
    m0002_sync,
    m0003_prospects,
    m0004_plans,
    m0005_journal_ids,
    m0006_courses,
    m0007_conflict_reasons,
    m0008_plan_revisions,
    m0009_onboarding,
    m0010_enablement,
    m0011_incentives,
    m0012_search_index,
    m0013_record_journal,
)


@dataclass(frozen=True)
class Migration:
    version: int
    title: str
    apply: Callable[[sqlite3.Connection], None]


MIGRATIONS: tuple[Migration, ...] = tuple(
    Migration(module.VERSION, module.TITLE, module.apply)
    for module in (m0001_initial, m0002_sync, m0003_prospects, m0004_plans,
                   m0005_journal_ids, m0006_courses, m0007_conflict_reasons,
                   m0008_plan_revisions, m0009_onboarding, m0010_enablement,
                   m0011_incentives, m0012_search_index,
                   m0013_record_journal)
)
CURRENT_VERSION = MIGRATIONS[-1].version


def current_version() -> int:
    """The schema this code writes; read at call time so tests can add a migration."""
    return MIGRATIONS[-1].version


def read_version(conn: sqlite3.Connection) -> int:
    """The schema version of an open database; 0 for a database without our tables."""
    if not _has_table(conn, "schema_version"):
        return 0
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def pending(from_version: int) -> list[Migration]:
    return [m for m in MIGRATIONS if m.version > from_version]


def _apply_unjournalled(conn: sqlite3.Connection, step: Migration) -> None:
    """Run one migration with the journal muted (once the journal exists).

    Every device runs the same migration, so a backfill of a synced table is not an edit
    to sync: journalling it would send the same change from every device.
    """
    if not _has_table(conn, "journal_mute"):
        step.apply(conn)
        return
    with journal.muted(conn, f"migration {step.version}"):
        step.apply(conn)


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone() is not None


def migrate(conn: sqlite3.Connection, from_version: int) -> int:
    """Apply every pending migration in one transaction; returns the new version."""
    steps = pending(from_version)
    if not steps:
        return from_version
    conn.execute("BEGIN IMMEDIATE")
    try:
        for step in steps:
            _apply_unjournalled(conn, step)
            conn.execute(
                "INSERT INTO schema_version (version, title, applied_at) VALUES (?, ?, ?)",
                (step.version, step.title, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        journal.install_triggers(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return steps[-1].version
