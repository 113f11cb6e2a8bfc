"""Look at a database file read-only before anything writes to it.

Opening a file for writing can change it (WAL mode rewrites the header, a migration
rewrites tables), so every reason to refuse a file is found here first, through a
read-only connection. A refused file keeps every byte it had.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from channeldesk.paths import cache_dir
from channeldesk.store import migrations
from channeldesk.store.errors import OpenFailure, StoreOpenError

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 2.0
SIDE_FILES = ("-wal", "-shm")
# Tables every ChannelDesk database has had since schema 1; a file with a schema_version
# table but without these belongs to another program.
OWN_TABLES = frozenset({"schema_version", "local_meta", "change"})


@dataclass(frozen=True)
class Probe:
    """What a file holds before it is opened for writing."""

    path: Path
    exists: bool
    version: int
    empty: bool = False  # an existing 0-byte file, accepted as a new database

    @property
    def needs_migration(self) -> bool:
        return self.version < migrations.current_version()


def read_only_connection(path: Path, immutable: bool = False) -> sqlite3.Connection:
    """A connection that cannot write to the file, whatever SQL runs on it.

    Reading a WAL database read-only creates -wal/-shm files that the connection never
    deletes; use :func:`reading` to have them tidied away again. ``immutable`` reads the
    file alone, creating nothing, for a file in a folder nobody can write to.
    """
    uri = f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)


def _in_read_only_folder(path: Path) -> bool:
    """Nobody can write beside the file, and no WAL holds changes the file lacks: it can
    be read as immutable (a WAL database otherwise needs a -shm file it cannot create)."""
    return not os.access(path.parent, os.W_OK) and not Path(f"{path}-wal").exists()


def _connect_for_reading(path: Path) -> sqlite3.Connection:
    conn = read_only_connection(path)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        conn.close()
        if not _in_read_only_folder(path):
            raise
        return read_only_connection(path, immutable=True)
    return conn


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection that leaves no new files beside the database, also in a
    read-only folder (a backup on a locked-down share, a read-only mount)."""
    existing = _side_files(path)
    try:
        conn = _connect_for_reading(path)
    except sqlite3.Error:
        _drop_new_side_files(path, existing)
        raise
    try:
        yield conn
    finally:
        conn.close()
        _drop_new_side_files(path, existing)


