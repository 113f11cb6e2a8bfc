"""Issue 11, the files half, through the ``channeldesk`` command: exports of the demo's 300
prospects under another writer, export then import lossless, output paths that are not
files, read commands that never create a database, ``check`` in a read-only folder, and
a full disk."""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from devices import make_null_device

from channeldesk.cli import commands as cli
from channeldesk.services.demo_data import load_demo_data
from channeldesk.store import open_store

DEMO_PROSPECTS = 300


@pytest.fixture(autouse=True)
def own_folders(tmp_path, monkeypatch):
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.delenv("CHANNELDESK_DB", raising=False)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """The demo database as `channeldesk demo` leaves it: the prospects' derived rows not
    yet computed (nothing has listed them)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    store = open_store(path)
    try:
        load_demo_data(store)
    finally:
        store.close()
    return path


@pytest.fixture
def demo(demo_file, tmp_path) -> Path:
    copy = tmp_path / "demo.sqlite3"
    shutil.copy(demo_file, copy)
    return copy


def run(*args: str) -> int:
    return cli.main(list(args))


def prospect_count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM prospect WHERE deleted = 0").fetchone()[0]
    finally:
        conn.close()


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# -- 4. derived rows never hide records -------------------------------------------------

def test_export_under_another_process_write_transaction_is_complete(demo, tmp_path, capsys):
    conn = sqlite3.connect(demo, isolation_level=None)
    assert conn.execute("SELECT count(*) FROM prospect_stale").fetchone()[0] > 0
    other = sqlite3.connect(demo, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing (a sync, a long import)
    try:
        out = tmp_path / "prospects.csv"
        assert run("export", "prospects", "--db", str(demo), "--out", str(out)) == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
        conn.close()
    assert f"Exported {DEMO_PROSPECTS} prospects" in capsys.readouterr().out
    rows = csv_rows(out)
    assert len(rows) == DEMO_PROSPECTS
    assert sum(1 for row in rows if row["Fit score"]) > DEMO_PROSPECTS // 2  # scored too


# -- 8. export then import is lossless ------------------------------------------------

def test_the_demo_exported_and_imported_into_an_empty_database_gives_300_added(
        demo, tmp_path, capsys):
    out = tmp_path / "prospects.csv"
    assert run("export", "prospects", "--db", str(demo), "--out", str(out)) == 0
    rows = csv_rows(out)
    assert len({row["ChannelDesk ID"] for row in rows}) == DEMO_PROSPECTS
    names = {row["Company"] for row in rows}
    assert {"Ålesund Digital GmbH", "Ålesund Digital Inc."} <= names or len(names) == 300
    empty = tmp_path / "empty.sqlite3"
    capsys.readouterr()
    for extra in ([], ["--duplicates", "merge"]):
        assert run("import", "prospects", str(out), "--db", str(empty), "--dry-run",
                   *extra) == 0
        dry = capsys.readouterr().out
        assert "300 added, 0 merged, 0 duplicates skipped" in dry
    assert not empty.exists()  # a dry run creates no database
    assert run("import", "prospects", str(out), "--db", str(empty)) == 0
    assert "300 added, 0 merged, 0 duplicates skipped, 0 invalid" in capsys.readouterr().out
    assert prospect_count(empty) == DEMO_PROSPECTS


def summary_of(text: str) -> str:
    """'300 added, 0 merged, …' from a dry run's or a real run's line."""
    return text.strip().splitlines()[-1].split(": ", 1)[1].removesuffix(
        " Nothing was written.").rstrip(".")


@pytest.mark.parametrize("policy", ["skip", "merge"])
def test_a_dry_run_predicts_the_real_run_exactly(demo, tmp_path, capsys, policy):
    out = tmp_path / "prospects.csv"
    assert run("export", "prospects", "--db", str(demo), "--out", str(out)) == 0
    rows = csv_rows(out)
    rows[0]["Owner"] = "Someone New"  # one merge that changes something
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    capsys.readouterr()
    assert run("import", "prospects", str(out), "--db", str(demo), "--dry-run",
               "--duplicates", policy) == 0
    predicted = summary_of(capsys.readouterr().out)
    assert run("import", "prospects", str(out), "--db", str(demo), "--duplicates",
               policy) == 0
    assert summary_of(capsys.readouterr().out) == predicted
    if policy == "merge":
        assert predicted.startswith("0 added, 1 merged, 299 already up to date")
    else:
        assert predicted.startswith("0 added, 0 merged, 300 duplicates skipped")
    assert prospect_count(demo) == DEMO_PROSPECTS


def test_same_name_rows_are_added_unless_confirmed_as_duplicates(tmp_path, capsys):
    db = tmp_path / "db.sqlite3"
    first = tmp_path / "first.csv"
    first.write_text("Company,Website\nÅlesund Digital GmbH,alesund.de\n", encoding="utf-8")
    assert run("import", "prospects", str(first), "--db", str(db)) == 0
    second = tmp_path / "second.csv"
    second.write_text("Company,Website\nÅlesund Digital Inc.,alesund.com\n",
                      encoding="utf-8")
    capsys.readouterr()
    assert run("import", "prospects", str(second), "--db", str(db), "--dry-run") == 0
    seen = capsys.readouterr()
    assert "possibly the same company as the prospect Ålesund Digital GmbH" in seen.err
    assert "--same-name duplicate" in seen.err
    assert "1 added" in seen.out
    assert run("import", "prospects", str(second), "--db", str(db), "--same-name",
               "duplicate") == 0
    assert "0 added, 0 merged, 1 duplicates skipped" in capsys.readouterr().out
    assert run("import", "prospects", str(second), "--db", str(db)) == 0
    assert "1 added" in capsys.readouterr().out
    assert prospect_count(db) == 2


# -- 7. output paths ------------------------------------------------------------------

def test_dev_null_as_out_stays_a_character_device(demo, tmp_path, capsys):
    (tmp_path / "dev").mkdir()
    null = make_null_device(tmp_path / "dev")
    assert run("export", "prospects", "--db", str(demo), "--out", str(null)) == 0
    assert f"Exported 300 prospects to {null}" in capsys.readouterr().out
    assert run("backup", "--db", str(demo), "--out", str(null)) == 0
    assert run("export", "plan", "--db", str(demo), "--partner", "Łódź", "--out",
               str(null)) in (0, 2)  # 2 when the demo has no such partner: refused early
    assert stat.S_ISCHR(null.stat().st_mode)
    assert sorted(p.name for p in null.parent.iterdir()) == ["null"]


def test_a_fifo_or_a_folder_as_out_is_refused(demo, tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert run("export", "prospects", "--db", str(demo), "--out", str(fifo)) == 2
    assert "is a pipe or socket, not a file" in capsys.readouterr().err
    assert run("backup", "--db", str(demo), "--out", str(fifo)) == 2
    assert run("export", "prospects", "--db", str(demo), "--out", str(tmp_path)) == 2
    assert "is a folder. Give a file name" in capsys.readouterr().err
    assert stat.S_ISFIFO(fifo.stat().st_mode)


# -- 6. read commands never create a database ----------------------------------------

def test_export_with_a_mistyped_db_creates_nothing(tmp_path, capsys):
    missing = tmp_path / "chanreldesk.sqlite3"
    assert run("export", "prospects", "--db", str(missing), "--out",
               str(tmp_path / "p.csv")) == 3
    err = capsys.readouterr().err
    assert f"There is no database at {missing}" in err and "nothing was created" in err
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("xdg")) == []


def test_a_zero_byte_file_is_not_turned_into_a_database_by_export(tmp_path, capsys):
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    assert run("export", "prospects", "--db", str(empty), "--out",
               str(tmp_path / "p.csv")) == 3
    assert "is an empty file, not a ChannelDesk database" in capsys.readouterr().err
    assert empty.stat().st_size == 0
    assert not (tmp_path / "p.csv").exists()


def test_check_works_on_a_read_only_database_in_a_read_only_folder(read_only_folder,
                                                                    capsys):
    database = read_only_folder / "channeldesk.sqlite3"
    before = sorted(p.name for p in read_only_folder.iterdir())
    assert not os.access(read_only_folder, os.W_OK)  # really read-only, root or not
    assert run("check", "--db", str(database)) == 0
    assert capsys.readouterr().out.startswith("ok: schema")
    assert sorted(p.name for p in read_only_folder.iterdir()) == before


# -- 6. a full disk --------------------------------------------------------------------

def test_an_import_on_a_full_disk_says_so_once_and_imports_nothing(small_disk, tmp_path,
                                                                     capsys):
    db = small_disk / "db.sqlite3"
    open_store(db).close()
    source = tmp_path / "big.csv"
    source.write_text("Company,Country,Next step\n" + "".join(
        f"Company {n},Germany,{'call back ' * 20}\n" for n in range(20_000)),
        encoding="utf-8")
    assert run("import", "prospects", str(source), "--db", str(db)) == 3
    err = capsys.readouterr().err
    assert "The disk holding db.sqlite3 is full, so nothing was imported" in err
    assert "cannot rollback" not in err and "Traceback" not in err
    assert prospect_count(db) == 0


def test_a_backup_on_a_full_disk_leaves_no_partial_or_journal_file(demo, small_disk,
                                                                   capsys):
    assert run("backup", "--db", str(demo), "--out", str(small_disk / "copy.sqlite3")) == 3
    err = capsys.readouterr().err
    assert "is full, so the copy of demo.sqlite3 did not fit. Free some space" in err
    assert "Nothing was written" in err
    assert list(small_disk.iterdir()) == []


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_sales_import_with_a_mistyped_db_creates_nothing(tmp_path, capsys, dry_run):
    source = tmp_path / "sales.csv"
    source.write_text("Partner,Period,Currency,Sales\nAcadia Cloud,2026-Q1,EUR,100\n",
                      encoding="utf-8")
    missing = tmp_path / "chanreldesk.sqlite3"
    args = ["import", "sales", str(source), "--db", str(missing)]
    assert run(*args, *(["--dry-run"] if dry_run else [])) == 3
    err = capsys.readouterr().err
    assert f"There is no database at {missing}" in err and "nothing was created" in err
    assert "no partner has that name" not in err
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("xdg")) == [
        "sales.csv"]


def test_incentive_csv_exports_refuse_a_folder_as_out(demo, tmp_path, capsys):
    assert run("export", "claims", "--db", str(demo), "--out", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert f"--out: {tmp_path} is a folder" in err and "incentive-claims.csv" in err
