"""Backups of a database in use: a consistent snapshot, or nothing at all."""

from __future__ import annotations

import sqlite3

import pytest
from db_samples import make_database

from channeldesk.store import backup, open_store
from channeldesk.store.backup import BackupError, backup_database
from channeldesk.store.models import Change, Partner


def partner(number: int) -> dict[str, str]:
    return {"name": f"Partner {number}", "partner_type": "isv", "tier": "silver",
            "status": "active", "region": "apac", "internal_notes": "n" * 300}


def test_backup_while_another_connection_writes_is_a_consistent_snapshot(
    store, tmp_path, monkeypatch
):
    with store.transaction():
        for number in range(200):
            store.insert(Partner, partner(number))
    committed = Partner.select().count()
    journalled = Change.select().count()
    # Copy a few pages per step so the writer below commits between many steps.
    monkeypatch.setattr(backup, "PAGES_PER_STEP", 4)
    steps: list[tuple[int, int]] = []

    def write_between_steps(done: int, total: int) -> None:
        steps.append((done, total))
        if len(steps) > 1000:
            raise AssertionError("the backup keeps restarting under a concurrent writer")
        store.insert(Partner, partner(1000 + len(steps)))  # a commit on another connection

    target = backup_database(store.path, tmp_path / "copy.sqlite3", write_between_steps)

    assert len(steps) > 10
    assert Partner.select().count() == committed + len(steps)  # the writes really happened
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert copy.execute("SELECT count(*) FROM partner").fetchone()[0] == committed
    assert copy.execute("SELECT count(*) FROM change").fetchone()[0] == journalled
    copy.close()
    assert sorted(p.name for p in tmp_path.iterdir() if "copy" in p.name) == ["copy.sqlite3"]


def test_backup_opens_as_a_channeldesk_database(tmp_path):
    source = make_database(tmp_path / "db.sqlite3", partners=3)
    (tmp_path / "backups").mkdir()
    target = backup_database(source, tmp_path / "backups" / "db.sqlite3")
    store = open_store(target)
    assert Partner.select().count() == 3
    store.close()


def test_backup_replaces_an_older_copy_whole(tmp_path):
    source = make_database(tmp_path / "db.sqlite3", partners=2)
    target = tmp_path / "copy.sqlite3"
    target.write_text("an older, smaller copy")
    backup_database(source, target)
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM partner").fetchone()[0] == 2
    copy.close()


def test_backup_into_a_missing_folder_leaves_nothing(tmp_path):
    source = make_database(tmp_path / "db.sqlite3")
    with pytest.raises(BackupError, match="does not exist"):
        backup_database(source, tmp_path / "missing" / "copy.sqlite3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.sqlite3"]


def test_backup_into_a_read_only_folder_leaves_nothing(read_only_folder, tmp_path):
    source = make_database(tmp_path / "db.sqlite3")
    before = sorted(p.name for p in read_only_folder.iterdir())
    with pytest.raises(BackupError, match="Cannot write"):
        backup_database(source, read_only_folder / "copy.sqlite3")
    assert sorted(p.name for p in read_only_folder.iterdir()) == before


def test_cancelled_backup_leaves_nothing(tmp_path, monkeypatch):
    source = make_database(tmp_path / "db.sqlite3", partners=100)
    monkeypatch.setattr(backup, "PAGES_PER_STEP", 2)

    def cancel(done: int, total: int) -> None:
        raise KeyboardInterrupt  # what a Cancel button does to a worker, roughly

    with pytest.raises(KeyboardInterrupt):
        backup_database(source, tmp_path / "copy.sqlite3", cancel)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.sqlite3"]


def test_backup_of_a_missing_source_is_a_backup_error(tmp_path):
    with pytest.raises(BackupError):
        backup_database(tmp_path / "absent.sqlite3", tmp_path / "copy.sqlite3")
    assert list(tmp_path.iterdir()) == []
