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
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import peewee

from channeldesk.domain.hlc import HybridClock
from channeldesk.domain.progress import Progress
from channeldesk.domain.text_order import sort_key
from channeldesk.store import journal, migrations, row_ids, write_guards
from channeldesk.store.backup import BackupError, backup_database
from channeldesk.store.blobs import BlobStore
from channeldesk.store.errors import OpenFailure, StoreOpenError
from channeldesk.store.models import Change, LocalMeta, SyncedModel, all_models
from channeldesk.store.probe import Probe, classify_sqlite_error, probe, remember_verified

log = logging.getLogger(__name__)

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "busy_timeout": 5000,
    "cache_size": -65536,  # 64 MiB of page cache: list queries at 100,000 rows stay warm
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
BULK_CHUNK = 500  # rows per statement of a bulk write (SQLite allows 32,766 parameters)
# Around the tombstoning of one chunk: (connection, ids, deleted, the write itself).
TombstoneHook = Callable[[sqlite3.Connection, list[str], bool, Callable[[], None]], None]
_TOMBSTONE_HOOKS: dict[str, TombstoneHook] = {}


def around_bulk_tombstone(table: str, hook: TombstoneHook) -> None:
    """Let ``hook`` run each chunk of :meth:`Store.set_deleted_many` on ``table`` (it must
    call the write it is given), in the same transaction: a table's device-local derived
    rows can follow a tombstone there and then instead of being re-derived whole later."""
    _TOMBSTONE_HOOKS[table] = hook


def _just_write(_conn: sqlite3.Connection, _ids: list[str], _deleted: bool,
                write: Callable[[], None]) -> None:
    write()


