"""Sync test fixtures: the real server (SQLite and PostgreSQL, the session cluster of the
root conftest), an in-memory keyring, and client databases signed in to the server."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from pg_cluster import PostgresCluster

from channeldesk.server.app import create_app
from channeldesk.server.config import ServerConfig
from channeldesk.server.storage import sqlite_url

from .fake_keyrings import MemoryKeyring
from .harness import Client, Server, TestClient


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "server.sqlite3")
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.create_database(f"s_{uuid.uuid4().hex}")


@pytest.fixture
def sqlite_server_url(tmp_path: Path) -> str:
    """For tests about the client alone: the server on SQLite only."""
    return sqlite_url(tmp_path / "server.sqlite3")


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An in-memory keyring for every sync test; the previous backend comes back."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _server(url: str, tmp_path: Path) -> Iterator[Server]:
    app = create_app(ServerConfig(database_url=url, data_dir=tmp_path / "server-data"))
    server = Server(app, TestClient(app, raise_server_exceptions=False))
    yield server
    server.http.close()
    app.state.storage.close()


@pytest.fixture
def server(server_db_url: str, tmp_path: Path) -> Iterator[Server]:
    """The real server app on SQLite and on PostgreSQL."""
    yield from _server(server_db_url, tmp_path)


@pytest.fixture
def sqlite_server(sqlite_server_url: str, tmp_path: Path) -> Iterator[Server]:
    yield from _server(sqlite_server_url, tmp_path)


def _client_factory(server: Server, tmp_path: Path) -> Iterator[Callable[..., Client]]:
    made: list[Client] = []

    def make(name: str, email: str | None = None, **engine_options) -> Client:
        email = email or f"{name}@acme.example"
        server.add_user(email)
        folder = tmp_path / name  # each desktop has its own blob folder beside its file
        folder.mkdir()
        client = Client(server, folder / f"{name}.sqlite3", email, **engine_options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def make_client(server: Server, tmp_path: Path) -> Iterator[Callable[..., Client]]:
    """Make a signed-in client database (a new user of the team) on ``server``."""
    yield from _client_factory(server, tmp_path)


@pytest.fixture
def make_sqlite_client(sqlite_server: Server,
                       tmp_path: Path) -> Iterator[Callable[..., Client]]:
    yield from _client_factory(sqlite_server, tmp_path)
