"""check_database: the verdicts on healthy and damaged files, never changing a byte."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from channeldesk.services.health_check import check_database
from channeldesk.store import migrations, open_store
from channeldesk.store.models import Partner

CURRENT_VERSION = migrations.current_version()
PARTNER = {"name": "Łódź Systemy Sp. z o.o.", "partner_type": "msp", "tier": "gold",
           "status": "active", "region": "emea"}


@pytest.fixture
def healthy(tmp_path: Path) -> Path:
    """A closed ChannelDesk database with one partner."""
    path = tmp_path / "healthy.sqlite3"
    store = open_store(path)
    store.insert(Partner, PARTNER)
    store.close()
    return path


def assert_unchanged(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before


def test_healthy_file_is_ok(healthy: Path) -> None:
    before = healthy.read_bytes()
    result = check_database(healthy)
    assert result.ok
    assert result.reason == f"schema {CURRENT_VERSION}, integrity ok, foreign keys ok"
    assert result.schema_version == CURRENT_VERSION
    assert result.integrity == ("ok",)
    assert result.foreign_key_violations == 0
    assert_unchanged(healthy, before)


def test_check_leaves_no_files_beside_the_database(healthy: Path) -> None:
    assert check_database(healthy).ok
    assert sorted(p.name for p in healthy.parent.iterdir()) == [healthy.name]


def test_read_only_file_can_be_checked(healthy: Path) -> None:
    healthy.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        assert check_database(healthy).ok
    finally:
        healthy.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_works_while_a_store_has_the_file_open(tmp_path: Path) -> None:
    path = tmp_path / "open.sqlite3"
    store = open_store(path)
    try:
        store.insert(Partner, PARTNER)  # committed to the WAL, not yet checkpointed
        assert check_database(path).ok
    finally:
        store.close()


def test_missing_file_is_reported_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nothing.sqlite3"
    result = check_database(path)
    assert not result.ok
    assert "does not exist" in result.reason
    assert not path.exists()


def test_folder_is_reported(tmp_path: Path) -> None:
    result = check_database(tmp_path)
    assert not result.ok
    assert "folder" in result.reason


def test_empty_file_is_reported_and_stays_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    result = check_database(path)
    assert not result.ok
    assert "empty" in result.reason
    assert path.stat().st_size == 0


def test_text_file_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("partner list\nAcme, gold\n")
    before = path.read_bytes()
    result = check_database(path)
    assert not result.ok
    assert "not a ChannelDesk database" in result.reason
    assert_unchanged(path, before)


def test_other_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    conn.close()
    before = path.read_bytes()
    result = check_database(path)
    assert not result.ok
    assert "not a ChannelDesk one" in result.reason
    assert_unchanged(path, before)


def test_newer_schema_is_reported(healthy: Path) -> None:
    conn = sqlite3.connect(healthy)
    conn.execute("INSERT INTO schema_version VALUES (?, 'from the future', '2030-01-01')",
                 (CURRENT_VERSION + 1,))
    conn.commit()
    conn.close()
    before = healthy.read_bytes()
    result = check_database(healthy)
    assert not result.ok
    assert result.schema_version == CURRENT_VERSION + 1
    assert "newer ChannelDesk" in result.reason
    assert_unchanged(healthy, before)


def test_damaged_pages_are_reported_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite3"
    store = open_store(path)
    with store.transaction():
        for number in range(300):
            store.insert(Partner, {**PARTNER, "name": f"Partner {number}",
                                   "internal_notes": "x" * 200})
    store.close()
    page_size = 4096
    with path.open("r+b") as handle:
        handle.seek(page_size * 4)
        handle.write(os.urandom(page_size * 3))
    before = path.read_bytes()
    result = check_database(path)
    assert not result.ok
    assert "damaged" in result.reason
    assert "\n" not in result.reason
    assert_unchanged(path, before)


def test_rows_pointing_nowhere_are_reported(healthy: Path) -> None:
    conn = sqlite3.connect(healthy)  # foreign keys are off in a bare connection
    conn.execute(
        "INSERT INTO contact (id, created_at, updated_at, partner_id, name) "
        "VALUES ('c1', '0001', '0001', 'no-such-partner', 'Orphan')"
    )
    conn.commit()
    conn.close()
    result = check_database(healthy)
    assert not result.ok
    assert result.foreign_key_violations == 1
    assert "contact" in result.reason


def test_records_waiting_for_their_parents_mid_download_are_explained(healthy: Path) -> None:
    conn = sqlite3.connect(healthy)
    conn.execute(
        "INSERT INTO contact (id, created_at, updated_at, partner_id, name) "
        "VALUES ('c1', '0001', '0001', 'partner-on-a-later-page', 'Early contact')"
    )
    conn.execute("INSERT INTO sync_state (key, value) VALUES ('snapshot_mode', 'gone')")
    conn.commit()
    conn.close()
    result = check_database(healthy)
    assert result.ok and result.foreign_key_violations == 1
    assert "download is in progress" in result.reason
    assert "the next sync completes it" in result.notes[0]
