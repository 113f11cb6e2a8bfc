"""Sync in the window, driven as a CAM would: settings dialog, Sync now, the status bar
indicator and the conflicts view, against a real ``channeldesk-server serve`` process
on 127.0.0.1 and a colleague's database on the same team."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from dialog_driver import when_dialog_opens
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
)
from sync.fake_keyrings import MemoryKeyring
from sync.served import RunningServer, free_port
from sync_driver import (
    Colleague,
    action,
    assert_synced,
    fill_sign_in,
    make_conflicts,
    not_channeldesk,
    open_settings,
    row_texts,
    running_server,
    select_fields,
    sign_in,
    status_text,
    sync_now,
)

from channeldesk.app import create_main_window
from channeldesk.services import credentials
from channeldesk.store.models import Partner
from channeldesk.sync import conflicts
from channeldesk.ui.sync import controller as sync_controller
from channeldesk.ui.sync.conflicts_dialog import merged_value_error
from channeldesk.ui.sync.conflicts_model import ConflictsModel
from channeldesk.ui.sync.status import SyncPhase

ALICE, BOB = "alice@acme.example", "bob@acme.example"


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An in-memory keyring (this machine has none); the previous backend comes back."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring(memory_keyring) -> Iterator[None]:
    """keyring's "fail" backend, as on a desktop with no secret service."""
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(memory_keyring)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path / "server", ALICE, BOB) as running:
        yield running


@pytest.fixture
def colleague(server, window, tmp_path) -> Iterator[Colleague]:
    folder = tmp_path / "bob"
    folder.mkdir()
    bob = Colleague(server, folder / "bob.sqlite3", BOB, window.store)
    yield bob
    bob.close()


def label_texts(widget) -> str:
    return " ".join(label.text() for label in widget.findChildren(QLabel) if label.isVisible())


# -- out of the way until set up ---------------------------------------------------------

def test_sync_stays_out_of_the_way_until_it_is_set_up(window, qtbot):
    assert not window.part("sync").status_widget.isVisible()
    assert not window.part("sync").toolbar.isVisible()
    assert window.findChild(QDialog, "sync-settings-dialog") is None  # no nag at start
    sync_action = action(window, "action-sync-now")
    assert sync_action.shortcut().toString() == "Ctrl+Shift+S"
    assert not action(window, "action-sync-conflicts").isVisible()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # not signed in: leads to set-up
    dialog = window.findChild(QDialog, "sync-settings-dialog")
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.findChild(QLineEdit, "sync-device").text() == socket.gethostname()
    assert not dialog.findChild(QLabel, "sync-keyring-note").isVisible()


def test_the_form_says_what_is_wrong_before_anything_is_sent(window, qtbot):
    dialog = open_settings(window, qtbot)
    fill_sign_in(dialog, qtbot, "ftp://sync.example.com", "alice")
    errors = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)
              if label.objectName().startswith("error-sync-") and label.isVisible()}
    assert "http or https" in errors["error-sync-server"]
    assert "email address" in errors["error-sync-email"]
    assert not window.part("sync").busy


# -- signing in ----------------------------------------------------------------------------

def test_sign_in_through_the_dialog_then_sync_now(window, qtbot, server, colleague,
                                                  memory_keyring, seeded_db):
    _, ids = seeded_db
    dialog = sign_in(window, qtbot, server, ALICE)
    who = dialog.findChild(QLabel, "sync-signed-in-as").text()
    assert ALICE in who and "Acme Channel" in who and socket.gethostname() in who
    assert dialog.findChild(QLabel, "sync-last-sync").text() not in ("", "Not yet")
    assert not dialog.findChild(QLabel, "sync-session-note").isVisible()
    profile = window.store.device_id
    assert any(key.endswith(f"|{ALICE}|{profile}") for _, key in memory_keyring.secrets)
    assert status_text(window).startswith("Up to date")
    assert window.part("sync").status_widget.isVisible() and window.part("sync").toolbar.isVisible()

    colleague.sync()
    assert colleague.value(Partner, ids["Northwind Systems"], "tier") == "gold"
    colleague.update(Partner, ids["Northwind Systems"], {"tier": "platinum"})
    colleague.sync()
    report = sync_now(window, qtbot)
    assert_synced(report)
    assert report.pulled >= 1 and not report.conflicts
    assert window.store.get(Partner, ids["Northwind Systems"]).tier == "platinum"
    row = window.page("partners").model.row_of(ids["Northwind Systems"])
    tier_column = window.page("partners").model.column_index("tier")
    assert window.page("partners").model.index(row, tier_column).data() == "Platinum"


