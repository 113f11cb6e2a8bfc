"""The server's schema, created and upgraded by numbered migrations on start.

Each migration is frozen SQL (not generated from today's models, which will change) with
the few type names that differ between SQLite and PostgreSQL filled in per dialect. They
run in one transaction that holds the migration lock (BEGIN IMMEDIATE on SQLite, an
advisory lock on PostgreSQL), so several workers starting at once migrate exactly once.
The version is recorded in ``server_meta``; a database from a newer server is refused and
left untouched, and so is a database that has tables but is not a ChannelDesk server's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from channeldesk.server.storage import Storage

VERSION_KEY = "schema_version"
PG_MIGRATION_LOCK = 7_326_001  # any constant; one per application

DIALECT_TYPES = {
    "sqlite": {"pk": "INTEGER PRIMARY KEY AUTOINCREMENT",
               "bigpk": "INTEGER PRIMARY KEY AUTOINCREMENT",
               "ts": "DATETIME"},
    "postgresql": {"pk": "SERIAL PRIMARY KEY", "bigpk": "BIGSERIAL PRIMARY KEY",
                   "ts": "TIMESTAMP"},
}

META_DDL = 'CREATE TABLE IF NOT EXISTS "server_meta" ("key" TEXT PRIMARY KEY, ' \
           '"value" TEXT NOT NULL)'

INITIAL = [
    """CREATE TABLE "team" (
        "id" {pk},
        "name" TEXT NOT NULL UNIQUE,
        "seq" BIGINT NOT NULL DEFAULT 0,
        "epoch" TEXT NOT NULL,
        "min_seq" BIGINT NOT NULL DEFAULT 0,
        "created_at" {ts} NOT NULL)""",
    """CREATE TABLE "team_user" (
        "id" {pk},
        "team_id" INTEGER NOT NULL REFERENCES "team" ("id"),
        "email" TEXT NOT NULL UNIQUE,
        "password_hash" TEXT NOT NULL,
        "created_at" {ts} NOT NULL)""",
    'CREATE INDEX "team_user_team" ON "team_user" ("team_id")',
    """CREATE TABLE "device" (
        "id" TEXT PRIMARY KEY,
        "user_id" INTEGER NOT NULL REFERENCES "team_user" ("id"),
        "name" TEXT NOT NULL,
        "token_hash" TEXT NOT NULL UNIQUE,
        "created_at" {ts} NOT NULL,
        "last_seen" {ts} NOT NULL,
        "revoked_at" {ts})""",
    'CREATE INDEX "device_user" ON "device" ("user_id")',
    """CREATE TABLE "server_change" (
        "id" {bigpk},
        "team_id" INTEGER NOT NULL REFERENCES "team" ("id"),
        "seq" BIGINT NOT NULL,
        "change_id" TEXT NOT NULL,
        "table_name" TEXT NOT NULL,
        "row_id" TEXT NOT NULL,
        "field" TEXT NOT NULL,
        "value" TEXT NOT NULL,
        "hlc" TEXT NOT NULL,
        "device_id" TEXT NOT NULL REFERENCES "device" ("id"),
        "received_at" {ts} NOT NULL,
        UNIQUE ("team_id", "seq"),
        UNIQUE ("team_id", "change_id"))""",
    """CREATE TABLE "field_state" (
        "team_id" INTEGER NOT NULL REFERENCES "team" ("id"),
        "table_name" TEXT NOT NULL,
        "row_id" TEXT NOT NULL,
        "field" TEXT NOT NULL,
        "value" TEXT NOT NULL,
        "seq" BIGINT NOT NULL,
        "hlc" TEXT NOT NULL,
        "device_id" TEXT NOT NULL REFERENCES "device" ("id"),
        PRIMARY KEY ("team_id", "table_name", "row_id", "field"))""",
    """CREATE TABLE "stored_batch" (
        "team_id" INTEGER NOT NULL REFERENCES "team" ("id"),
        "batch_id" TEXT NOT NULL,
        "request_hash" TEXT NOT NULL,
        "response" TEXT NOT NULL,
        "created_at" {ts} NOT NULL,
        PRIMARY KEY ("team_id", "batch_id"))""",
    """CREATE TABLE "blob_record" (
        "team_id" INTEGER NOT NULL REFERENCES "team" ("id"),
        "sha256" TEXT NOT NULL,
        "size" BIGINT NOT NULL,
        "created_at" {ts} NOT NULL,
        PRIMARY KEY ("team_id", "sha256"))""",
    """CREATE TABLE "login_failure" (
        "id" {bigpk},
        "email" TEXT NOT NULL,
        "ip" TEXT NOT NULL,
        "at" {ts} NOT NULL)""",
    'CREATE INDEX "login_failure_email" ON "login_failure" ("email", "at")',
    'CREATE INDEX "login_failure_ip" ON "login_failure" ("ip", "at")',
]


@dataclass(frozen=True)
class Migration:
    number: int
    title: str
    statements: list[str]


MIGRATIONS: list[Migration] = [
    Migration(1, "teams, users, devices, history, field state, batches, blobs", INITIAL),
]
LATEST = MIGRATIONS[-1].number


class SchemaError(Exception):
    """The database is newer than this server, or not a ChannelDesk server database."""


def _execute(storage: Storage, sql: str) -> None:
    storage.db.execute_sql(sql.format(**DIALECT_TYPES[storage.kind]))


def _tables(storage: Storage) -> set[str]:
    return set(storage.db.get_tables())


def _read_version(storage: Storage) -> int | None:
    """The recorded version, or None for a database without ``server_meta``."""
    if "server_meta" not in _tables(storage):
        return None
    p = storage.db.param
    row = storage.db.execute_sql(f'SELECT "value" FROM "server_meta" WHERE "key" = {p}',
                                 (VERSION_KEY,)).fetchone()
    return int(row[0]) if row else 0


def _refuse(storage: Storage, version: int | None) -> None:
    if version is None:
        foreign = {name for name in _tables(storage) if not name.startswith("sqlite_")}
        if foreign:
            raise SchemaError("this database holds other tables and no ChannelDesk server "
                              "schema; refusing to use it. Name an empty database.")
    elif version > LATEST:
        raise SchemaError(f"the schema is version {version}, newer than this server "
                          f"understands ({LATEST}). Upgrade channeldesk-server; the "
                          "database was left untouched.")


def probe_sqlite_file(path: Path) -> None:
    """Refuse an existing SQLite file this server must not touch, before anything (even
    switching it to WAL) changes it: not SQLite at all, another application's, or newer."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            version = None
            if "server_meta" in names:
                row = conn.execute("SELECT value FROM server_meta WHERE key = ?",
                                   (VERSION_KEY,)).fetchone()
                version = int(row[0]) if row else 0
        finally:
            conn.close()
    except (sqlite3.DatabaseError, ValueError) as error:
        raise SchemaError(f"not a usable SQLite database ({error}); the file was left "
                          "untouched.") from error
    foreign = {name for name in names if not name.startswith("sqlite_")}
    if version is None and foreign:
        raise SchemaError("this database holds other tables and no ChannelDesk server "
                          "schema; refusing to use it. Name an empty database.")
    if version is not None and version > LATEST:
        raise SchemaError(f"the schema is version {version}, newer than this server "
                          f"understands ({LATEST}). Upgrade channeldesk-server; the "
                          "database was left untouched.")


