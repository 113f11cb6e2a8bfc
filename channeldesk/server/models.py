"""peewee models of the server's tables, the same on SQLite and PostgreSQL.

The tables themselves are created by the numbered migrations in ``schema.py``; these
classes only read and write them. They are bound to the database through ``database``, a
proxy that :func:`channeldesk.server.storage.open_storage` points at the opened database:
a server process talks to one database at a time.

Every row that holds team data carries ``team`` and every query filters on it; nothing
about another team can be reached through an id alone. Table and field names of synced
rows are stored as text (``table_name``, ``field``), never used as SQL identifiers.
Field values are stored as JSON text so that text, integer, real and null survive both
databases unchanged. Times are naive UTC.
"""

from __future__ import annotations

import datetime as dt

from peewee import (
    AutoField,
    BigIntegerField,
    CompositeKey,
    DatabaseProxy,
    DateTimeField,
    ForeignKeyField,
    Model,
    TextField,
)

database = DatabaseProxy()


def utc_now() -> dt.datetime:
    """Naive UTC, the one kind of time the server stores (both databases compare it)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class ServerModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Team(ServerModel):
    """A team and its sync counter: ``seq`` is the last seq handed out."""

    id = AutoField()
    name = TextField(unique=True)
    seq = BigIntegerField(default=0)
    epoch = TextField()
    min_seq = BigIntegerField(default=0)
    created_at = DateTimeField(default=utc_now)


class User(ServerModel):
    id = AutoField()
    team = ForeignKeyField(Team, column_name="team_id", backref="users")
    email = TextField(unique=True)
    password_hash = TextField()
    created_at = DateTimeField(default=utc_now)

    class Meta:
        table_name = "team_user"  # "user" is a reserved word in PostgreSQL


class Device(ServerModel):
    """One logged-in installation; its bearer token is stored only as a SHA-256."""

    id = TextField(primary_key=True)
    user = ForeignKeyField(User, column_name="user_id", backref="devices")
    name = TextField()
    token_hash = TextField(unique=True)
    created_at = DateTimeField(default=utc_now)
    last_seen = DateTimeField(default=utc_now)
    revoked_at = DateTimeField(null=True)


class ServerChange(ServerModel):
    """The team's history: every accepted field change, in seq order."""

    id = AutoField()
    team = ForeignKeyField(Team, column_name="team_id")
    seq = BigIntegerField()
    change_id = TextField()
    table_name = TextField()
    row_id = TextField()
    field = TextField()
    value = TextField()  # JSON
    hlc = TextField()
    device = ForeignKeyField(Device, column_name="device_id")
    received_at = DateTimeField(default=utc_now)

    class Meta:
        table_name = "server_change"


class FieldState(ServerModel):
    """The current value of each field of each row (tombstones included), for snapshots
    and conflict checks."""

    team = ForeignKeyField(Team, column_name="team_id")
    table_name = TextField()
    row_id = TextField()
    field = TextField()
    value = TextField()  # JSON
    seq = BigIntegerField()
    hlc = TextField()
    device = ForeignKeyField(Device, column_name="device_id")

    class Meta:
        table_name = "field_state"
        primary_key = CompositeKey("team", "table_name", "row_id", "field")


class StoredBatch(ServerModel):
    """The response given to a push, so that a retried batch gets the same answer."""

    team = ForeignKeyField(Team, column_name="team_id")
    batch_id = TextField()
    request_hash = TextField()
    response = TextField()  # JSON of PushResponse
    created_at = DateTimeField(default=utc_now)

    class Meta:
        table_name = "stored_batch"
        primary_key = CompositeKey("team", "batch_id")


class BlobRecord(ServerModel):
    """Which team has uploaded which blob; the bytes are shared on disk by hash."""

    team = ForeignKeyField(Team, column_name="team_id")
    sha256 = TextField()
    size = BigIntegerField()
    created_at = DateTimeField(default=utc_now)

    class Meta:
        table_name = "blob_record"
        primary_key = CompositeKey("team", "sha256")


class LoginFailure(ServerModel):
    """Failed logins, in the database so every worker process sees the same count."""

    id = AutoField()
    email = TextField()
    ip = TextField()
    at = DateTimeField(default=utc_now)

    class Meta:
        table_name = "login_failure"


class ServerMeta(ServerModel):
    """Facts about the database itself, e.g. ``schema_version``."""

    key = TextField(primary_key=True)
    value = TextField()

    class Meta:
        table_name = "server_meta"


ALL_MODELS: tuple[type[ServerModel], ...] = (
    Team, User, Device, ServerChange, FieldState, StoredBatch, BlobRecord, LoginFailure,
    ServerMeta,
)
