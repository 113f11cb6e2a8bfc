"""Opening the server database by URL, migrations, and refusing what it cannot use."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from channeldesk.server import schema
from channeldesk.server.models import ServerMeta, Team, database
from channeldesk.server.storage import (
    StorageError,
    open_storage,
    redact_url,
    sqlite_url,
)


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_open_migrates_once_and_records_the_version(server_db_url):
    storage = open_storage(server_db_url)
    try:
        assert storage.schema_version == schema.LATEST
        with storage.session():
            assert ServerMeta.get_by_id("schema_version").value == str(schema.LATEST)
            Team.create(name="T", epoch="e" * 32)
    finally:
        storage.close()
    again = open_storage(server_db_url)
    try:
        with again.session():
            assert [team.name for team in Team.select()] == ["T"]
    finally:
        again.close()


def test_one_storage_per_process(server_db_url):
    storage = open_storage(server_db_url)
    try:
        with pytest.raises(RuntimeError, match="already open"):
            open_storage(server_db_url)
    finally:
        storage.close()
    assert database.obj is None


def test_sqlite_file_uses_wal_foreign_keys_and_full_sync(tmp_path):
    storage = open_storage(sqlite_url(tmp_path / "s.sqlite3"))
    try:
        with storage.session():
            pragma = {name: storage.db.execute_sql(f"PRAGMA {name}").fetchone()[0]
                      for name in ("journal_mode", "foreign_keys", "synchronous",
                                   "busy_timeout")}
    finally:
        storage.close()
    assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2,
                      "busy_timeout": 30000}


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "s.sqlite3"
    open_storage(sqlite_url(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE server_meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    before = _digest(path)
    with pytest.raises(StorageError, match="version 99, newer"):
        open_storage(sqlite_url(path))
    assert _digest(path) == before
    assert database.obj is None


def test_a_database_of_something_else_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE partner (id TEXT)")
    conn.close()
    before = _digest(path)
    with pytest.raises(StorageError, match="no ChannelDesk server schema"):
        open_storage(sqlite_url(path))
    assert _digest(path) == before


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://u@h/db", "Unsupported database URL scheme"),
    ("sqlite://", "needs a file path"),
    ("sqlite:///:memory:", "needs a file path"),
    ("sqlite://host/x.db", "three slashes"),
    ("postgresql://u@127.0.0.1:1", "names no database"),
])
def test_bad_urls_are_refused_in_one_line(url, message):
    with pytest.raises(StorageError, match=message) as error:
        open_storage(url)
    assert "\n" not in str(error.value)


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(StorageError, match="does not exist"):
        open_storage(sqlite_url(tmp_path / "missing" / "s.sqlite3"))


def test_an_unreachable_postgresql_is_one_line_without_the_password():
    with pytest.raises(StorageError) as error:
        open_storage("postgresql://admin:s3cret@127.0.0.1:1/channeldesk")
    text = str(error.value)
    assert "s3cret" not in text and "admin:***@127.0.0.1:1" in text
    assert "\n" not in text
    assert database.obj is None


def test_redact_url():
    assert redact_url("postgresql://u:p%40ss@h:5/db") == "postgresql://u:***@h:5/db"
    assert redact_url("sqlite:////x/y.db") == "sqlite:////x/y.db"


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"just some text, long enough to look like a header" * 10)
    before = _digest(path)
    with pytest.raises(StorageError, match="not a usable SQLite database") as error:
        open_storage(sqlite_url(path))
    assert "\n" not in str(error.value)
    assert _digest(path) == before
