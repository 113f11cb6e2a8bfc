"""The ``channeldesk-server`` admin commands, run as real processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from channeldesk.server import accounts
from channeldesk.server.storage import open_storage

SCRIPT = Path(sys.executable).parent / "channeldesk-server"


def server_command(*args: str) -> list[str]:
    """The installed console script (what an admin runs), else the module."""
    if SCRIPT.exists():
        return [str(SCRIPT), *args]
    return [sys.executable, "-m", "channeldesk.server.cli", *args]


@pytest.fixture
def run(server_db_url: str, tmp_path: Path):
    """Run one command against the test database; returns the finished process."""
    data_dir = tmp_path / "cli-data"

    def run_command(*args: str, stdin: str | None = None, database: str | None = None):
        command = server_command(*args, "--database", database or server_db_url,
                                 "--data-dir", str(data_dir))
        return subprocess.run(command, input=stdin, capture_output=True, text=True,
                              timeout=120, stdin=None if stdin is not None
                              else subprocess.DEVNULL)

    return run_command


def _in_storage(url: str, action):
    storage = open_storage(url)
    try:
        with storage.session():
            return action()
    finally:
        storage.close()


def test_create_team_and_user_then_log_in(run, server_db_url):
    made = run("create-team", "Acme Channel")
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "Created team 'Acme Channel'."
    user = run("create-user", "--team", "Acme Channel", "--email", "Alice@Acme.example",
               "--password-stdin", stdin="a long secret\n")
    assert user.returncode == 0, user.stderr
    assert "alice@acme.example" in user.stdout
    assert "a long secret" not in user.stdout + user.stderr
    result = _in_storage(server_db_url, lambda: accounts.login(
        "alice@acme.example", "a long secret", "laptop", "127.0.0.1"))
    assert result.team_name == "Acme Channel"


def test_refusals_are_one_line_with_exit_2(run):
    assert run("create-team", "Acme").returncode == 0
    cases = [
        (("create-team", "Acme"), None, "already exists"),
        (("create-user", "--team", "Nope", "--email", "a@b.example", "--password-stdin"),
         "long enough pw\n", "no team named"),
        (("create-user", "--team", "Acme", "--email", "a@b.example", "--password-stdin"),
         "short\n", "at least 8"),
        (("create-user", "--team", "Acme", "--email", "not-an-email", "--password-stdin"),
         "long enough pw\n", "not an email"),
        (("create-user", "--team", "Acme", "--email", "a@b.example"), None,
         "--password-stdin"),
        (("revoke-device", "0" * 32), None, "no device"),
        (("reset-password", "--email", "ghost@b.example", "--password-stdin"),
         "long enough pw\n", "no user"),
        (("list-users", "--team", "Nope"), None, "no team named"),
        (("prune", "--days", "-1"), None, "--days"),
    ]
    for args, stdin, message in cases:
        done = run(*args, stdin=stdin)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr


def test_list_users_revoke_device_and_reset_password(run, server_db_url):
    run("create-team", "Acme")
    run("create-team", "Globex")
    for team, email in (("Acme", "alice@acme.example"), ("Acme", "carol@acme.example"),
                        ("Globex", "bob@globex.example")):
        done = run("create-user", "--team", team, "--email", email, "--password-stdin",
                   stdin="first password\n")
        assert done.returncode == 0, done.stderr
    session = _in_storage(server_db_url, lambda: accounts.login(
        "alice@acme.example", "first password", "laptop", "127.0.0.1"))
    device = session.device_id
    assert _in_storage(server_db_url, lambda: accounts.authenticate(session.token))

    listed = run("list-users")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert [line.split("\t")[:3] for line in lines if not line.startswith(" ")] == [
        ["alice@acme.example", "team=Acme", "devices=1"],
        ["carol@acme.example", "team=Acme", "devices=0"],
        ["bob@globex.example", "team=Globex", "devices=0"],
    ]
    # Under its user, each device with the id revoke-device takes, its name, last seen.
    device_line = lines[1].strip().split("\t")
    assert device_line[:2] == [device, "laptop"]
    assert device_line[2].startswith("last seen 20") and device_line[3] == "active"
    only = run("list-users", "--team", "Globex").stdout.strip().splitlines()
    assert len(only) == 1 and only[0].startswith("bob@globex.example")

    revoked = run("revoke-device", device)
    assert revoked.returncode == 0, revoked.stderr
    assert device in revoked.stdout
    assert _in_storage(server_db_url, lambda: accounts.authenticate(session.token)) is None
    after = run("list-users").stdout.splitlines()
    assert after[0].split("\t")[2] == "devices=0"
    assert after[1].strip().split("\t")[0] == device and "revoked 20" in after[1]

    reset = run("reset-password", "--email", "carol@acme.example", "--password-stdin",
                stdin="second password\n")
    assert reset.returncode == 0, reset.stderr
    with pytest.raises(accounts.LoginRefusedError):
        _in_storage(server_db_url, lambda: accounts.login(
            "carol@acme.example", "first password", "x", "127.0.0.2"))
    assert _in_storage(server_db_url, lambda: accounts.login(
        "carol@acme.example", "second password", "x", "127.0.0.2")).device_id


def test_prune_reports_per_team(run):
    run("create-team", "Acme")
    done = run("prune", "--days", "180")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("Acme: removed 0 changes")


def test_database_problems_exit_3(run, tmp_path):
    bad = run("list-users", database="sqlite:///" + str(tmp_path / "missing" / "x.db"))
    assert bad.returncode == 3
    assert "does not exist" in bad.stderr
    newer = tmp_path / "newer.sqlite3"
    assert run("create-team", "X", database="sqlite:///" + str(newer)).returncode == 0
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE server_meta SET value = '99'")
    conn.close()
    refused = run("list-users", database="sqlite:///" + str(newer))
    assert refused.returncode == 3
    assert "newer than this server" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_usage_errors_and_help():
    assert subprocess.run(server_command("--help"), capture_output=True,
                          timeout=60).returncode == 0
    wrong = subprocess.run(server_command("frobnicate"), capture_output=True, text=True,
                           timeout=60)
    assert wrong.returncode == 2
    missing = subprocess.run(server_command("create-user", "--team", "x"),
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "--email" in missing.stderr
