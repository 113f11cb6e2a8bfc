"""Opening the server's database by URL: a SQLite file by default, PostgreSQL for teams.

``sqlite:///relative/path`` or ``sqlite:////absolute/path`` opens (and creates) a file
in WAL mode with foreign keys on, ``synchronous=full`` (an acknowledged push must survive
a power cut: the client drops its outbox once it has the answer) and a long busy timeout
so that writers from several worker processes queue instead of failing.
``postgresql://user[:password]@host[:port]/db[?sslmode=...]`` opens a connection pool.

The schema is migrated on open (see ``schema.py``). Connections are taken per request
with :meth:`Storage.session` and writes that need the team counter use
:meth:`Storage.write_transaction`, which takes the write lock at BEGIN on SQLite so that
two pushes can never interleave.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from peewee import Database, DatabaseError, InterfaceError
from playhouse.db_url import parse as parse_db_url
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

from channeldesk.server import models, schema

DatabaseKind = Literal["sqlite", "postgresql"]
SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("synchronous", "full"),
    ("busy_timeout", 30_000),
    # A first upload writes random keys (change ids, row ids) all over the history's
    # indexes: a 32 MiB page cache and a checkpoint every ~40 MB of WAL rather than
    # every 4 MB cut bench.bulk_floor's per-field storage from 21.6 s to about 18 s.
    ("cache_size", -32_768),
    ("wal_autocheckpoint", 10_000),
)
POOL_SIZE = 32
POOL_STALE_SECONDS = 300
POOL_WAIT_SECONDS = 30


class StorageError(Exception):
    """The database cannot be used: a one-line reason a server admin can act on."""


@dataclass
class Storage:
    """An opened, migrated server database."""

    db: Database
    kind: DatabaseKind
    display_url: str
    schema_version: int
    # Per team, the seq at its last ANALYZE by this process (see server/statistics.py).
    analyzed_at: dict[int, int] = field(default_factory=dict)
    analyzing: threading.Thread | None = None  # the latest such ANALYZE

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """A connection for the current thread for the span of the block.

        Nested sessions share the connection; the outermost returns it to the pool.
        Always open and close it in the same thread (FastAPI runs sync dependencies
        and endpoints in possibly different worker threads).
        """
        with self.db.connection_context():
            yield

    def write_transaction(self):
        """A transaction that holds the database's write lock from its first statement
        on SQLite (BEGIN IMMEDIATE); on PostgreSQL callers lock the rows they need."""
        if self.kind == "sqlite":
            return self.db.atomic("IMMEDIATE")
        return self.db.atomic()

    def read_transaction(self):
        """One consistent view for a multi-statement read."""
        return self.db.atomic()

    def lock_team(self, team_id: int) -> models.Team:
        """Lock the team's counter row until the transaction ends (inside
        :meth:`write_transaction`), and read it after the lock is held."""
        query = models.Team.select().where(models.Team.id == team_id)
        if self.kind == "postgresql":
            query = query.for_update()
        return query.get()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if not self.db.is_closed():
                self.db.close()
        close_all = getattr(self.db, "close_all", None)
        if close_all is not None:
            with contextlib.suppress(Exception):
                close_all()
        if models.database.obj is self.db:
            models.database.initialize(None)


def database_kind(url: str) -> DatabaseKind:
    scheme = urlsplit(url).scheme.lower()
    if scheme == "sqlite":
        return "sqlite"
    if scheme in ("postgresql", "postgres"):
        return "postgresql"
    raise StorageError(f"Unsupported database URL scheme '{scheme}:'. Use sqlite:///PATH or "
                       "postgresql://USER@HOST:PORT/DB.")


def sqlite_url(path: Path) -> str:
    """The URL of a SQLite file (absolute, so it means the same from any folder)."""
    return "sqlite:///" + str(Path(path).expanduser().absolute())


def redact_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _sqlite_database(url: str) -> Database:
    parts = urlsplit(url)
    if parts.netloc:
        raise StorageError(f"{url} names a host; a SQLite URL has three slashes: "
                           "sqlite:///relative/path or sqlite:////absolute/path.")
    raw = parts.path[1:] if parts.path.startswith("/") else parts.path
    if not raw or raw == ":memory:":
        raise StorageError("A SQLite URL needs a file path: sqlite:///PATH (an in-memory "
                           "database would vanish between requests).")
    path = Path(raw).expanduser()
    if not path.parent.is_dir():
        raise StorageError(f"The folder {path.parent.absolute()} does not exist. Create it "
                           "first, or choose another --database.")
    if path.exists() and not path.is_file():
        raise StorageError(f"{path.absolute()} is not a file.")
    try:
        schema.probe_sqlite_file(path)
    except schema.SchemaError as error:
        raise StorageError(f"{url}: {error}") from error
    return PooledSqliteDatabase(
        # timeout: how long to wait for a free pooled connection (busy_timeout is the
        # pragma above).
        str(path), pragmas=SQLITE_PRAGMAS, timeout=POOL_WAIT_SECONDS, autoconnect=False,
        check_same_thread=False, max_connections=POOL_SIZE, stale_timeout=POOL_STALE_SECONDS,
    )


def _postgresql_database(url: str) -> Database:
    params = parse_db_url(url, unquote_password=True, unquote_user=True)
    name = params.pop("database", "")
    if not name:
        raise StorageError(f"{redact_url(url)} names no database: "
                           "postgresql://USER@HOST:PORT/DBNAME.")
    params.setdefault("connect_timeout", 10)
    return PooledPostgresqlDatabase(
        name, autoconnect=False, max_connections=POOL_SIZE,
        stale_timeout=POOL_STALE_SECONDS, timeout=POOL_WAIT_SECONDS, **params,
    )


def open_storage(url: str, migrate: bool = True) -> Storage:
    """Open the database at ``url``, migrate its schema and bind the server models to it.

    One storage per process at a time: close the previous one first. Raises
    :class:`StorageError` (one line, the password redacted) when the database cannot be
    reached, is not a ChannelDesk server database, or has a newer schema.
    """
    if models.database.obj is not None:
        raise RuntimeError("a server storage is already open in this process; close it "
                           "before opening another")
    kind = database_kind(url)
    db = _sqlite_database(url) if kind == "sqlite" else _postgresql_database(url)
    storage = Storage(db=db, kind=kind, display_url=redact_url(url), schema_version=0)
    models.database.initialize(db)
    try:
        with storage.session():
            if migrate:
                storage.schema_version = schema.migrate(storage)
            else:
                storage.schema_version = schema.check_version(storage)
    except schema.SchemaError as error:
        storage.close()
        raise StorageError(f"{storage.display_url}: {error}") from error
    except (DatabaseError, InterfaceError, OSError) as error:
        storage.close()
        reason = " ".join(str(error).split()) or type(error).__name__
        raise StorageError(f"Cannot open the database {storage.display_url}: {reason}") \
            from error
    except BaseException:
        storage.close()
        raise
    return storage