def test_sign_in_failures_are_said_in_words(window, qtbot, server):
    dialog = open_settings(window, qtbot)
    message = dialog.findChild(QLabel, "sync-message")

    def attempt(url: str, password: str = "correct horse battery") -> str:
        with qtbot.waitSignal(window.part("sync").sig_sign_in_finished, timeout=30_000):
            fill_sign_in(dialog, qtbot, url, ALICE, password)
        return message.text()

    assert attempt(server.url, "not my password") == "Wrong email or password."
    assert "Cannot reach" in attempt(f"http://127.0.0.1:{free_port()}")
    with not_channeldesk() as other:
        assert "not a ChannelDesk sync server" in attempt(other)
    assert window.part("sync").account() is None
    assert not window.part("sync").status_widget.isVisible()


def test_without_a_keyring_the_dialog_says_so(window, qtbot, server, no_keyring):
    dialog = open_settings(window, qtbot)
    note = dialog.findChild(QLabel, "sync-keyring-note")
    assert note.isVisible() and "no secure password store" in note.text()
    assert "sign in again next time ChannelDesk starts" in note.text()
    sign_in(window, qtbot, server, ALICE)
    session = dialog.findChild(QLabel, "sync-session-note")
    assert session.isVisible() and "no secure password store" in session.text()
    assert status_text(window).startswith("Up to date")


def test_sign_out_revokes_the_token_and_forgets_it(window, qtbot, server, memory_keyring):
    dialog = sign_in(window, qtbot, server, ALICE)
    assert memory_keyring.secrets
    with qtbot.waitSignal(window.part("sync").sig_signed_out, timeout=30_000) as out:
        dialog.findChild(type(dialog.sign_out_button), "sync-sign-out").click()
    assert out.args == [True]
    assert not memory_keyring.secrets
    assert "revoked" in dialog.findChild(QLabel, "sync-message").text()
    assert dialog.findChild(QLineEdit, "sync-server").isVisible()
    assert status_text(window) == "Sync off"
    assert not window.part("sync").signed_in()


def test_next_start_without_a_keyring_asks_to_sign_in_again(qtbot, tmp_path, seeded_db,
                                                             settings, server, no_keyring,
                                                             monkeypatch):
    monkeypatch.setattr(sync_controller, "STARTUP_DELAY_MS", 0)
    path, _ = seeded_db
    first = create_main_window(path, settings)
    qtbot.addWidget(first)
    first.show()
    sign_in(first, qtbot, server, ALICE)
    first.close()
    credentials._session_tokens.clear()  # what quitting ChannelDesk does to the token

    again = create_main_window(path, settings)
    qtbot.addWidget(again)
    again.show()
    assert again.part("sync").status_widget.isVisible() and again.part("sync").toolbar.isVisible()
    qtbot.waitUntil(lambda: status_text(again) == "Sign in to sync", timeout=30_000)
    assert "not available" in again.part("sync").status_widget.toolTip()
    assert again.part("sync").status_widget.action_button.text() == "Sign in…"
    again.part("sync").status_widget.action_button.click()
    dialog = again.findChild(QDialog, "sync-settings-dialog")
    qtbot.waitUntil(dialog.isVisible)
    note = dialog.findChild(QLabel, "sync-sign-in-note")
    assert note.isVisible() and "Sign in again" in note.text()
    assert dialog.findChild(QLineEdit, "sync-email").text() == ALICE
    again.close()


# -- the indicator -----------------------------------------------------------------------

def test_offline_when_the_server_stops_with_a_retry(window, qtbot, tmp_path):
    with running_server(tmp_path / "lone", ALICE) as lone:
        sign_in(window, qtbot, lone, ALICE)
    outcome = sync_now(window, qtbot)
    assert isinstance(outcome, Exception)
    widget = window.part("sync").status_widget
    assert status_text(window) == "Offline"
    assert "Cannot reach" in widget.toolTip() and "kept on this computer" in widget.toolTip()
    assert "Next try at" in widget.toolTip()
    retry = widget.action_button
    assert retry.isVisible() and retry.text() == "Retry"
    with qtbot.waitSignal(window.part("sync").sig_sync_finished, timeout=30_000):
        retry.click()
    assert window.part("sync").status.phase is SyncPhase.OFFLINE


