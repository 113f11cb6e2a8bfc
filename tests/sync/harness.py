"""The parts of the sync tests: a server in this process, client databases, faults.

A :class:`Client` is a real SQLite database opened with ``open_store`` and signed in
through ``channeldesk.sync.account`` like the app does; it reaches the real FastAPI app
through ``HttpTransport`` over the app's TestClient (an httpx client), wrapped in a
:class:`FaultyTransport` that can drop requests or answers, or answer nonsense.
"""

from __future__ import annotations

import hashlib
import json
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from channeldesk.server import accounts
from channeldesk.server.models import FieldState, ServerChange, StoredBatch, Team
from channeldesk.services import credentials
from channeldesk.store import Store, journal, open_store
from channeldesk.store.models import Contact, Partner, all_models, synced_models
from channeldesk.sync import account
from channeldesk.sync.engine import SyncEngine, SyncReport
from channeldesk.sync.errors import Offline
from channeldesk.sync.transport import HttpTransport, Reply, Transport

PASSWORD = "correct horse battery"
SERVER_URL = "http://testserver"


# A well-formed page whose first value no database should take (see ``_poisoned``).
POISONED_VALUES = {"nul_text": "Acme\x00", "surrogate_text": "Acme \ud800",
                   "huge_int": 2**63, "long_text": "x" * 100_001}


def _poisoned(reply: Reply, value: Any) -> Reply:
    body = json.loads(reply.body)
    items = body.get("changes") or body.get("rows")
    items[0]["value"] = value
    return Reply(reply.status, json.dumps(body).encode(), reply.headers)


