"""Consistent copies of a database, safe while ChannelDesk has it open.

SQLite's online backup API copies a snapshot page by page into a temporary file that
``output_files.output_file`` puts in place only when complete, so a failed or cancelled
backup (a full disk included) leaves neither a half-written file under the requested name
nor the temporary copy or its journal beside it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from channeldesk.output_files import OutputRefused, OutputWriteError, output_file
from channeldesk.store.probe import reading

PAGES_PER_STEP = 256
Progress = Callable[[int, int], None]


class BackupError(Exception):
    """The backup could not be written; the target path was left as it was."""


def backup_database(source: Path, target: Path, progress: Progress | None = None) -> Path:
    """Copy ``source`` to ``target`` atomically; returns the target path."""
    target = Path(target)
    try:
        with output_file(target, suffix=".partial") as temp:
            _copy(source, temp, progress)
    except (OutputRefused, OutputWriteError) as error:
        raise BackupError(str(error)) from error
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
        if "full" in str(error).lower():
            raise BackupError(f"The disk holding {temp.parent} is full, so the copy of "
                              f"{source.name} did not fit. Free some space or choose "
                              "another disk.") from error
        raise BackupError(f"SQLite could not copy {source}: {error}.") from error