def test_a_sync_waits_while_an_edit_dialog_is_open(window, qtbot, server, colleague,
                                                   seeded_db):
    _, ids = seeded_db
    sign_in(window, qtbot, server, ALICE)
    colleague.sync()
    colleague.update(Partner, ids["Blue Ridge MSP"], {"phone": "+1 555 0100"})
    colleague.sync()
    seen = {}

    def while_open(box: QMessageBox) -> None:
        qtbot.waitUntil(lambda: window.part("sync").status.phase is SyncPhase.WAITING)
        seen["text"] = status_text(window)
        seen["phone"] = window.store.get(Partner, ids["Blue Ridge MSP"]).phone
        box.accept()

    when_dialog_opens(while_open)
    with qtbot.waitSignal(window.part("sync").sig_sync_finished, timeout=30_000) as done:
        action(window, "action-sync-now").trigger()
        QMessageBox.information(window, "An edit", "A modal dialog that may end in a write")
    assert_synced(done.args[0])
    assert seen == {"text": "Sync paused", "phone": ""}
    assert window.store.get(Partner, ids["Blue Ridge MSP"]).phone == "+1 555 0100"


def test_a_sync_paused_for_an_edit_can_be_cancelled_before_it_writes(
        window, qtbot, server, colleague, seeded_db):
    _, ids = seeded_db
    sign_in(window, qtbot, server, ALICE)
    colleague.sync()
    colleague.update(Partner, ids["Blue Ridge MSP"], {"phone": "+1 555 0100"})
    colleague.sync()
    widget = window.part("sync").status_widget

    def cancel_while_open(box: QMessageBox) -> None:
        qtbot.waitUntil(lambda: window.part("sync").status.phase is SyncPhase.WAITING)
        assert widget.action_button.text() == "Cancel"
        widget.action_button.click()
        qtbot.waitUntil(lambda: not window.part("sync").busy)
        box.accept()

    when_dialog_opens(cancel_while_open)
    with qtbot.waitSignal(window.part("sync").sig_sync_finished, timeout=30_000) as done:
        action(window, "action-sync-now").trigger()
        QMessageBox.information(window, "An edit", "A modal dialog that may end in a write")
    assert done.args[0].cancelled
    assert status_text(window) == "Sync cancelled"
    assert window.store.get(Partner, ids["Blue Ridge MSP"]).phone == ""
    assert_synced(sync_now(window, qtbot))  # the next sync picks it up
    assert window.store.get(Partner, ids["Blue Ridge MSP"]).phone == "+1 555 0100"


def test_gui_edits_wait_for_the_workers_write_without_blocking(window, qtbot):
    gate = window.part("sync").gate
    cancel, inside, release = threading.Event(), threading.Event(), threading.Event()

    def worker() -> None:
        gate.enter(cancel)
        inside.set()
        release.wait(10)
        gate.leave()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        qtbot.waitUntil(inside.is_set)
        ran = []
        assert gate.run_when_free(lambda: ran.append("edit")) is False
        assert ran == []  # queued: the GUI thread did not wait for the worker
    finally:
        release.set()
        thread.join()
    qtbot.waitUntil(lambda: ran == ["edit"])
    assert gate.run_when_free(lambda: ran.append("now")) is True


# -- conflicts ---------------------------------------------------------------------------

def test_conflicts_are_decided_in_the_view_and_synced(window, qtbot, server, colleague,
                                                      seeded_db):
    _, ids = seeded_db
    northwind = ids["Northwind Systems"]
    sign_in(window, qtbot, server, ALICE)
    make_conflicts(window, qtbot, colleague, northwind)
    widget = window.part("sync").status_widget
    assert status_text(window) == "4 conflicts"
    qtbot.mouseClick(widget.button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(QDialog, "conflicts-dialog")
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.table.objectName() == "conflicts-table"
    record, _field, base, mine, theirs, who, when = row_texts(dialog, "Tier")
    assert (record, base, mine, theirs) == ("Partner · Northwind Systems", "Gold",
                                            "Platinum", "Registered")
    assert who == "bob@acme.example (laptop)" and when  # the colleague, by name

    window.presentation.set_on(True)
    assert row_texts(dialog, "Internal notes")[2:5] == ["hidden"] * 3
    select_fields(dialog, "Internal notes")
    assert not dialog.buttons["merge"].isEnabled()
    window.presentation.set_on(False)
    assert row_texts(dialog, "Internal notes")[3] == "Me: risky"

    select_fields(dialog, "Tier")
    dialog.buttons["keep-mine"].click()
    select_fields(dialog, "Phone", "Internal notes")  # one decision for many
    dialog.buttons["keep-theirs"].click()
    select_fields(dialog, "Owner")

    def merged(box: QDialog) -> None:
        editor = box.findChild(QLineEdit, "merged-value")
        editor.clear()
        qtbot.keyClicks(editor, "Sam O. and Bo Lind")
        box.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    when_dialog_opens(merged)
    dialog.buttons["merge"].click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0)
    assert "No conflicts" in dialog.summary.text()
    assert conflicts.open_conflict_count(window.store) == 0
    assert not window.part("sync").status.open_conflicts

    assert_synced(sync_now(window, qtbot))
    assert status_text(window).startswith("Up to date")
    colleague.sync()
    values = {f: colleague.value(Partner, northwind, f)
              for f in ("tier", "phone", "owner", "internal_notes")}
    assert values == {"tier": "platinum", "phone": "+49 30 111", "owner": "Sam O. and Bo Lind",
                      "internal_notes": "Bob: fine"}
    mine = window.store.get(Partner, northwind)
    assert (mine.tier, mine.phone, mine.owner) == ("platinum", "+49 30 111",
                                                   "Sam O. and Bo Lind")