def classify_sqlite_error(path: Path, error: sqlite3.Error) -> StoreOpenError:
    """Turn SQLite's terse messages into an error a user can act on."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return StoreOpenError(
            OpenFailure.LOCKED, path, "the database is in use by another program."
        )
    if "not a database" in text:
        return StoreOpenError(OpenFailure.NOT_A_DATABASE, path, "this file is not a database.")
    if "malformed" in text or "corrupt" in text:
        return StoreOpenError(OpenFailure.CORRUPT, path, "the database file is damaged.")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StoreOpenError(
            OpenFailure.READ_ONLY, path, "ChannelDesk cannot write to this file or its folder."
        )
    return StoreOpenError(OpenFailure.CORRUPT, path, f"SQLite could not read it ({error}).")


def _check_location(path: Path) -> None:
    if path.is_dir():
        raise StoreOpenError(OpenFailure.IS_FOLDER, path, "this is a folder, not a file.")
    if not path.parent.is_dir():
        raise StoreOpenError(
            OpenFailure.MISSING_FOLDER, path, f"the folder {path.parent} does not exist."
        )


def _read_header(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER))
    except PermissionError:
        raise StoreOpenError(
            OpenFailure.UNREADABLE, path, "you are not allowed to read this file."
        ) from None


def _inspect_schema(path: Path) -> int:
    try:
        with reading(path) as conn:
            return _schema_version(path, conn)
    except sqlite3.Error as error:
        raise classify_sqlite_error(path, error) from error


# The change journal is most of a mature file and is only appended to; checking it on
# every start would cost seconds at 100,000 partners. `channeldesk check` covers it all.
UNCHECKED_AT_OPEN = frozenset({"change"})


# In the user's cache folder, per database path: what the file looked like when
# ChannelDesk last closed it cleanly ("size:mtime_ns"). A file that still looks exactly so,
# with no WAL left over, holds only what SQLite wrote for us since a check passed, so the
# open-time check is skipped: at 100,000 prospects it costs more than the rest of start-up.
# A crash, another program or a copied-in file changes the stamp, and the whole check runs
# again. Kept out of the database's folder: a refused or untouched file gets no neighbours.


def _verified_record(path: Path) -> Path:
    digest = hashlib.sha256(str(path.absolute()).encode("utf-8")).hexdigest()[:32]
    return cache_dir() / "verified" / digest


def _file_stamp(path: Path) -> str | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def unchanged_since_verified(path: Path) -> bool:
    """The file is as ChannelDesk left it after a clean close of a checked file."""
    if Path(f"{path}-wal").exists():
        return False
    try:
        remembered = _verified_record(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return remembered == _file_stamp(path)


def remember_verified(path: Path) -> None:
    """After the last connection closed cleanly (no WAL left): stamp the file as checked.

    Best effort: a folder that cannot be written just means a full check next time.
    """
    stamp = _file_stamp(path)
    if stamp is None or Path(f"{path}-wal").exists():
        return
    record = _verified_record(path)
    with suppress(OSError):
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(stamp + "\n", encoding="ascii")



def _quick_check(path: Path, conn: sqlite3.Connection) -> None:
    """Refuse a damaged file: every table a user works with, and its indexes."""
    if unchanged_since_verified(path):
        return
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )]
    for table in tables:
        if table in UNCHECKED_AT_OPEN:
            continue
        verdict = conn.execute(f'PRAGMA quick_check("{table}")').fetchone()[0]
        if verdict != "ok":
            raise StoreOpenError(
                OpenFailure.CORRUPT, path, f"the database file is damaged ({verdict})."
            )


def _schema_version(path: Path, conn: sqlite3.Connection) -> int:
    _quick_check(path, conn)
    version = migrations.read_version(conn)
    tables = {row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )}
    if (version == 0 and tables) or (version > 0 and not tables >= OWN_TABLES):
        raise StoreOpenError(
            OpenFailure.FOREIGN_DATABASE, path,
            "this is a SQLite database, but not a ChannelDesk one.",
        )
    return version


def _side_files(path: Path) -> set[str]:
    return {suffix for suffix in SIDE_FILES if Path(f"{path}{suffix}").exists()}


def _drop_new_side_files(path: Path, existing: set[str]) -> None:
    """Remove the -wal/-shm files that reading a WAL database read-only left behind.

    A read-only connection creates them but never deletes them. Letting SQLite do it is
    the only safe way: the last read-write connection to close checkpoints (nothing, the
    WAL is empty) and deletes them, and leaves them alone while anyone else has the file
    open. A refused file thus gets no new neighbours.
    """
    if _side_files(path) <= existing:
        return
    try:
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return
    try:
        conn.execute("PRAGMA query_only = 1")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        pass
    finally:
        conn.close()


def _check_writable(path: Path, exists: bool) -> None:
    folder_ok = os.access(path.parent, os.W_OK | os.X_OK)
    file_ok = not exists or os.access(path, os.W_OK)
    if not (folder_ok and file_ok):
        raise StoreOpenError(
            OpenFailure.READ_ONLY, path, "ChannelDesk cannot write to this file or its folder."
        )


def probe(path: Path) -> Probe:
    """Everything that decides whether the file may be opened, found without writing."""
    _check_location(path)
    exists = path.exists()
    empty = exists and path.stat().st_size == 0
    if exists and not empty:
        if _read_header(path) != SQLITE_HEADER:
            raise StoreOpenError(
                OpenFailure.NOT_A_DATABASE, path, "this file is not a ChannelDesk database."
            )
        version = _inspect_schema(path)
    else:
        version = 0
    current = migrations.current_version()
    if version > current:
        raise StoreOpenError(
            OpenFailure.NEWER_SCHEMA, path,
            f"it was written by a newer ChannelDesk (schema {version}; this version reads "
            f"up to {current}).",
        )
    _check_writable(path, exists)
    return Probe(path, exists, version, empty)