def check_version(storage: Storage) -> int:
    """The schema version, without changing anything; refuses what it cannot use."""
    version = _read_version(storage)
    _refuse(storage, version)
    if version is None or version < LATEST:
        raise SchemaError(f"the schema is version {version or 0}; this server needs "
                          f"{LATEST}. Start `channeldesk-server serve` once to migrate.")
    return version


def migrate(storage: Storage, on_step: Callable[[Migration], None] | None = None) -> int:
    """Bring the schema to :data:`LATEST`; returns the version the database is at."""
    version = _read_version(storage)
    _refuse(storage, version)
    if version == LATEST:
        return version
    with storage.write_transaction():
        if storage.kind == "postgresql":
            storage.db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (PG_MIGRATION_LOCK,))
        _execute(storage, META_DDL)
        version = _read_version(storage) or 0  # again, now that we hold the lock
        _refuse(storage, version)
        for migration in MIGRATIONS:
            if migration.number <= version:
                continue
            for statement in migration.statements:
                _execute(storage, statement)
            if on_step is not None:
                on_step(migration)
            version = migration.number
        p = storage.db.param
        storage.db.execute_sql(f'DELETE FROM "server_meta" WHERE "key" = {p}',
                               (VERSION_KEY,))
        storage.db.execute_sql(f'INSERT INTO "server_meta" ("key", "value") VALUES ({p}, {p})',
                               (VERSION_KEY, str(version)))
    return version
