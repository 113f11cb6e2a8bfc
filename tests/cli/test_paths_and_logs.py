"""Where the database and the log live, and the precedence of --db over CHANNELDESK_DB."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from channeldesk import logs, paths


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every per-user folder into tmp_path (platformdirs reads these on each call)."""
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(paths.DB_ENV_VAR, raising=False)
    return tmp_path


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_default_path_is_in_user_data_and_its_folder_is_created(user_dirs: Path) -> None:
    path, is_default = paths.resolve_db_path(None)
    assert is_default
    assert path == user_dirs / "xdg_data_home" / "ChannelDesk" / "channeldesk.sqlite3"
    assert path.parent.is_dir()
    assert not path.exists()


def test_environment_variable_beats_default(user_dirs: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.DB_ENV_VAR, str(user_dirs / "from-env.sqlite3"))
    assert paths.resolve_db_path(None) == (user_dirs / "from-env.sqlite3", False)


def test_command_line_beats_environment(user_dirs: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.DB_ENV_VAR, str(user_dirs / "from-env.sqlite3"))
    assert paths.resolve_db_path(str(user_dirs / "cli.sqlite3")) == (
        user_dirs / "cli.sqlite3", False)


def test_explicit_folder_is_not_created(user_dirs: Path) -> None:
    path, _ = paths.resolve_db_path(str(user_dirs / "typo" / "db.sqlite3"))
    assert not path.parent.exists()


def test_relative_path_becomes_absolute(user_dirs: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(user_dirs)
    path, _ = paths.resolve_db_path("rel.sqlite3")
    assert path == user_dirs / "rel.sqlite3"


def test_log_goes_to_the_user_log_folder(user_dirs: Path, restore_logging: None) -> None:
    log_path = logs.setup_logging()
    assert log_path == paths.log_file_path()
    assert user_dirs / "xdg_state_home" in log_path.parents
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("channeldesk.test").exception("it failed")
    text = log_path.read_text(encoding="utf-8")
    assert "it failed" in text
    assert "Traceback" in text


def test_setting_up_twice_does_not_duplicate_lines(restore_logging: None) -> None:
    logs.setup_logging()
    log_path = logs.setup_logging()
    logging.getLogger("channeldesk.test").info("once")
    assert log_path.read_text(encoding="utf-8").count("once") == 1


def test_unwritable_log_folder_falls_back(user_dirs: Path, monkeypatch: pytest.MonkeyPatch,
                                          restore_logging: None) -> None:
    blocker = user_dirs / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    monkeypatch.setattr(tempfile, "tempdir", str(user_dirs))
    log_path = logs.setup_logging()
    assert log_path == user_dirs / "channeldesk.log"
    logging.getLogger("channeldesk.test").warning("still logged")
    assert "still logged" in log_path.read_text(encoding="utf-8")
