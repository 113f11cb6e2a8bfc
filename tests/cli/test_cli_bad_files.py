"""Every database the CLI cannot use gets one clear line, exit code 3, and no change."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from db_samples import HeldLock, corrupt, make_database, missing_folder, newer_schema, text_file

CASES = {
    "corrupt": (corrupt, "damaged"),
    "not-a-database": (text_file, "not a ChannelDesk database"),
    "newer-schema": (newer_schema, "newer ChannelDesk"),
    "missing-folder": (missing_folder, "does not exist"),
}


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def run_demo(path: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`demo` writes, so it must open the file for writing: the strictest command."""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "channeldesk", "demo", "--db", str(path)],
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def assert_refused(result: subprocess.CompletedProcess[str], reason: str) -> None:
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0], result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", CASES)
def test_bad_file_is_refused_in_one_line(tmp_path, case):
    make, reason = CASES[case]
    path = make(tmp_path)
    before = digest(path)
    assert_refused(run_demo(path, tmp_path), reason)
    assert digest(path) == before


def test_locked_file_is_refused_in_one_line(tmp_path):
    path = make_database(tmp_path / "locked.sqlite3")
    before = digest(path)
    with HeldLock(path):
        result = run_demo(path, tmp_path)
    assert_refused(result, "in use by another program")
    assert digest(path) == before


def test_read_only_folder_is_refused_in_one_line(tmp_path, read_only_folder):
    path = read_only_folder / "channeldesk.sqlite3"
    before = digest(path)
    assert_refused(run_demo(path, tmp_path), "cannot write")
    assert digest(path) == before
