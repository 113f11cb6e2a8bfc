"""Open the database for a command, and never create one by mistake.

Commands that only read (exports, screenshots) refuse a path that holds no database
rather than let SQLite create an empty file there: a mistyped ``--db`` would otherwise
export nothing and exit 0, and leave a stray empty database behind. Commands that write
(import, demo, plan new) may start a new database, as the app does.
"""

from __future__ import annotations

from pathlib import Path

from channeldesk.cli.errors import EXIT_DATABASE, CommandError
from channeldesk.paths import resolve_db_path
from channeldesk.store import Store, open_store


def existing_db_path(db_arg: str | None) -> Path:
    """The database a read command works on; refused (exit 3) when it holds no data."""
    path, _ = resolve_db_path(db_arg)
    path = path.expanduser().absolute()
    if path.is_dir():
        raise CommandError(EXIT_DATABASE, f"{path} is a folder, not a database. Check the "
                                          "path given with --db.")
    if not path.exists():
        raise CommandError(EXIT_DATABASE, f"There is no database at {path}. Check the path "
                                          "given with --db; nothing was created.")
    if path.stat().st_size == 0:
        raise CommandError(EXIT_DATABASE, f"{path} is an empty file, not a ChannelDesk "
                                          "database. Check the path given with --db; the "
                                          "file was left as it is.")
    return path


def open_existing(db_arg: str | None) -> Store:
    """Open the database a read command works on (see :func:`existing_db_path`)."""
    return open_store(existing_db_path(db_arg))
