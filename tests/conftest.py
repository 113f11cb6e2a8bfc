"""Fixtures shared by the test suites. Keep this small: suite-specific ones live beside
their tests."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from db_samples import make_database
from pg_cluster import SKIP_ENV, PostgresCluster, find_bin_dir

from channeldesk.store import Store, open_store


@pytest.fixture(autouse=True, scope="session")
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The app's cache folder (open-check stamps) is the test session's, not the user's;
    set in the environment so the CLI run as a subprocess uses it too."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's database lives: a real file in a fresh folder."""
    return tmp_path / "channeldesk.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Store:
    """A fresh, real SQLite database opened through the one write path."""
    opened = open_store(db_path)
    yield opened
    opened.close()



def _run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True).returncode == 0


@pytest.fixture
def read_only_folder(tmp_path: Path):
    """A folder holding a ChannelDesk database (``channeldesk.sqlite3``) nobody may write to.

    Permission bits do not stop root, so as root the folder is a tmpfs remounted
    read-only; otherwise it is chmod 0o555.
    """
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() == 0:
        if not _run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)):
            pytest.skip("running as root, which ignores permission bits, and mounting a "
                        "tmpfs to make a read-only folder is not allowed here")
        try:
            make_database(folder / "channeldesk.sqlite3")
            if not _run("mount", "-o", "remount,ro", str(folder)):
                pytest.skip("could not remount the tmpfs read-only")
            yield folder
        finally:
            if not _run("umount", str(folder)):
                _run("umount", "-l", str(folder))
    else:
        make_database(folder / "channeldesk.sqlite3")
        (folder / "channeldesk.sqlite3").chmod(0o444)
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a real, nearly full disk: a 1 MiB tmpfs (as root, as in CI).

    A real file system that runs out of space, so SQLite and Python see the ENOSPC they
    would see on a full laptop disk; without root (no mount) the test is skipped.
    """
    folder = tmp_path / "small-disk"
    folder.mkdir()
    if os.geteuid() != 0 or not _run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs",
                                     str(folder)):
        pytest.skip("a full disk is simulated with a small tmpfs, which needs root")
    try:
        yield folder
    finally:
        if not _run("umount", str(folder)):
            _run("umount", "-l", str(folder))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """One throwaway PostgreSQL server for the whole run (fsync off, trust auth), shared by
    the server and sync suites."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if os.environ.get(SKIP_ENV) == "1":
            pytest.skip(f"PostgreSQL is not installed and {SKIP_ENV}=1")
        pytest.fail("PostgreSQL is not installed: run ./installer/dev.sh test, which installs "
                    f"it, or set {SKIP_ENV}=1 to skip the PostgreSQL half of the suite.")
    cluster = PostgresCluster(bin_dir).start()
    yield cluster
    cluster.stop()
