"""The real `channeldesk` command, run as a subprocess: output, exit codes, files left alone."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from channeldesk import __version__
from channeldesk.cli import commands as cli
from channeldesk.cli import database as database_commands
from channeldesk.services.health_check import check_database
from channeldesk.store import migrations, open_store
from channeldesk.store.models import Activity, Contact, Partner

OK_LINE = f"ok: schema {migrations.current_version()}, integrity ok, foreign keys ok"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment whose per-user folders all live in tmp_path."""
    values = {k: v for k, v in os.environ.items() if k != "CHANNELDESK_DB"}
    values["HOME"] = str(tmp_path / "home")
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        values[name] = str(tmp_path / name.lower())
    return values


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "channeldesk", *args],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    """A failure says one line on stderr and shows no traceback."""
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr.strip()


def counts(path: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("partner", "contact", "activity"))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database made by the CLI, copied by the tests that need one."""
    folder = tmp_path_factory.mktemp("template")
    env = {k: v for k, v in os.environ.items() if k != "CHANNELDESK_DB"}
    env.update(HOME=str(folder), XDG_STATE_HOME=str(folder / "state"))
    path = folder / "demo.sqlite3"
    assert run(env, "demo", "--db", str(path)).returncode == 0
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite3"
    path.write_bytes(demo_template.read_bytes())
    return path


def test_version(env: dict[str, str]) -> None:
    result = run(env, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"channeldesk {__version__}"


def test_demo_fills_a_new_file(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    result = run(env, "demo", "--db", str(path))
    assert result.returncode == 0, result.stderr
    store = open_store(path)
    try:
        partners = Partner.live().count()
        assert partners >= 40
        assert Contact.live().count() >= partners
        assert Activity.live().count() >= 4 * partners
    finally:
        store.close()
    assert f"{partners} partners" in result.stdout


def test_demo_refuses_a_database_with_data(env: dict[str, str], demo_db: Path) -> None:
    before = demo_db.read_bytes()
    message = assert_one_line_error(run(env, "demo", "--db", str(demo_db)), 2)
    assert "--force" in message
    assert demo_db.read_bytes() == before


def test_demo_force_adds_beside_existing_rows(env: dict[str, str], demo_db: Path) -> None:
    partners, contacts, activities = counts(demo_db)
    result = run(env, "demo", "--force", "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    assert counts(demo_db) == (2 * partners, 2 * contacts, 2 * activities)


def test_demo_in_a_missing_folder_is_a_database_error(env: dict[str, str],
                                                       tmp_path: Path) -> None:
    path = tmp_path / "no-such-folder" / "db.sqlite3"
    message = assert_one_line_error(run(env, "demo", "--db", str(path)), 3)
    assert "does not exist" in message
    assert not path.parent.exists()


def test_check_ok(env: dict[str, str], demo_db: Path) -> None:
    before = demo_db.read_bytes()
    result = run(env, "check", "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == OK_LINE
    assert demo_db.read_bytes() == before


def test_db_may_come_before_the_command(env: dict[str, str], demo_db: Path) -> None:
    result = run(env, "--db", str(demo_db), "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == OK_LINE


def test_check_corrupt_file(env: dict[str, str], demo_db: Path) -> None:
    with demo_db.open("r+b") as handle:
        handle.seek(4096 * 4)
        handle.write(b"\xde\xad\xbe\xef" * 3072)
    before = demo_db.read_bytes()
    message = assert_one_line_error(run(env, "check", "--db", str(demo_db)), 3)
    assert "damaged" in message
    assert demo_db.read_bytes() == before


def test_check_text_file(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "partners.csv"
    path.write_text("name,tier\nAcme,gold\n")
    message = assert_one_line_error(run(env, "check", "--db", str(path)), 3)
    assert "not a ChannelDesk database" in message
    assert path.read_text() == "name,tier\nAcme,gold\n"


def test_check_missing_file_does_not_create_it(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "missing.sqlite3"
    assert_one_line_error(run(env, "check", "--db", str(path)), 3)
    assert not path.exists()


def test_backup_makes_a_healthy_copy(env: dict[str, str], demo_db: Path,
                                     tmp_path: Path) -> None:
    out = tmp_path / "copy.sqlite3"
    result = run(env, "backup", "--db", str(demo_db), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert check_database(out).ok
    assert run(env, "check", "--db", str(out)).stdout.strip() == OK_LINE
    assert counts(out) == counts(demo_db)


def test_backup_while_the_database_is_open(env: dict[str, str], demo_db: Path,
                                           tmp_path: Path) -> None:
    store = open_store(demo_db)
    try:
        store.insert(Partner, {"name": "Written just now", "partner_type": "msp",
                               "tier": "gold", "status": "active", "region": "apac"})
        out = tmp_path / "live-copy.sqlite3"
        result = run(env, "backup", "--db", str(demo_db), "--out", str(out))
    finally:
        store.close()
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(out)
    names = {row[0] for row in conn.execute("SELECT name FROM partner")}
    conn.close()
    assert "Written just now" in names


def test_backup_to_a_missing_folder_fails_cleanly(env: dict[str, str], demo_db: Path,
                                                  tmp_path: Path) -> None:
    out = tmp_path / "nope" / "copy.sqlite3"
    message = assert_one_line_error(
        run(env, "backup", "--db", str(demo_db), "--out", str(out)), 2)
    assert "does not exist" in message
    assert not out.parent.exists()
    assert [p.name for p in tmp_path.iterdir() if "copy" in p.name] == []


def test_backup_refuses_to_overwrite_the_database(env: dict[str, str], demo_db: Path) -> None:
    before = demo_db.read_bytes()
    assert_one_line_error(run(env, "backup", "--db", str(demo_db), "--out", str(demo_db)), 2)
    assert demo_db.read_bytes() == before


def test_backup_of_a_text_file_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    source = folder / "notes.txt"
    source.write_text("not a database")
    out = folder / "copy.sqlite3"
    assert_one_line_error(run(env, "backup", "--db", str(source), "--out", str(out)), 3)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_environment_variable_names_the_database(env: dict[str, str],
                                                 tmp_path: Path) -> None:
    path = tmp_path / "from-env.sqlite3"
    env["CHANNELDESK_DB"] = str(path)
    assert run(env, "demo").returncode == 0
    assert path.is_file()
    assert run(env, "check").stdout.strip() == OK_LINE
    out = tmp_path / "env-copy.sqlite3"
    assert run(env, "backup", "--out", str(out)).returncode == 0
    assert counts(out) == counts(path)
    assert not (tmp_path / "xdg_data_home" / "ChannelDesk" / "channeldesk.sqlite3").exists()


def test_without_db_the_default_file_is_used(env: dict[str, str], tmp_path: Path) -> None:
    assert run(env, "demo").returncode == 0
    assert (tmp_path / "xdg_data_home" / "ChannelDesk" / "channeldesk.sqlite3").is_file()


@pytest.mark.parametrize("args", [
    ["frobnicate"],
    ["backup", "--db", "x.sqlite3"],
    ["check", "--bogus"],
    ["screenshots"],
])
def test_bad_usage_exits_2(env: dict[str, str], args: list[str]) -> None:
    result = run(env, *args)
    assert result.returncode == 2
    assert "usage:" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_documents_the_exit_codes(env: dict[str, str]) -> None:
    result = run(env, "--help")
    assert result.returncode == 0
    for line in ("0  success", "1  unexpected error", "2  bad usage", "3  the database"):
        assert line in result.stdout


def test_maintenance_commands_do_not_import_qt(env: dict[str, str], demo_db: Path) -> None:
    code = ("import sys; from channeldesk.cli.commands import main; "
            f"code = main(['check', '--db', {str(demo_db)!r}]); "
            "print('qt' if any(m.startswith('PySide6') for m in sys.modules) else 'no qt')")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.stdout.strip().splitlines()[-1] == "no qt", result.stderr


# -- in-process: the unexpected-error path --------------------------------------------------

@pytest.fixture
def in_process(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run cli.main() here with the test's user folders; restore logging afterwards."""
    for name in ("HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.delenv("CHANNELDESK_DB", raising=False)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield Path(env["XDG_STATE_HOME"]) / "ChannelDesk" / "log" / "channeldesk.log"
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def test_unexpected_error_points_to_the_log(in_process: Path, demo_db: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    def explode(_path: Path) -> None:
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(database_commands, "check_database", explode)
    assert cli.main(["check", "--db", str(demo_db)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "disk on fire" in err
    assert str(in_process) in err
    assert "Traceback" not in err
    log_text = in_process.read_text(encoding="utf-8")
    assert "Traceback" in log_text
    assert "RuntimeError: disk on fire" in log_text
