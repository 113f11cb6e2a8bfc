"""Starting the app where it cannot open a window, or on a --db whose folder is missing,
ends in one clear line before Qt is loaded, never in Qt's abort."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from channeldesk.display import NO_DISPLAY, NO_XCB_CURSOR, display_problem
from channeldesk.paths import MissingFolderError, prepare_db_folder


@pytest.mark.parametrize(("env", "expected"), [
    ({}, NO_DISPLAY),
    ({"QT_QPA_PLATFORM": "xcb"}, NO_DISPLAY),
    ({"QT_QPA_PLATFORM": "offscreen"}, None),
    ({"QT_QPA_PLATFORM": "minimal:enable_fonts"}, None),
    ({"WAYLAND_DISPLAY": "wayland-0"}, None),
])
def test_a_missing_display_is_named_with_what_to_do(env, expected):
    assert display_problem(env, platform="linux", frozen=False) == expected


def test_windows_and_macos_always_have_a_display():
    assert display_problem({}, platform="win32") is None
    assert display_problem({}, platform="darwin") is None


def test_a_missing_xcb_cursor_library_is_named_outside_the_bundle(monkeypatch):
    import ctypes.util

    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert display_problem({"DISPLAY": ":0"}, platform="linux", frozen=False) == NO_XCB_CURSOR
    assert display_problem({"DISPLAY": ":0"}, platform="linux", frozen=True) is None


def _start(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    clean.update({"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state"),
                  "XDG_DATA_HOME": str(tmp_path / "data"), **env})
    return subprocess.run([sys.executable, "-m", "channeldesk", *args], env=clean,
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)


def test_without_a_display_the_app_says_so_in_one_line(tmp_path):
    done = _start(tmp_path, "--db", str(tmp_path / "x.sqlite3"))
    assert done.returncode == 2
    assert done.stderr.strip() == NO_DISPLAY
    assert "xcb-cursor0" not in done.stderr and not (tmp_path / "x.sqlite3").exists()


def test_a_db_two_missing_folders_deep_names_the_first_missing_one(tmp_path):
    target = tmp_path / "work" / "emea" / "emea.sqlite3"
    done = _start(tmp_path, "--db", str(target), QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert f"The folder {tmp_path / 'work'} does not exist" in done.stderr
    assert f"mkdir -p {tmp_path / 'work' / 'emea'}" in done.stderr
    assert not (tmp_path / "work").exists()


def test_the_db_folder_is_created_when_its_parent_exists(tmp_path):
    target = tmp_path / "work" / "emea.sqlite3"
    prepare_db_folder(target)
    assert target.parent.is_dir() and not target.exists()
    prepare_db_folder(target)  # there already: fine


def test_a_db_folder_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "work").write_text("not a folder")
    with pytest.raises(MissingFolderError, match="is a file, not a folder"):
        prepare_db_folder(tmp_path / "work" / "emea.sqlite3")


def test_an_install_without_the_desktop_extra_says_which_extra_to_install(tmp_path):
    script = ("import sys\n"
              "for name in ('PySide6', 'shiboken6'): sys.modules[name] = None\n"
              "from channeldesk.cli.commands import main\n"
              f"sys.exit(main(['--db', {str(tmp_path / 'x.sqlite3')!r}]))\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_STATE_HOME": str(tmp_path / "state")}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 2
    assert "pip install 'channeldesk[desktop]'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
