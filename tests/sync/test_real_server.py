"""End to end: ``channeldesk-server serve`` on 127.0.0.1, clients over real HTTP, and the
``channeldesk login/sync/logout`` commands as subprocesses with a keyring backend
chosen through PYTHON_KEYRING_BACKEND."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from channeldesk.store import open_store
from channeldesk.store.models import Partner
from channeldesk.sync import conflicts

from .harness import PASSWORD, Client, converge, table_hashes
from .served import RunningServer, _server_command, cli_environment, free_port, run_cli, serve


@pytest.fixture
def running(server_db_url: str, tmp_path: Path) -> Iterator[RunningServer]:
    """The real server process, on SQLite and on PostgreSQL."""
    with serve(server_db_url, tmp_path / "serve-data") as server:
        yield server


@pytest.fixture
def running_sqlite(sqlite_server_url: str, tmp_path: Path) -> Iterator[RunningServer]:
    with serve(sqlite_server_url, tmp_path / "serve-data") as server:
        yield server


def test_two_desktops_over_http(running: RunningServer, tmp_path: Path):
    for email in ("alice@acme.example", "carol@acme.example"):
        running.add_user(email)
    alice = Client(running, tmp_path / "alice.sqlite3", "alice@acme.example")
    carol = Client(running, tmp_path / "carol.sqlite3", "carol@acme.example", page_limit=50)
    try:
        ids = [alice.add_partner(f"Partner {n}", website=f"https://p{n}.example" * 3)
               for n in range(120)]  # a push body well over the gzip threshold
        assert alice.sync().pushed == 120 * 12
        assert carol.sync().pulled == 120 * 12
        alice.update(Partner, ids[0], {"tier": "gold"})
        carol.update(Partner, ids[0], {"tier": "platinum"})
        alice.sync()
        assert carol.sync().conflicts == 1
        [found] = conflicts.list_conflicts(carol.store)
        conflicts.resolve(carol.store, found.id, "keep_mine")
        converge(carol, alice)
        assert alice.value(Partner, ids[0], "tier") == "platinum"
        assert table_hashes(alice.store) == table_hashes(carol.store)
    finally:
        alice.close()
        carol.close()


def _hashes(path: Path) -> dict[str, str]:
    store = open_store(path)
    try:
        return table_hashes(store)
    finally:
        store.close()


def test_cli_login_sync_logout(running_sqlite: RunningServer, tmp_path: Path):
    server = running_sqlite
    for email in ("alice@acme.example", "carol@acme.example"):
        server.add_user(email)
    env = cli_environment(tmp_path)
    a, c = str(tmp_path / "a.sqlite3"), str(tmp_path / "c.sqlite3")
    assert run_cli(env, "demo", "--db", a).returncode == 0

    login = run_cli(env, "login", "--db", a, "--server", server.url, "--email",
                    "alice@acme.example", "--password-stdin", stdin=PASSWORD + "\n")
    assert login.returncode == 0, login.stderr
    assert "Signed in to" in login.stdout and "team Acme Channel" in login.stdout
    keyring_file = json.loads((tmp_path / "keyring.json").read_text())
    assert [key.split("/")[0] for key in keyring_file] == ["ChannelDesk"]

    pushed = run_cli(env, "sync", "--db", a, "--server", server.url + "/")
    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout.startswith("pulled 0, pushed ") and "conflicts 0" in pushed.stdout

    assert run_cli(env, "login", "--db", c, "--server", server.url, "--email",
                   "carol@acme.example", "--password-stdin",
                   stdin=PASSWORD + "\n").returncode == 0
    pulled = run_cli(env, "sync", "--db", c)
    assert pulled.returncode == 0 and not pulled.stdout.startswith("pulled 0")
    assert _hashes(Path(a)) == _hashes(Path(c))

    out = run_cli(env, "logout", "--db", c)
    assert out.returncode == 0 and "revoked" in out.stdout
    assert len(json.loads((tmp_path / "keyring.json").read_text())) == 1
    refused = run_cli(env, "sync", "--db", c)
    assert refused.returncode == 2 and "not signed in" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert run_cli(env, "logout", "--db", c).returncode == 0  # nothing to do, fine


def test_cli_without_a_keyring_refuses_to_keep_a_token(running_sqlite, tmp_path):
    running_sqlite.add_user("alice@acme.example")
    env = cli_environment(tmp_path, keyring_backend="keyring.backends.fail.Keyring")
    db = str(tmp_path / "a.sqlite3")
    result = run_cli(env, "login", "--db", db, "--server", running_sqlite.url, "--email",
                     "alice@acme.example", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.returncode == 2
    assert "no secure keyring" in result.stderr and "revoked" in result.stderr
    assert run_cli(env, "sync", "--db", db).returncode == 2


def test_cli_without_a_keyring_keeps_the_token_in_an_owner_only_file_when_asked(
        running_sqlite, tmp_path):
    server = running_sqlite
    server.add_user("alice@acme.example")
    env = cli_environment(tmp_path, keyring_backend="keyring.backends.fail.Keyring")
    db, token_file = str(tmp_path / "a.sqlite3"), tmp_path / "sync-token.json"
    assert run_cli(env, "demo", "--db", db).returncode == 0
    login = run_cli(env, "login", "--db", db, "--server", server.url, "--email",
                    "alice@acme.example", "--password-stdin", "--token-file", str(token_file),
                    stdin=PASSWORD + "\n")
    assert login.returncode == 0, login.stderr
    assert str(token_file) in login.stdout and "readable only by you" in login.stdout
    assert token_file.stat().st_mode & 0o777 == 0o600
    [token] = json.loads(token_file.read_text()).values()
    assert token.encode() not in Path(db).read_bytes()

    synced = run_cli(env, "sync", "--db", db)  # finds the file login named by itself
    assert synced.returncode == 0 and synced.stdout.startswith("pulled 0, pushed "), synced

    token_file.chmod(0o644)
    refused = run_cli(env, "sync", "--db", db)
    assert refused.returncode == 2 and "chmod 600" in refused.stderr
    token_file.chmod(0o600)

    # An admin revokes the device (a lost laptop); logout hears the server's answer.
    listed = subprocess.run(
        _server_command("list-users", "--database", server.database_url, "--data-dir",
                       str(server.data_dir)), capture_output=True, text=True, timeout=120)
    device_id = listed.stdout.splitlines()[1].split()[0]
    server.admin("revoke-device", device_id)
    out = run_cli(env, "logout", "--db", db)
    assert out.returncode == 0, out.stderr
    assert "already revoked" in out.stdout and "could not be reached" not in out.stdout
    assert not token_file.exists()


def test_cli_server_problems_exit_4(running_sqlite, tmp_path):
    running_sqlite.add_user("alice@acme.example")
    env = cli_environment(tmp_path)
    db = str(tmp_path / "a.sqlite3")
    wrong = run_cli(env, "login", "--db", db, "--server", running_sqlite.url, "--email",
                    "alice@acme.example", "--password-stdin", stdin="nope\n")
    assert wrong.returncode == 4 and "Wrong email or password" in wrong.stderr
    nowhere = run_cli(env, "login", "--db", db, "--server", f"http://127.0.0.1:{free_port()}",
                      "--email", "alice@acme.example", "--password-stdin",
                      stdin=PASSWORD + "\n")
    assert nowhere.returncode == 4 and "Cannot reach" in nowhere.stderr
    assert len(nowhere.stderr.strip().splitlines()) == 1
    assert run_cli(env, "login", "--db", db, "--server", running_sqlite.url, "--email",
                   "alice@acme.example", "--password-stdin",
                   stdin=PASSWORD + "\n").returncode == 0
    other = run_cli(env, "sync", "--db", db, "--server", "https://elsewhere.example")
    assert other.returncode == 2 and "signed in to" in other.stderr
    running_sqlite.stop()
    down = run_cli(env, "sync", "--db", db)
    assert down.returncode == 4 and "Cannot reach" in down.stderr


def test_cli_sync_on_a_damaged_database_exits_3(tmp_path):
    env = cli_environment(tmp_path)
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    result = run_cli(env, "sync", "--db", str(path))
    assert result.returncode == 3
    assert path.read_bytes() == b"this is not a database" * 100


def test_cli_sync_with_the_database_locked_exits_3(running_sqlite, tmp_path):
    running_sqlite.add_user("alice@acme.example")
    env = cli_environment(tmp_path)
    db = tmp_path / "a.sqlite3"
    assert run_cli(env, "demo", "--db", str(db)).returncode == 0
    assert run_cli(env, "login", "--db", str(db), "--server", running_sqlite.url, "--email",
                   "alice@acme.example", "--password-stdin",
                   stdin=PASSWORD + "\n").returncode == 0
    holder = sqlite3.connect(db, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run_cli(env, "sync", "--db", str(db))
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 3, result.stderr


def _partner_db(path: Path) -> str:
    """A database holding one partner (tier silver), written through the store."""
    store = open_store(path)
    try:
        return store.insert(Partner, {"name": "Acme Resellers", "partner_type": "reseller",
                                      "tier": "silver", "status": "active",
                                      "region": "emea"})
    finally:
        store.close()


def _raw_tier(path: Path, partner: str, tier: str) -> None:
    """An edit the forms would refuse, written raw (journalled like any edit)."""
    store = open_store(path)
    try:
        with store.db.atomic():
            store.db.connection().execute(
                "UPDATE partner SET tier = ?, updated_at = ? WHERE id = ?",
                (tier, store.clock.now(), partner))
    finally:
        store.close()


def test_cli_sync_lists_what_the_server_refused_and_what_it_kept_aside(
        running_sqlite: RunningServer, sqlite_server_url: str, tmp_path: Path):
    server = running_sqlite
    for email in ("alice@acme.example", "carol@acme.example"):
        server.add_user(email)
    env = cli_environment(tmp_path)
    a, c = tmp_path / "a.sqlite3", tmp_path / "c.sqlite3"
    partner = _partner_db(a)
    for db, email in ((a, "alice@acme.example"), (c, "carol@acme.example")):
        assert run_cli(env, "login", "--db", str(db), "--server", server.url, "--email",
                       email, "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
    assert run_cli(env, "sync", "--db", str(a)).returncode == 0

    # The server holds a value this version does not allow (an older server stored it).
    server_file = sqlite_server_url.removeprefix("sqlite:///")
    with sqlite3.connect(server_file) as raw:
        changed = raw.execute("UPDATE field_state SET value = ? WHERE row_id = ? AND "
                              "field = 'tier'", (json.dumps("diamond"), partner))
        assert changed.rowcount == 1
        # The new record's history entry holds its fields together (protocol 4).
        changed = raw.execute("UPDATE server_change SET value = replace(value, ?, ?) "
                              "WHERE row_id = ? AND field = '*'",
                              ('"tier":"silver"', '"tier":"diamond"', partner))
        assert changed.rowcount == 1
    pulled = run_cli(env, "sync", "--db", str(c))
    assert pulled.returncode == 0, pulled.stderr  # a result of the sync, not a failure
    lines = pulled.stdout.splitlines()
    assert lines[0].startswith("pulled ")
    assert lines[1] == ("1 value kept aside from the server (this version's rules do not "
                        "allow them; decide in the app's Conflicts):")
    assert lines[2].startswith("  Partner · Acme Resellers, Tier = 'diamond': ")
    assert len(lines) == 3

    _raw_tier(a, partner, "platinum-plus")
    pushed = run_cli(env, "sync", "--db", str(a))
    assert pushed.returncode == 0, pushed.stderr
    lines = pushed.stdout.splitlines()
    assert lines[0].startswith("pulled ") and "conflicts 1" in lines[0]
    assert lines[1].startswith("1 value refused by the server (your value is kept here")
    assert lines[2].startswith("  Partner · Acme Resellers, Tier = 'platinum-plus': "
                               "'platinum-plus' is not a tier")