class Store:
    """The open database: reads through the peewee models, writes through these methods."""

    _open: ClassVar[weakref.WeakSet[Store]] = weakref.WeakSet()

    def __init__(self, path: Path, db: peewee.SqliteDatabase) -> None:
        Store._open.add(self)
        self.path = path
        self.db = db
        self.blobs = BlobStore(path.parent / "blobs")
        self.device_id = LocalMeta.get_by_id("device_id").value
        self.clock = HybridClock(self.device_id)
        # Local stamps grow with the journal's sequence, so the newest entry holds the
        # latest stamp: one index step instead of a scan of the whole journal.
        latest = Change.select(Change.hlc).order_by(Change.seq.desc()).limit(1).scalar()
        if latest:
            self.clock.observe(latest)
        self._listeners: list[Listener] = []
        self._levels: list[dict[str, set[str]]] = []

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
        """One atomic unit; a nested call is a savepoint. Listeners hear after the commit.

        Each level collects the rows it touched; a level that commits hands them to the
        one around it, a level that rolls back forgets them, and the outermost commit
        tells the listeners. Cost is per row touched, however deep the nesting.
        """
        self._levels.append({})
        # The outermost level takes the write lock up front (BEGIN IMMEDIATE): a deferred
        # transaction that read first could not upgrade to a writer once another thread
        # (a sync worker) committed in between, and would fail with "database is locked".
        outermost = len(self._levels) == 1
        try:
            with self.db.atomic("IMMEDIATE") if outermost else self.db.atomic():
                yield
        except BaseException:
            self._levels.pop()
            raise
        self._finish_level(self._levels.pop())

    @contextmanager
    def _statement(self) -> Iterator[None]:
        """A single-statement write: SQLite makes the statement itself atomic, so inside
        an open transaction no savepoint is needed (bulk writes stay linear)."""
        if self._levels:
            yield
        else:
            with self.transaction():
                yield

    def _finish_level(self, touched: dict[str, set[str]]) -> None:
        if self._levels:
            for table, ids in touched.items():
                self._levels[-1].setdefault(table, set()).update(ids)
        elif touched:
            self._notify(ChangeNotice({t: frozenset(ids) for t, ids in touched.items()}))

    def insert(self, model: type[M], values: dict[str, Any], row_id: str | None = None) -> str:
        """Create a row; returns its id (a new UUIDv7 unless one is given, e.g. for redo)."""
        row_id = row_id or new_id()
        stamp = self.clock.now()
        with self._statement():
            write_guards.check_insert(self.db.connection(), model._meta.table_name, [values])
            model.insert(id=row_id, created_at=stamp, updated_at=stamp, **values).execute()
            self._touch(model, row_id)
        return row_id

    def insert_many(self, model: type[M], rows: list[dict[str, Any]],
                    chunk: int = 1000) -> list[str]:
        """Create many rows in one transaction (imports, demo data); returns their ids.

        Ids and clock stamps are drawn in bulk, and values go to SQLite through
        ``executemany`` without an intermediate dict per row: at 100,000 rows the
        per-row Python work was as large as the database's."""
        ids = []
        conn = self.db.connection()
        with self.transaction():
            write_guards.check_insert(conn, model._meta.table_name, rows)
            for start in range(0, len(rows), chunk):
                batch = rows[start:start + chunk]
                fresh = iter(new_ids(sum(1 for values in batch if not values.get("id"))))
                batch_ids = [values.get("id") or next(fresh) for values in batch]
                _insert_rows(conn, model, batch, batch_ids, self.clock.now_many(len(batch)))
                ids.extend(batch_ids)
                self._touched_many(model, batch_ids)
        return ids

    def update(self, model: type[M], row_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """Change fields of a row; returns the previous values of the fields that changed."""
        with self._statement():
            row = model.get_by_id(row_id)
            previous = {
                name: getattr(row, name) for name, value in values.items()
                if _stored(model, name, getattr(row, name)) != _stored(model, name, value)
            }
            if previous:
                changes = {name: values[name] for name in previous}
                write_guards.check_update(self.db.connection(), model._meta.table_name,
                                          [row_id], changes)
                # The row may carry a stamp from a clock ahead of ours (a synced edit);
                # the journal refuses an edit that does not advance updated_at.
                self._bring_within_reach(model, row_id, row.updated_at)
                self.clock.observe(row.updated_at)
                model.update(updated_at=self.clock.now(), **changes).where(
                    model.id == row_id
                ).execute()
                self._touch(model, row_id)
        return previous

    def _bring_within_reach(self, model: type[M], row_id: str, stamp: str | None) -> None:
        """A row stamped far in the future (by an older version that trusted any synced
        stamp) gets the latest stamp the clock can still beat, unjournalled, so the
        edit after it is possible at all."""
        if not stamp:
            return
        try:
            reachable = self.clock.within_reach(stamp)
        except ValueError:
            return
        if reachable != stamp:
            conn = self.db.connection()
            with journal.muted(conn, "clock repair"):
                conn.execute(f'UPDATE "{model._meta.table_name}" SET updated_at = ? '
                             "WHERE id = ?", (reachable, row_id))

    def delete(self, model: type[M], row_id: str) -> None:
        """Tombstone a row: it disappears from every view but stays for sync and undo."""
        self.update(model, row_id, {"deleted": True})

    def restore(self, model: type[M], row_id: str) -> None:
        """Bring a tombstoned row back."""
        self.update(model, row_id, {"deleted": False})

    def set_deleted_many(self, model: type[M], row_ids: list[str], deleted: bool,
                         progress: Progress | None = None) -> None:
        """Tombstone (or bring back) many rows at once, journalled like ``delete``:
        undoing an import of 100,000 rows row by row took minutes.

        One clock stamp and two statements per chunk of rows: the stamp is later than
        every row's own (observed first), which is all an edit's stamp must be. The
        journal gets one entry per row that changed, written here by one INSERT … SELECT
        with the triggers muted: the update trigger compares every column of every row,
        three times the cost of the update itself, to find the one field we know."""
        table = model._meta.table_name
        conn = self.db.connection()
        verb = "Removing" if deleted else "Bringing back"
        with self.transaction():
            if write_guards.guarded(table):
                write_guards.check_update(conn, table, row_ids, {"deleted": deleted})
            with journal.muted(conn, "bulk tombstone"):
                for start in range(0, len(row_ids), BULK_CHUNK):
                    chunk = row_ids[start:start + BULK_CHUNK]
                    self._set_deleted_chunk(conn, table, chunk, int(deleted))
                    if progress is not None:
                        done = start + len(chunk)
                        progress(done, len(row_ids),
                                 f"{verb} {done:,} of {len(row_ids):,} rows…")
            self._touched_many(model, list(row_ids))

    def _set_deleted_chunk(self, conn: sqlite3.Connection, table: str, chunk: list[str],
                           deleted: int) -> None:
        """Inside a muted journal: stamp, journal and flip the rows that change."""
        marks = ", ".join("?" * len(chunk))
        newest = conn.execute(f'SELECT max(updated_at) FROM "{table}" WHERE id IN '
                              f"({marks})", chunk).fetchone()[0]
        if newest:  # a synced edit may carry a clock ahead of ours
            reachable = self.clock.within_reach(newest)
            if reachable != newest:  # stamped far in the future: see update()
                conn.execute(f'UPDATE "{table}" SET updated_at = ? WHERE '
                             f"updated_at > ? AND id IN ({marks})",
                             (reachable, reachable, *chunk))
            self.clock.observe(newest)
        stamp = self.clock.now()

        def write() -> None:
            conn.execute(f"INSERT INTO change (table_name, row_id, field, value, hlc) "
                         f"SELECT ?, id, 'deleted', ?, ? FROM \"{table}\" "
                         f"WHERE id IN ({marks}) AND deleted != ?",
                         (table, deleted, stamp, *chunk, deleted))
            conn.execute(f'UPDATE "{table}" SET deleted = ?, updated_at = ? '
                         f"WHERE id IN ({marks}) AND deleted != ?",
                         (deleted, stamp, *chunk, deleted))

        _TOMBSTONE_HOOKS.get(table, _just_write)(conn, chunk, bool(deleted), write)

    # -- notification --------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` after each commit that changed rows; returns an unsubscriber."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def notify_changed(self, rows: Mapping[str, Iterable[str]]) -> None:
        """Tell listeners about rows written outside insert/update/delete/restore.

        Sync applies remote changes with its own SQL (journal muted); it calls this after
        its commit so views refresh exactly as after a local edit. Listeners hear at once,
        on the calling thread (the UI's bridge queues a worker's notice to the GUI thread).
        """
        touched = {table: frozenset(ids) for table, ids in rows.items()}
        touched = {table: ids for table, ids in touched.items() if ids}
        if touched:
            self._notify(ChangeNotice(touched))

    def _touch(self, model: type[SyncedModel], row_id: str) -> None:
        self._levels[-1].setdefault(model._meta.table_name, set()).add(row_id)

    def _touched_many(self, model: type[SyncedModel], row_ids: list[str]) -> None:
        self._levels[-1].setdefault(model._meta.table_name, set()).update(row_ids)

    def _notify(self, notice: ChangeNotice) -> None:
        for listener in list(self._listeners):
            listener(notice)

    def close(self) -> None:
        """Close the calling thread's connection (peewee keeps one per thread); when it was
        the last one, stamp the file as cleanly closed so the next open can skip the
        integrity check (see ``probe.remember_verified``)."""
        self.db.close()
        remember_verified(self.path)

    def release_worker_connection(self) -> None:
        """A worker thread calls this when done so its connection does not linger."""
        if not self.db.is_closed():
            self.db.close()

    @classmethod
    def release_worker_connections(cls) -> None:
        """Give back the calling worker thread's connection to every open store.

        The UI's jobs module calls this after each work, so a work function never has to
        remember to; on the GUI thread it would close the window's connection, so it is
        only for worker threads.
        """
        for store in list(cls._open):
            store.release_worker_connection()


def new_id() -> str:
    """A new row id: a UUIDv7, time-ordered so ids made on one device sort by age."""
    return row_ids.new_id()


def new_ids(count: int) -> list[str]:
    """``count`` new row ids at once (see :func:`new_id`), in increasing order."""
    return row_ids.new_ids(count)


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


def _insert_rows(conn: sqlite3.Connection, model: type[SyncedModel],
                 rows: list[dict[str, Any]], ids: list[str], stamps: list[str]) -> None:
    """One prepared INSERT per set of columns, run for all rows that have that set;
    each row gets its id and its stamp as ``created_at`` and ``updated_at``.

    What peewee's ``insert_many`` would write (field defaults filled in, values through
    each field's ``db_value``), without building a query tree per row: for an import of
    100,000 rows that tree cost several times the database's own work. A value that is
    already what its field stores (a ``str`` for a text field, an ``int`` for an integer
    field) is passed as it is.
    """
    meta = model._meta
    bookkeeping = {"id", "created_at", "updated_at"}
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(tuple(name for name in row if name not in bookkeeping),
                          []).append(index)
    for names, members in groups.items():
        missing = [(name, field.default) for name, field in meta.fields.items()
                   if field.default is not None and name not in names
                   and name not in bookkeeping]
        fields = [meta.combined[name] for name in (*names, *(name for name, _ in missing))]
        columns = ", ".join(f'"{field.column_name}"'
                            for field in (meta.combined["id"], meta.combined["created_at"],
                                          meta.combined["updated_at"], *fields))
        plain = [_plain_type(field) for field in fields]
        convert = [field.db_value for field in fields]
        callable_defaults = any(callable(default) for _, default in missing)
        values = []
        for index in members:
            row = rows[index]
            given = [row[name] for name in names]
            if callable_defaults:
                given += [default() if callable(default) else default for _, default in missing]
            else:
                given += [default for _, default in missing]
            stamp = stamps[index]
            values.append((ids[index], stamp, stamp, *[
                value if value is None or type(value) is kind else db_value(value)
                for value, kind, db_value in zip(given, plain, convert, strict=True)]))
        conn.executemany(f'INSERT INTO "{meta.table_name}" ({columns}) VALUES '
                         f'({", ".join("?" * (3 + len(fields)))})', values)


def _plain_type(field: peewee.Field) -> type | None:
    """The Python type whose values this field stores unchanged (so converting them can
    be skipped), or None when every value goes through ``db_value``."""
    kind = type(field)
    if kind.db_value is not peewee.Field.db_value:
        return None
    if kind.adapt is peewee.TextField.adapt:
        return str
    if kind.adapt is peewee.IntegerField.adapt:
        return int
    return None