def test_a_partner_deleted_elsewhere_can_be_restored(window, qtbot, server, colleague,
                                                     seeded_db):
    _, ids = seeded_db
    blue = ids["Blue Ridge MSP"]
    sign_in(window, qtbot, server, ALICE)
    colleague.sync()
    colleague.delete(Partner, blue)
    colleague.sync()
    window.store.update(Partner, blue, {"phone": "+1 555 0199"})
    report = sync_now(window, qtbot)
    assert report.conflicts == 1
    dialog = window.part("sync").show_conflicts()
    assert row_texts(dialog, "Phone")[4] == "Record deleted"
    select_fields(dialog, "Phone")
    assert not dialog.buttons["keep-mine"].isEnabled()
    assert dialog.buttons["restore"].isEnabled() and dialog.buttons["accept-delete"].isEnabled()
    dialog.buttons["restore"].click()
    qtbot.waitUntil(lambda: window.page("partners").model.row_of(blue) is not None)
    assert_synced(sync_now(window, qtbot))
    colleague.sync()
    assert colleague.value(Partner, blue, "deleted") is False
    assert colleague.value(Partner, blue, "phone") == "+1 555 0199"


def test_the_conflicts_model_passes_the_model_tester(window, qtbot, server, colleague,
                                                     seeded_db, qtmodeltester):
    _, ids = seeded_db
    sign_in(window, qtbot, server, ALICE)
    make_conflicts(window, qtbot, colleague, ids["Blue Ridge MSP"])
    model = ConflictsModel(window.store)
    model.reload()
    assert model.rowCount() == 4
    qtmodeltester.check(model)
    model.set_show_internal(False)
    qtmodeltester.check(model)


def test_a_merged_value_is_checked_like_the_edit_forms():
    assert "phone number" in merged_value_error("partner", "phone", "call me")
    assert merged_value_error("partner", "phone", "+49 30 1234") is None
    assert "required" in merged_value_error("partner", "name", " ")
    assert "date" in merged_value_error("activity", "occurred_on", "next week")
    assert merged_value_error("activity", "occurred_on", "2026-11-27") is None


def test_a_decision_is_undone_with_ctrl_z_until_the_next_sync(window, qtbot, server,
                                                               colleague, seeded_db):
    _, ids = seeded_db
    northwind = ids["Northwind Systems"]
    sign_in(window, qtbot, server, ALICE)
    make_conflicts(window, qtbot, colleague, northwind)
    dialog = window.part("sync").show_conflicts()
    undo_button = dialog.findChild(QPushButton, "conflicts-undo")
    select_fields(dialog, "Tier")
    dialog.buttons["keep-theirs"].click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3)
    assert window.store.get(Partner, northwind).tier == "registered"
    assert window.undo_stack.undoText() == "Keep theirs (1 conflict)"
    assert undo_button.isEnabled()
    QApplication.activeWindow().close()  # the sign-in window had the focus
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 4)
    assert window.store.get(Partner, northwind).tier == "platinum"  # mine again
    assert row_texts(dialog, "Tier")[3:5] == ["Platinum", "Registered"]
    assert window.part("sync").status.open_conflicts == 4

    select_fields(dialog, "Tier")
    dialog.buttons["keep-mine"].click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3)
    assert_synced(sync_now(window, qtbot))
    messages = []
    when_dialog_opens(lambda box: (messages.append(" ".join(
        label.text() for label in box.findChildren(QLabel))), box.close()))
    undo_button.click()
    qtbot.waitUntil(lambda: bool(messages))
    assert "already been synced" in messages[0] and "edit the record" in messages[0]
    assert window.store.get(Partner, northwind).tier == "platinum"  # the synced decision
    assert window.undo_stack.undoText() != "Keep mine (1 conflict)"  # dropped from the stack
    colleague.sync()
    assert colleague.value(Partner, northwind, "tier") == "platinum"
