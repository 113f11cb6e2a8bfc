"""Is a database file healthy? Answered without changing a byte of it.

``channeldesk check`` runs this before a user trusts a file, restores a backup or files a
bug report. Unlike opening the store, it needs no write access (a file on a read-only share
or a backup on a locked-down disk can still be checked) and it never migrates: everything
runs through a read-only SQLite connection.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from channeldesk.store import migrations
from channeldesk.store.errors import StoreOpenError
from channeldesk.store.probe import OWN_TABLES, SQLITE_HEADER, classify_sqlite_error, reading

MAX_INTEGRITY_MESSAGES = 20


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one file; ``reason`` is one line a user can act on (without the path)."""

    ok: bool
    reason: str
    schema_version: int = 0
    integrity: tuple[str, ...] = ()
    foreign_key_violations: int = 0
    notes: tuple[str, ...] = field(default=())


def _failed(reason: str, version: int = 0, **details) -> CheckResult:
    return CheckResult(ok=False, reason=reason, schema_version=version, **details)


def check_database(path: Path) -> CheckResult:
    """Integrity, foreign keys and schema version of the file at ``path``."""
    path = Path(path).expanduser().absolute()
    problem = _location_problem(path)
    if problem:
        return _failed(problem)
    try:
        with reading(path) as conn:
            return _inspect(conn)
    except sqlite3.Error as error:
        return _failed(_sqlite_reason(path, error))


def _location_problem(path: Path) -> str | None:
    """Reasons to stop before SQLite ever opens the file (it would create a missing one)."""
    if path.is_dir():
        return "this is a folder, not a database file."
    if not path.exists():
        return "the file does not exist. Check the path, or create it with 'channeldesk demo'."
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        return f"the file cannot be read ({error.strerror}). Check that you may read it."
    if not header:
        return "the file is empty: it holds no ChannelDesk data yet."
    if header != SQLITE_HEADER:
        return "this is not a ChannelDesk database (not a SQLite file at all)."
    return None


def _sqlite_reason(path: Path, error: sqlite3.Error) -> str:
    opened: StoreOpenError = classify_sqlite_error(path, error)
    return f"{opened.detail} {opened.hint}"


def _inspect(conn: sqlite3.Connection) -> CheckResult:
    """The checks proper; version first, because a foreign or newer file ends the check."""
    version = migrations.read_version(conn)
    tables = _tables(conn)
    if version == 0 and not tables:
        return _failed("the file is an empty SQLite database: it holds no ChannelDesk data.")
    if version == 0 or not tables >= OWN_TABLES:
        return _failed("this is a SQLite database, but not a ChannelDesk one.", version)
    current = migrations.current_version()
    if version > current:
        return _failed(
            f"schema {version} was written by a newer ChannelDesk (this version reads up to "
            f"{current}). Install the newer version to use it.", version,
        )
    integrity = _integrity(conn)
    if integrity != ("ok",):
        more = f" and {len(integrity) - 1} more problem(s)" if len(integrity) > 1 else ""
        return _failed(
            f"the database file is damaged ({integrity[0]}{more}). Restore it from a backup; "
            "the damaged file was left as it is.",
            version, integrity=integrity,
        )
    violations = _foreign_key_violations(conn)
    if violations and _downloading(conn):
        return CheckResult(
            ok=True,
            reason=f"schema {version}, integrity ok, a team data download is in progress",
            schema_version=version, integrity=integrity,
            foreign_key_violations=len(violations),
            notes=(f"{len(violations)} record(s) arrived before the records they belong to "
                   "(the download comes table by table); the next sync completes it.",
                   *_upgrade_note(version)),
        )
    if violations:
        first = violations[0]
        return _failed(
            f"{len(violations)} row(s) point to rows that do not exist (first: {first[0]} "
            f"row {first[1]} → {first[2]}). Restore from a backup or report it.",
            version, integrity=integrity, foreign_key_violations=len(violations),
        )
    return CheckResult(
        ok=True,
        reason=f"schema {version}, integrity ok, foreign keys ok",
        schema_version=version,
        integrity=integrity,
        notes=_upgrade_note(version),
    )


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )}


def _integrity(conn: sqlite3.Connection) -> tuple[str, ...]:
    """("ok",) or one problem per item; SQLite may pack several lines into one row."""
    rows = conn.execute(f"PRAGMA integrity_check({MAX_INTEGRITY_MESSAGES})").fetchall()
    lines = [line.strip() for row in rows for line in str(row[0]).splitlines()]
    return tuple(line for line in lines if line and not line.startswith("***"))


def _foreign_key_violations(conn: sqlite3.Connection) -> list[tuple]:
    """Rows of ``PRAGMA foreign_key_check``: (table, rowid, parent table, fk index)."""
    return conn.execute("PRAGMA foreign_key_check").fetchall()


def _downloading(conn: sqlite3.Connection) -> bool:
    """Whether a sync stopped in the middle of downloading the team's data (a snapshot
    arrives ordered by table, so child records can come before their parents)."""
    if "sync_state" not in _tables(conn):
        return False
    return conn.execute("SELECT 1 FROM sync_state WHERE key = 'snapshot_mode'").fetchone() \
        is not None


def _upgrade_note(version: int) -> tuple[str, ...]:
    current = migrations.current_version()
    if version < current:
        return (f"It will be upgraded to schema {current} (after a backup) when ChannelDesk "
                f"next opens it.",)
    return ()
