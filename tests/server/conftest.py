"""Server test fixtures: a real server database, the app, and logged-in devices.

Every test talks to the real FastAPI app through its TestClient (or to a real
``channeldesk-server`` process), on a real database file. The database comes from the
``server_db_url`` fixture alone, so that the suite can be parametrized to PostgreSQL by
overriding that one fixture (it must return the URL of a fresh, empty database).
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

with warnings.catch_warnings():
    # starlette now prefers httpx2 for its TestClient; httpx 0.28 still works.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from pg_cluster import PostgresCluster

from channeldesk.server import accounts
from channeldesk.server.app import create_app
from channeldesk.server.config import ServerConfig
from channeldesk.server.models import Team
from channeldesk.server.storage import sqlite_url

from .wire import Account

PASSWORD = "correct horse battery"


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh, empty server database: every server test runs on both."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "server.sqlite3")
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.create_database(f"t_{uuid.uuid4().hex}")


@pytest.fixture
def server_data_dir(tmp_path: Path) -> Path:
    return tmp_path / "server-data"


@pytest.fixture
def server_config(server_db_url: str, server_data_dir: Path) -> ServerConfig:
    return ServerConfig(database_url=server_db_url, data_dir=server_data_dir)


@pytest.fixture
def server_app(server_config: ServerConfig) -> Iterator[FastAPI]:
    """The app on its own database; the storage is closed after the test."""
    app = create_app(server_config)
    yield app
    app.state.storage.close()


@pytest.fixture
def client(server_app: FastAPI) -> TestClient:
    return TestClient(server_app)


@pytest.fixture
def add_user(server_app: FastAPI) -> Callable[..., None]:
    """Create a user (and its team, when new) directly in the server database."""
    storage = server_app.state.storage

    def add(team: str, email: str, password: str = PASSWORD) -> None:
        with storage.session():
            if not Team.select().where(Team.name == team).exists():
                accounts.create_team(team)
            accounts.create_user(team, email, password)

    return add


@pytest.fixture
def login(client: TestClient, add_user) -> Callable[..., Account]:
    """Create a user when needed and log a new device in through the API."""

    def log_in(team: str, email: str, password: str = PASSWORD,
               device_name: str = "laptop", create: bool = True) -> Account:
        if create:
            add_user(team, email, password)
        response = client.post("/v1/login", json={"email": email, "password": password,
                                                   "device_name": device_name})
        assert response.status_code == 200, response.text
        body = response.json()
        return Account(email=email, password=password, team=body["team"],
                       token=body["token"], device_id=body["device_id"])

    return log_in


@pytest.fixture
def alice(login) -> Account:
    return login("Acme Channel", "alice@acme.example")


@pytest.fixture
def carol(login, alice: Account) -> Account:
    """A second user (and device) in alice's team."""
    return login("Acme Channel", "carol@acme.example")


@pytest.fixture
def bob(login) -> Account:
    """A user of another team."""
    return login("Globex Partners", "bob@globex.example")


class _NoChecks:
    """Stands in for the value checks: refuses nothing."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def run(self) -> dict:
        return {}


@pytest.fixture
def unchecked_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests of the protocol's mechanics (seq order, conflicts, idempotency, paging)
    on abstract rows like ("plan", "x", "target"): the description checks are switched
    off in this process. They have their own tests (test_change_checks.py), and the
    sync tests run them with real client databases."""
    monkeypatch.setattr("channeldesk.server.push.BatchCheck", _NoChecks)
