"""A file ChannelDesk will not open is refused with a clear reason and left exactly as it
was: same bytes, no new files beside it. Files it will open are created, reopened and
migrated, with a safety copy before any migration."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from db_samples import make_database

from channeldesk.store import StoreOpenError, journal, migrations, open_store, probe
from channeldesk.store.errors import OpenFailure
from channeldesk.store.models import Partner

# A made-up migration one past the real ones, to exercise upgrades.
NEXT = migrations.CURRENT_VERSION + 1


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {
        str(path.relative_to(folder)):
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "<folder>"
        for path in sorted(folder.rglob("*"))
    }


def refuse(path: Path, failure: OpenFailure, watch: Path) -> StoreOpenError:
    """Open ``path``, expect ``failure``, and prove nothing under ``watch`` changed."""
    before = snapshot(watch)
    with pytest.raises(StoreOpenError) as caught:
        open_store(path)
    error = caught.value
    assert error.failure is failure, error.one_line()
    assert snapshot(watch) == before
    assert error.hint
    assert str(path) in error.one_line() and "\n" not in error.one_line()
    return error


def immutable(path: Path) -> sqlite3.Connection:
    """Read a file without locking or creating anything beside it."""
    return sqlite3.connect(f"file:{path}?immutable=1", uri=True)


def quick_check(path: Path) -> str:
    conn = immutable(path)
    try:
        return conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:  # damage in the schema's own pages
        return str(error)
    finally:
        conn.close()


# -- refused files ----------------------------------------------------------------------


def test_corrupt_file_is_refused_untouched(tmp_path):
    path = make_database(tmp_path / "corrupt.sqlite3", partners=400)
    with immutable(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [row[0] for row in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'partner' ORDER BY pageno"
        )]
    assert len(pages) > 4
    with path.open("r+b") as handle:
        for page in pages[len(pages) // 2:len(pages) // 2 + 2]:  # table pages mid-file
            handle.seek((page - 1) * page_size)
            handle.write(b"\xde\xad\xbe\xef" * (page_size // 4))
    assert quick_check(path) != "ok"  # the damage is real and quick_check sees it

    refuse(path, OpenFailure.CORRUPT, tmp_path)


def test_text_file_is_not_a_database(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("Call Acme about the Q3 plan\n" * 50)
    refuse(path, OpenFailure.NOT_A_DATABASE, tmp_path)


def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.close()
    refuse(path, OpenFailure.FOREIGN_DATABASE, tmp_path)


@pytest.mark.parametrize("version", [1, 7])
def test_another_programs_database_with_a_schema_version_table_is_refused(tmp_path, version):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER)")
        conn.execute("INSERT INTO schema_version VALUES (?)", (version,))
        conn.execute("CREATE TABLE customers (name TEXT)")
    conn.close()
    refuse(path, OpenFailure.FOREIGN_DATABASE, tmp_path)


def test_locked_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(probe, "BUSY_TIMEOUT_S", 0.2)  # the real wait is 2 s
    path = make_database(tmp_path / "locked.sqlite3")
    before = snapshot(tmp_path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE local_meta SET value = value")
    try:
        with pytest.raises(StoreOpenError) as caught:
            open_store(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert caught.value.failure is OpenFailure.LOCKED
    assert "another program" in caught.value.one_line()
    assert snapshot(tmp_path) == before


def test_database_in_read_only_folder_is_refused(read_only_folder):
    refuse(read_only_folder / "channeldesk.sqlite3", OpenFailure.READ_ONLY, read_only_folder)


def test_new_database_in_read_only_folder_is_refused(read_only_folder):
    refuse(read_only_folder / "new.sqlite3", OpenFailure.READ_ONLY, read_only_folder)


def test_missing_folder_is_refused(tmp_path):
    error = refuse(tmp_path / "nowhere" / "db.sqlite3", OpenFailure.MISSING_FOLDER, tmp_path)
    assert "nowhere" in error.detail
    assert not (tmp_path / "nowhere").exists()


def test_folder_is_not_a_database(tmp_path):
    (tmp_path / "folder.sqlite3").mkdir()
    refuse(tmp_path / "folder.sqlite3", OpenFailure.IS_FOLDER, tmp_path)


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = make_database(tmp_path / "future.sqlite3")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version (version, title, applied_at) "
                     "VALUES (999, 'from the future', '2031-01-01T00:00:00+00:00')")
    conn.close()
    error = refuse(path, OpenFailure.NEWER_SCHEMA, tmp_path)
    assert "999" in error.detail


# -- files that open --------------------------------------------------------------------


def test_missing_file_becomes_a_new_database(db_path):
    assert not db_path.exists()
    store = open_store(db_path)
    conn = store.db.connection()
    assert store.schema_version == migrations.current_version()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert len(store.device_id) == 16
    store.close()
    assert db_path.is_file()


def test_empty_file_is_accepted_as_a_new_database(db_path):
    db_path.write_bytes(b"")
    store = open_store(db_path)
    assert store.schema_version == migrations.current_version()
    store.close()


def test_reopening_keeps_the_data_and_makes_no_backup(tmp_path):
    path = make_database(tmp_path / "db.sqlite3", partners=3)
    store = open_store(path)
    assert Partner.select().count() == 3
    store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.sqlite3"]


def add_segment(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE partner ADD COLUMN segment TEXT NOT NULL DEFAULT ''")


def test_migration_backs_up_first_and_journals_new_columns(tmp_path, monkeypatch):
    path = make_database(tmp_path / "db.sqlite3", partners=2)
    monkeypatch.setattr(migrations, "MIGRATIONS", (
        *migrations.MIGRATIONS, migrations.Migration(NEXT, "partner segment", add_segment),
    ))

    store = open_store(path)
    assert store.schema_version == NEXT

    backups = sorted(tmp_path.glob(f"db.schema{NEXT - 1}-*.bak.sqlite3"))
    assert len(backups) == 1
    with immutable(backups[0]) as old:
        assert old.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert migrations.read_version(old) == NEXT - 1
        assert old.execute("SELECT count(*) FROM partner").fetchone()[0] == 2
    old.close()

    # The triggers were rebuilt: the new column is journalled like the old ones.
    conn = store.db.connection()
    assert "segment" in journal.table_columns(conn, "partner")
    row_id = Partner.select().first().id
    conn.execute("UPDATE partner SET segment = 'smb', updated_at = ? WHERE id = ?",
                 (store.clock.now(), row_id))
    assert conn.execute(
        "SELECT value FROM change WHERE row_id = ? AND field = 'segment'", (row_id,)
    ).fetchone() == ("smb",)
    store.close()


def fail_in_python(conn: sqlite3.Connection) -> None:
    add_segment(conn)
    conn.execute("CREATE TABLE segment_names (code TEXT PRIMARY KEY, label TEXT)")
    conn.execute("INSERT INTO segment_names VALUES ('smb', 'Small business')")
    raise RuntimeError("migration bug")


def fail_in_sql(conn: sqlite3.Connection) -> None:
    add_segment(conn)
    conn.execute("INSERT INTO partner_segments SELECT id FROM partner")  # no such table


def backfill_segment(conn: sqlite3.Connection) -> None:
    add_segment(conn)
    conn.execute("UPDATE partner SET segment = 'smb'")


def test_migration_backfill_is_not_journalled(tmp_path, monkeypatch):
    """Every device runs the same migration; its backfill must not sync as an edit."""
    path = make_database(tmp_path / "db.sqlite3", partners=2)
    monkeypatch.setattr(migrations, "MIGRATIONS", (
        *migrations.MIGRATIONS, migrations.Migration(NEXT, "segment backfill", backfill_segment),
    ))
    store = open_store(path)
    conn = store.db.connection()
    assert conn.execute("SELECT count(*) FROM partner WHERE segment = 'smb'").fetchone() == (2,)
    assert conn.execute("SELECT count(*) FROM change WHERE field = 'segment'").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM journal_mute").fetchone() == (0,)
    store.close()


@pytest.mark.parametrize("failing", [fail_in_python, fail_in_sql])
def test_failed_migration_leaves_the_file_unchanged(tmp_path, monkeypatch, failing):
    path = make_database(tmp_path / "db.sqlite3", partners=2)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    monkeypatch.setattr(migrations, "MIGRATIONS", (
        *migrations.MIGRATIONS, migrations.Migration(NEXT, "partner segment", failing),
    ))

    with pytest.raises(StoreOpenError) as caught:
        open_store(path)

    assert caught.value.failure is OpenFailure.MIGRATION_FAILED
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    left = sorted(p.name for p in tmp_path.iterdir())
    assert len(left) == 2 and "db.sqlite3" in left
    assert any(name.startswith(f"db.schema{NEXT - 1}-") for name in left)
    with immutable(path) as conn:
        assert migrations.read_version(conn) == NEXT - 1
        assert "segment" not in journal.table_columns(conn, "partner")
    conn.close()


@pytest.mark.parametrize("empty", [False, True], ids=["missing", "empty"])
def test_failed_first_migration_leaves_no_new_file(tmp_path, monkeypatch, empty):
    path = tmp_path / "db.sqlite3"
    if empty:
        path.write_bytes(b"")
    monkeypatch.setattr(migrations, "MIGRATIONS", (
        *migrations.MIGRATIONS, migrations.Migration(NEXT, "broken", fail_in_python),
    ))
    before = snapshot(tmp_path)
    with pytest.raises(StoreOpenError) as caught:
        open_store(path)
    assert caught.value.failure is OpenFailure.MIGRATION_FAILED
    assert snapshot(tmp_path) == before


def test_a_cleanly_closed_file_skips_the_check_until_it_changes(tmp_path):
    """The open-time check is skipped only for a file exactly as a clean close left it."""
    from db_samples import corrupt

    from channeldesk.store.probe import _verified_record, unchanged_since_verified

    path = corrupt(tmp_path)  # damaged after it was made: no stamp fits it
    assert not unchanged_since_verified(path)
    with pytest.raises(StoreOpenError):
        open_store(path)

    fine = tmp_path / "fine.sqlite3"
    store = open_store(fine)
    store.close()
    assert unchanged_since_verified(fine)
    with fine.open("r+b") as handle:  # another program writes to it
        handle.seek(200)
        handle.write(b"\x00")
    assert not unchanged_since_verified(fine)
    _verified_record(fine).write_text("not a stamp")
    assert not unchanged_since_verified(fine)
