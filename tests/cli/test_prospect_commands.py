"""`channeldesk import prospects` and `export prospects`, run as real subprocesses."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    values = {k: v for k, v in os.environ.items() if k != "CHANNELDESK_DB"}
    for name in ("HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        values[name] = str(tmp_path / name.lower())
    return values


def run(env, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "channeldesk", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def state(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        return (conn.execute("SELECT count(*) FROM prospect").fetchone()[0],
                conn.execute("SELECT count(*) FROM change").fetchone()[0])
    finally:
        conn.close()


def test_an_invalid_row_means_exit_2_and_nothing_imported(env, tmp_path):
    db, source = tmp_path / "db.sqlite3", tmp_path / "in.csv"
    source.write_text("Company;Employees\nAcme;10\nBeta;n/a\n", encoding="utf-8")
    result = run(env, "import", "prospects", str(source), "--db", str(db))
    assert result.returncode == 2
    assert "Row 3: 'Employees' is 'n/a'" in result.stderr
    assert "nothing was imported" in result.stderr and "Traceback" not in result.stderr
    assert state(db) == (0, 0)

    dry = run(env, "import", "prospects", str(source), "--db", str(db), "--dry-run",
              "--skip-invalid")
    assert dry.returncode == 0 and "Dry run" in dry.stdout and "1 added" in dry.stdout
    assert state(db) == (0, 0)

    done = run(env, "import", "prospects", str(source), "--db", str(db), "--skip-invalid")
    assert done.returncode == 0, done.stderr
    assert "1 added" in done.stdout and state(db)[0] == 1


def test_a_refused_file_is_one_clear_message(env, tmp_path):
    source = tmp_path / "empty.csv"
    source.write_bytes(b"")
    result = run(env, "import", "prospects", str(source), "--db", str(tmp_path / "db.sqlite3"))
    assert result.returncode == 2
    assert result.stderr.strip() == "empty.csv is empty: there is nothing to import. Nothing " \
                                    "was imported."
    assert run(env, "import", "--db", str(tmp_path / "db.sqlite3")).returncode == 2


def test_export_then_import_again_finds_only_duplicates(env, tmp_path):
    db, source, out = tmp_path / "db.sqlite3", tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("Account Name,Website,Industry\nAcme,acme.example,Retail\n"
                      "Beta,beta.example,Finance\n", encoding="utf-8")
    assert run(env, "import", "prospects", str(source), "--db", str(db)).returncode == 0
    exported = run(env, "export", "prospects", "--db", str(db), "--out", str(out))
    assert exported.returncode == 0 and "Exported 2 prospects" in exported.stdout
    again = run(env, "import", "prospects", str(out), "--db", str(db))
    assert again.returncode == 0 and "0 added" in again.stdout
    assert "2 duplicates skipped" in again.stdout
    assert state(db)[0] == 2
