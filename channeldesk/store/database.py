"""Open a database and write to it: the one write path of the application.

``open_store`` refuses a bad file before writing a byte (see ``probe.py``), backs the file
up before migrating it, and returns a :class:`Store`. The store's ``insert``, ``update``,
``delete`` and ``restore`` stamp each write with the hybrid clock; SQLite triggers journal
it in the same transaction (see ``journal.py``). After the outermost transaction commits,
subscribers hear which tables changed, so views refresh only what they show.

One open store binds the peewee models; a process works with one store at a time.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import peewee
from uuid6 import uuid7

from channeldesk.domain.hlc import HybridClock
from channeldesk.domain.text_order import sort_key
from channeldesk.store import migrations
from channeldesk.store.backup import BackupError, backup_database
from channeldesk.store.blobs import BlobStore
from channeldesk.store.errors import OpenFailure, StoreOpenError
from channeldesk.store.models import Change, LocalMeta, SyncedModel, all_models
from channeldesk.store.probe import Probe, classify_sqlite_error, probe

log = logging.getLogger(__name__)

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "busy_timeout": 5000,
}

M = TypeVar("M", bound=SyncedModel)


@dataclass(frozen=True)
class ChangeNotice:
    """What a committed transaction touched: table name → ids of the rows."""

    rows: dict[str, frozenset[str]]

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(self.rows)


Listener = Callable[[ChangeNotice], None]


class Store:
    """The open database: reads through the peewee models, writes through these methods."""

    def __init__(self, path: Path, db: peewee.SqliteDatabase) -> None:
        self.path = path
        self.db = db
        self.blobs = BlobStore(path.parent / "blobs")
        self.device_id = LocalMeta.get_by_id("device_id").value
        self.clock = HybridClock(self.device_id)
        latest = Change.select(peewee.fn.MAX(Change.hlc)).scalar()
        if latest:
            self.clock.observe(latest)
        self._listeners: list[Listener] = []
        self._depth = 0
        self._touched: dict[str, set[str]] = {}

    # -- reading -------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return migrations.read_version(self.db.connection())

    def get(self, model: type[M], row_id: str) -> M | None:
        """The row with that id, tombstoned or not; None if there is none."""
        return model.get_or_none(model.id == row_id)

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit; nested calls join the outer one. Listeners hear after commit."""
        self._depth += 1
        before = {table: set(ids) for table, ids in self._touched.items()}
        try:
            with self.db.atomic():
                yield
        except BaseException:
            self._depth -= 1
            # Only this level rolled back (a savepoint when nested): forget what it
            # touched, keep what the enclosing levels did.
            self._touched = before if self._depth else {}
            raise
        self._depth -= 1
        if self._depth == 0 and self._touched:
            notice = ChangeNotice({t: frozenset(ids) for t, ids in self._touched.items()})
            self._touched.clear()
            self._notify(notice)

    def insert(self, model: type[M], values: dict[str, Any], row_id: str | None = None) -> str:
        """Create a row; returns its id (a new UUIDv7 unless one is given, e.g. for redo)."""
        row_id = row_id or str(uuid7())
        stamp = self.clock.now()
        with self.transaction():
            model.insert(id=row_id, created_at=stamp, updated_at=stamp, **values).execute()
            self._touch(model, row_id)
        return row_id

    def update(self, model: type[M], row_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """Change fields of a row; returns the previous values of the fields that changed."""
        with self.transaction():
            row = model.get_by_id(row_id)
            previous = {
                name: getattr(row, name) for name, value in values.items()
                if _stored(model, name, getattr(row, name)) != _stored(model, name, value)
            }
            if previous:
                changes = {name: values[name] for name in previous}
                # The row may carry a stamp from a clock ahead of ours (a synced edit);
                # the journal refuses an edit that does not advance updated_at.
                self.clock.observe(row.updated_at)
                model.update(updated_at=self.clock.now(), **changes).where(
                    model.id == row_id
                ).execute()
                self._touch(model, row_id)
        return previous

    def delete(self, model: type[M], row_id: str) -> None:
        """Tombstone a row: it disappears from every view but stays for sync and undo."""
        self.update(model, row_id, {"deleted": True})

    def restore(self, model: type[M], row_id: str) -> None:
        """Bring a tombstoned row back."""
        self.update(model, row_id, {"deleted": False})

    # -- notification --------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` after each commit that changed rows; returns an unsubscriber."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _touch(self, model: type[SyncedModel], row_id: str) -> None:
        self._touched.setdefault(model._meta.table_name, set()).add(row_id)

    def _notify(self, notice: ChangeNotice) -> None:
        for listener in list(self._listeners):
            listener(notice)

    def close(self) -> None:
        """Close the calling thread's connection (peewee keeps one per thread)."""
        self.db.close()

    def release_worker_connection(self) -> None:
        """A worker thread calls this when done so its connection does not linger."""
        if not self.db.is_closed():
            self.db.close()


def _stored(model: type[SyncedModel], name: str, value: Any) -> Any:
    """A value as SQLite will hold it, so that True and 1 compare equal."""
    stored = model._meta.fields[name].db_value(value)
    return int(stored) if isinstance(stored, bool) else stored


def backup_path_for(path: Path, version: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.stem}.schema{version}-{stamp}.bak{path.suffix or '.sqlite3'}")


def open_store(path: Path | str) -> Store:
    """Open (creating if needed) and migrate a database, or raise StoreOpenError untouched."""
    path = Path(path).expanduser().absolute()
    found = probe(path)
    if found.exists and found.version and found.needs_migration:
        _backup_before_migration(found)
    db = peewee.SqliteDatabase(str(path), pragmas=PRAGMAS, timeout=5)
    db.register_function(sort_key, "fold", 1, deterministic=True)
    try:
        db.connect()
    except (sqlite3.Error, peewee.DatabaseError) as error:
        raise _failed(db, found, _classify(path, error)) from error
    try:
        migrations.migrate(db.connection(), found.version)
    except Exception as error:
        # Whatever a migration raises (SQL or Python), it rolled back: the file is as it
        # was. Only a lock is worth naming differently; the rest is a failed upgrade.
        refusal = _classify(path, error)
        if refusal.failure is not OpenFailure.LOCKED:
            refusal = StoreOpenError(
                OpenFailure.MIGRATION_FAILED, path,
                f"upgrading it to schema {migrations.current_version()} failed "
                f"({type(error).__name__}: {error}).",
            )
        raise _failed(db, found, refusal) from error
    db.bind(all_models())
    return Store(path, db)


def _classify(path: Path, error: Exception) -> StoreOpenError:
    cause = error.__cause__ if isinstance(error.__cause__, sqlite3.Error) else error
    if isinstance(cause, sqlite3.Error):
        return classify_sqlite_error(path, cause)
    return StoreOpenError(OpenFailure.MIGRATION_FAILED, path, str(error))


def _failed(db: peewee.SqliteDatabase, found: Probe, refusal: StoreOpenError) -> StoreOpenError:
    db.close()
    _forget_new_file(found)
    log.error("opening %s failed: %s", found.path, refusal.detail, exc_info=True)
    return refusal


def _backup_before_migration(found: Probe) -> None:
    target = backup_path_for(found.path, found.version)
    try:
        backup_database(found.path, target)
    except (BackupError, sqlite3.Error) as error:
        raise StoreOpenError(
            OpenFailure.READ_ONLY, found.path,
            f"it needs an upgrade, but the safety copy could not be written ({error}).",
        ) from error
    log.info("backed up %s to %s before migrating", found.path, target)


def _forget_new_file(found: Probe) -> None:
    """Undo what this call did to a file it could not finish opening.

    A database it created is removed with its WAL files; an empty file it was given is
    emptied again (switching to WAL wrote a header into it). An existing database needs
    nothing: every failed step rolled back.
    """
    if found.exists and not found.empty:
        return
    if found.exists:
        found.path.write_bytes(b"")
    else:
        found.path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{found.path}{suffix}").unlink(missing_ok=True)
