"""Fixtures for the store tests: real files in real folders, nothing mocked."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from channeldesk.store import open_store
from channeldesk.store.models import Partner


def make_database(path: Path, partners: int = 1) -> Path:
    """A closed ChannelDesk database holding ``partners`` partners."""
    store = open_store(path)
    with store.transaction():
        for number in range(partners):
            store.insert(Partner, {
                "name": f"Partner {number}", "partner_type": "msp", "tier": "gold",
                "status": "active", "region": "emea", "internal_notes": "x" * 40,
            })
    store.close()
    return path


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