class FaultyTransport:
    """A Transport that passes requests on, unless told to misbehave.

    ``offline``: every request fails as if the network were down. ``faults``: a queue
    of (kind, path fragment) applied to the next matching request, one each:
    ``drop_request`` (never sent), ``drop_response`` (handled by the server, answer
    lost), ``duplicate`` (sent twice), ``html``/``wrong_json``/``truncate`` (the
    server's answer replaced by nonsense), ``error_500``.
    """

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.offline = False
        self.faults: list[list] = []
        self.log: list[tuple[str, str, int]] = []

    def fail(self, kind: str, path: str = "", after: int = 0) -> None:
        """Misbehave on a request whose path contains ``path``, after letting
        ``after`` such requests through."""
        self.faults.append([kind, path, after])

    def _fault_for(self, path: str) -> str | None:
        for index, fault in enumerate(self.faults):
            kind, fragment, after = fault
            if fragment in path:
                if after:
                    fault[2] -= 1
                    return None
                del self.faults[index]
                return kind
        return None

    def request(self, method: str, path: str, **kwargs: Any) -> Reply:
        if self.offline:
            raise Offline("test: the network is down")
        kind = self._fault_for(path)
        if kind == "drop_request":
            raise Offline("test: request dropped")
        reply = self.inner.request(method, path, **kwargs)
        if kind == "duplicate":
            reply = self.inner.request(method, path, **kwargs)
        self.log.append((method, path, reply.status))
        if kind == "drop_response":
            raise Offline("test: answer dropped after the server handled it")
        if kind == "html":
            return Reply(200, b"<html><body>Welcome to nginx!</body></html>",
                         {"content-type": "text/html"})
        if kind == "wrong_json":
            return Reply(200, b'{"hello": "world"}', {"content-type": "application/json"})
        if kind == "truncate":
            return Reply(reply.status, reply.body[: max(1, len(reply.body) // 2)],
                         reply.headers)
        if kind in POISONED_VALUES:
            return _poisoned(reply, POISONED_VALUES[kind])
        if kind == "error_500":
            return Reply(500, b"Internal Server Error", {"content-type": "text/plain"})
        return reply

    def close(self) -> None:
        self.inner.close()


def _as_change(state: FieldState | None, seq: int) -> ServerChange | None:
    """A field state kept at a prune, shaped like the history row it came from."""
    if state is None or state.seq > seq:
        return None
    return ServerChange(table_name=state.table_name, row_id=state.row_id, field=state.field,
                        value=state.value, seq=state.seq, hlc=state.hlc,
                        device_id=state.device_id)


def _history_then(team_id: int, state: FieldState, seq: int) -> ServerChange | None:
    """The field's latest history entry at ``seq``: its own, or the field inside a
    record entry (protocol 4: one history row stands for a new record's fields, with the
    last of their seqs), shaped like a history row of that field."""
    rows = (ServerChange.select()
            .where((ServerChange.team == team_id) & (ServerChange.seq <= seq)
                   & (ServerChange.table_name == state.table_name)
                   & (ServerChange.row_id == state.row_id)
                   & ServerChange.field.in_([state.field, journal.RECORD_FIELD]))
            .order_by(ServerChange.seq.desc()))
    for row in rows:
        if row.field != journal.RECORD_FIELD:
            return row
        values = json.loads(row.value)
        if state.field in values:
            names = list(values)
            return ServerChange(table_name=row.table_name, row_id=row.row_id,
                                field=state.field,
                                value=json.dumps(values[state.field], ensure_ascii=False),
                                seq=row.seq - len(names) + 1 + names.index(state.field),
                                hlc=row.hlc, device_id=row.device_id)
    return None


@dataclass
class Server:
    """The real app on its own database, with admin helpers that act on its storage."""

    app: FastAPI
    http: TestClient
    teams: set[str] = field(default_factory=set)
    url: str = SERVER_URL
    # Field states as they were at the last prune, per team: a backup's values for
    # fields whose history the prune dropped (see restore_to).
    pruned_states: dict[str, dict[tuple[str, str, str], FieldState]] = field(
        default_factory=dict)

    @property
    def storage(self):
        return self.app.state.storage

    def add_user(self, email: str, team: str = "Acme Channel") -> None:
        with self.storage.session():
            if team not in self.teams:
                accounts.create_team(team)
                self.teams.add(team)
            accounts.create_user(team, email, PASSWORD)

    def team(self, name: str = "Acme Channel") -> Team:
        with self.storage.session():
            return Team.get(Team.name == name)

    def prune_all(self, name: str = "Acme Channel") -> None:
        """Drop the whole history (as retention does after 180 days)."""
        with self.storage.session(), self.storage.write_transaction():
            team = Team.get(Team.name == name)
            self.pruned_states[name] = {
                (state.table_name, state.row_id, state.field): state
                for state in FieldState.select().where(FieldState.team == team.id)}
            ServerChange.delete().where(ServerChange.team == team.id).execute()
            StoredBatch.delete().where(StoredBatch.team == team.id).execute()
            Team.update(min_seq=team.seq).where(Team.id == team.id).execute()

    def restore_to(self, seq: int, epoch: str, name: str = "Acme Channel") -> None:
        """Act as if the server was restored from a backup taken at ``seq``: later
        history is gone, each field holds its value as of then, the counter goes back,
        the epoch is new. ``seq`` is not below the pruned history; a field whose history
        before ``seq`` was pruned takes its value from the prune (which a real backup
        would have held)."""
        with self.storage.session(), self.storage.write_transaction():
            team = Team.get(Team.name == name)
            newer = list(FieldState.select().where((FieldState.team == team.id)
                                                   & (FieldState.seq > seq)))
            FieldState.delete().where((FieldState.team == team.id)
                                      & (FieldState.seq > seq)).execute()
            for state in newer:
                then = _history_then(team.id, state, seq)
                if then is None:
                    then = _as_change(self.pruned_states.get(name, {}).get(
                        (state.table_name, state.row_id, state.field)), seq)
                if then is not None:
                    FieldState.create(team=team.id, table_name=then.table_name,
                                      row_id=then.row_id, field=then.field, value=then.value,
                                      seq=then.seq, hlc=then.hlc, device=then.device_id)
            ServerChange.delete().where((ServerChange.team == team.id)
                                        & (ServerChange.seq > seq)).execute()
            StoredBatch.delete().where(StoredBatch.team == team.id).execute()
            Team.update(seq=seq, epoch=epoch).where(Team.id == team.id).execute()

    def transport(self, token: str | None) -> HttpTransport:
        return HttpTransport(SERVER_URL, token, client=self.http)


class Client:
    """One desktop: a database file, signed in through the real account code."""

    def __init__(self, server: Any, path: Path, email: str, *, reopen: bool = False,
                 **engine_options) -> None:
        """``server``: anything with ``url`` and ``transport(token)``. ``reopen``: the
        database is signed in already (an app restarted), just build the engine."""
        self.server = server
        self.email = email
        self.store: Store = open_store(path)
        self.path = path
        self.transport: FaultyTransport | None = None
        self.engine_options = engine_options
        if reopen:
            self.engine = account.require_engine(self.store, tokens=credentials,
                                                 transport_factory=self._factory,
                                                 **engine_options)
        else:
            self.sign_in()

    def _factory(self, url: str, token: str | None) -> Transport:
        self.transport = FaultyTransport(self.server.transport(token))
        return self.transport

    def sign_in(self) -> account.SignInResult:
        result = account.sign_in(self.store, self.server.url, self.email, PASSWORD, "laptop",
                                 tokens=credentials, transport_factory=self._factory)
        self.engine: SyncEngine = account.require_engine(
            self.store, tokens=credentials, transport_factory=self._factory,
            **self.engine_options)
        return result

    def sync(self, **kwargs) -> SyncReport:
        return self.engine.sync(**kwargs)

    # -- editing through the one write path --------------------------------------------
    # The store binds the peewee models to its database, one store per process; these
    # tests hold several, so each edit binds the models to this client's database first.

    def activate(self) -> Store:
        self.store.db.bind(all_models())
        return self.store

    def insert(self, model, values: dict) -> str:
        return self.activate().insert(model, values)

    def update(self, model, row_id: str, values: dict) -> dict:
        return self.activate().update(model, row_id, values)

    def delete(self, model, row_id: str) -> None:
        self.activate().delete(model, row_id)

    def restore(self, model, row_id: str) -> None:
        self.activate().restore(model, row_id)

    def get(self, model, row_id: str):
        return self.activate().get(model, row_id)

    def add_partner(self, name: str, **values) -> str:
        fields = {"name": name, "partner_type": "reseller", "tier": "silver",
                  "status": "active", "region": "emea", **values}
        return self.insert(Partner, fields)

    def add_contact(self, partner_id: str, name: str, **values) -> str:
        return self.insert(Contact, {"partner": partner_id, "name": name, **values})

    def value(self, model, row_id: str, field_name: str):
        return getattr(self.get(model, row_id), field_name)

    def close(self) -> None:
        self.store.close()


def table_hashes(store: Store) -> dict[str, str]:
    """A hash of every synced table's content (all columns but updated_at, which is
    a local clock stamp), so two databases holding the same data compare equal."""
    conn = store.db.connection()
    hashes = {}
    for model in synced_models():
        table = model._meta.table_name
        columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')
                   if row[1] != "updated_at"]
        rows = conn.execute(f'SELECT {", ".join(columns)} FROM "{table}" ORDER BY id')
        hashes[table] = hashlib.sha256(repr(rows.fetchall()).encode()).hexdigest()
    return hashes


def local_state(store: Store) -> dict:
    """Every synced table and all sync bookkeeping, for comparing whole states."""
    conn = store.db.connection()
    found: dict = dict(table_hashes(store))
    for table in ("change", "field_version", "field_version_prior", "conflict",
                  "sync_state"):
        found[table] = sorted(map(repr, conn.execute(f"SELECT * FROM {table}")))
    return found


def converge(*clients: Client, rounds: int = 2) -> None:
    """Quiet sync rounds: every client syncs, in turn, ``rounds`` times."""
    for _ in range(rounds):
        for client in clients:
            client.sync()


def run_in_thread(work: Callable[[], Any]) -> Any:
    """Run ``work`` on another thread (its own SQLite connection) and return its result."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # re-raised in the caller
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
