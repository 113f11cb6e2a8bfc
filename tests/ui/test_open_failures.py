"""A database the app cannot open gets a clear dialog, a way out, and an untouched file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import pytest
from db_samples import HeldLock, corrupt, make_database, missing_folder, newer_schema, text_file
from dialog_driver import when_dialog_opens
from PySide6.QtWidgets import QMessageBox

from channeldesk.app import open_with_dialogs
from channeldesk.store import probe


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def refused_in_dialog(path: Path, during: AbstractContextManager, monkeypatch) -> str:
    """Open through the GUI path, read the dialog, press Quit; returns the dialog text."""
    monkeypatch.setattr(probe, "BUSY_TIMEOUT_S", 0.2)
    seen: dict[str, str] = {}

    def quit_dialog(box: QMessageBox) -> None:
        seen["name"], seen["text"] = box.objectName(), box.text()
        next(b for b in box.buttons() if b.text() == "Quit").click()

    when_dialog_opens(quit_dialog)
    with during:
        assert open_with_dialogs(path) is None
    assert seen["name"] == "open-failure-dialog"
    return seen["text"]


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "corrupt": (corrupt, "damaged"),
    "not-a-database": (text_file, "not a ChannelDesk database"),
    "newer-schema": (newer_schema, "newer ChannelDesk"),
    "missing-folder": (missing_folder, "does not exist"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_file_gets_a_clear_dialog_and_stays_unchanged(qtbot, tmp_path, monkeypatch, case):
    make, reason = CASES[case]
    path = make(tmp_path)
    before = digest(path)
    text = refused_in_dialog(path, nullcontext(), monkeypatch)
    assert reason in text
    assert str(path) in text
    assert digest(path) == before


def test_locked_file_gets_a_clear_dialog(qtbot, tmp_path, monkeypatch):
    path = make_database(tmp_path / "locked.sqlite3")
    before = digest(path)
    text = refused_in_dialog(path, HeldLock(path), monkeypatch)
    assert "in use by another program" in text
    assert "Close the other program" in text
    assert digest(path) == before


def test_read_only_folder_gets_a_clear_dialog(qtbot, read_only_folder, monkeypatch):
    path = read_only_folder / "channeldesk.sqlite3"
    before = digest(path)
    text = refused_in_dialog(path, nullcontext(), monkeypatch)
    assert "cannot write" in text
    assert digest(path) == before
