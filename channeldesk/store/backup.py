"""Consistent copies of a database, safe while ChannelDesk has it open.

SQLite's online backup API copies a snapshot page by page; the copy is written to a
temporary file in the target folder and renamed into place, so a failed or cancelled
backup never leaves a half-written file under the requested name.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from channeldesk.store.probe import reading

PAGES_PER_STEP = 256
Progress = Callable[[int, int], None]


class BackupError(Exception):
    """The backup could not be written; the target path was left as it was."""


def backup_database(source: Path, target: Path, progress: Progress | None = None) -> Path:
    """Copy ``source`` to ``target`` atomically; returns the target path."""
    target = Path(target)
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent
        )
    except OSError as error:
        raise BackupError(f"Cannot write to {target.parent}: {error.strerror}.") from error
    os.close(handle)
    temp = Path(temp_name)
    try:
        _copy(source, temp, progress)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


def _copy(source: Path, temp: Path, progress: Progress | None) -> None:
    def report(_status: int, remaining: int, total: int) -> None:
        if progress:
            progress(total - remaining, total)

    try:
        with reading(source) as src, closing(sqlite3.connect(temp)) as dst:
            # Hold one read transaction across every step: in WAL mode it pins a snapshot,
            # so a concurrent writer neither blocks the copy nor makes it restart from
            # page 1 (without it, a busy writer restarts the backup after every step).
            src.execute("BEGIN")
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
            src.backup(dst, pages=PAGES_PER_STEP, progress=report)
            src.execute("COMMIT")
            dst.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
            dst.commit()
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy {source}: {error}.") from error
    with temp.open("rb") as written:
        os.fsync(written.fileno())
