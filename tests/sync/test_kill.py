"""kill -9 of ``channeldesk sync`` at random moments: the file stays healthy and the
next sync completes with nothing lost or doubled."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from channeldesk.server.models import ServerChange
from channeldesk.server.storage import open_storage
from channeldesk.store import open_store

from .harness import PASSWORD, table_hashes
from .served import channeldesk_command, cli_environment, run_cli, serve


def _login(env, db: Path, url: str, email: str) -> None:
    result = run_cli(env, "login", "--db", str(db), "--server", url, "--email", email,
                     "--password-stdin", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr


def _partners(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM partner").fetchone()[0]


@pytest.mark.slow
def test_kill_9_mid_sync_loses_nothing(sqlite_server_url: str, tmp_path: Path):
    rng = random.Random(20261127)
    env = cli_environment(tmp_path)
    with serve(sqlite_server_url, tmp_path / "serve-data") as server:
        for email in ("alice@acme.example", "carol@acme.example"):
            server.add_user(email)
        a = tmp_path / "a" / "a.sqlite3"
        c = tmp_path / "c" / "c.sqlite3"
        a.parent.mkdir()
        c.parent.mkdir()
        expected = 0
        for db, email in ((a, "alice@acme.example"), (c, "carol@acme.example")):
            assert run_cli(env, "demo", "--db", str(db)).returncode == 0
            expected += _partners(db)
            _login(env, db, server.url, email)
        killed = 0
        for attempt in range(5):
            db = a if attempt % 2 == 0 else c
            process = subprocess.Popen(channeldesk_command("sync", "--db", str(db)), env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            time.sleep(rng.uniform(0.4, 1.6))  # start-up is ~0.4 s; a sync ~1 s
            process.send_signal(signal.SIGKILL)
            process.communicate()
            killed += process.returncode == -signal.SIGKILL
            check = run_cli(env, "check", "--db", str(db))
            assert check.returncode == 0, check.stderr
        assert killed >= 3, "the kills should land while syncs run"
        for db in (a, c, a):
            result = run_cli(env, "sync", "--db", str(db))
            assert result.returncode == 0, result.stderr
        stores = [open_store(a), open_store(c)]
        try:
            assert table_hashes(stores[0]) == table_hashes(stores[1])
            assert _partners(a) == expected  # both demo portfolios, each partner once
        finally:
            for store in stores:
                store.close()
        storage = open_storage(sqlite_server_url)
        try:
            with storage.session():
                ids = [r[0] for r in ServerChange.select(ServerChange.change_id).tuples()]
        finally:
            storage.close()
        assert len(ids) == len(set(ids))


@pytest.mark.slow
def test_kill_9_mid_import_leaves_all_or_nothing_journalled(tmp_path: Path):
    """The record entries of an import commit with its rows or not at all: killed at
    random moments, the file holds either no imported prospect or all of them, each
    with exactly one record entry in the journal, and it passes ``check``."""
    rng = random.Random(20261204)
    env = cli_environment(tmp_path)
    rows = 40_000  # an import of several seconds: the kills land in its phases
    source = tmp_path / "prospects.csv"
    source.write_text("Company,Website,Country\n" + "".join(
        f"Company {n},c{n}.example,Germany\n" for n in range(rows)), encoding="utf-8")
    outcomes, killed = [], 0
    for attempt in range(4):
        db = tmp_path / f"{attempt}.sqlite3"
        assert run_cli(env, "demo", "--db", str(db)).returncode == 0
        with sqlite3.connect(db) as conn:
            before = conn.execute("SELECT count(*) FROM prospect").fetchone()[0]
        process = subprocess.Popen(
            channeldesk_command("import", "prospects", str(source), "--db", str(db)),
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.5, 3.0))
        process.send_signal(signal.SIGKILL)
        process.communicate()
        killed += process.returncode == -signal.SIGKILL
        check = run_cli(env, "check", "--db", str(db))
        assert check.returncode == 0, check.stderr
        with sqlite3.connect(db) as conn:
            imported = conn.execute("SELECT count(*) FROM prospect").fetchone()[0] - before
            unjournalled = conn.execute(
                "SELECT count(*) FROM prospect AS p WHERE NOT EXISTS (SELECT 1 FROM change "
                "AS c WHERE c.table_name = 'prospect' AND c.row_id = p.id AND c.field = '*')"
            ).fetchone()[0]
            doubled = conn.execute(
                "SELECT count(*) FROM (SELECT row_id FROM change WHERE field = '*' "
                "GROUP BY table_name, row_id HAVING count(*) > 1)").fetchone()[0]
        assert imported in (0, rows)
        assert (unjournalled, doubled) == (0, 0)
        outcomes.append((process.returncode, imported))
    assert killed >= 3, f"the kills should land while imports run: {outcomes}"
