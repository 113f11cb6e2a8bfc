"""Driving sync from the UI tests: a real server process, a colleague's desktop, the
settings dialog filled in as a user would.

The server is ``channeldesk-server serve`` on 127.0.0.1 (``tests/sync/served.py``); the
colleague is a second client database signed in through the core's account code
(``tests/sync/harness.py``). A process binds the peewee models to one database at a time,
so every step of the colleague's ends by binding them back to the window's database.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QLineEdit, QPushButton
from sync.harness import PASSWORD, Client
from sync.served import RunningServer, serve

from channeldesk.server.storage import sqlite_url
from channeldesk.store import Store
from channeldesk.store.models import Partner, all_models
from channeldesk.ui.sync.conflicts_model import ConflictColumn

SYNC_TIMEOUT_MS = 30_000


@contextmanager
def running_server(folder: Path, *emails: str) -> Iterator[RunningServer]:
    """A fresh server on SQLite with the given users in team "Acme Channel"."""
    folder.mkdir(parents=True, exist_ok=True)
    with serve(sqlite_url(folder / "server.sqlite3"), folder / "data") as server:
        for email in emails:
            server.add_user(email)
        yield server


class Colleague:
    """Another CAM's desktop: its own database, signed in to the same team."""

    def __init__(self, server: RunningServer, path: Path, email: str, home: Store) -> None:
        self._home = home
        try:
            self.client = Client(server, path, email)
        finally:
            self._rebind()

    def _rebind(self) -> None:
        self._home.db.bind(all_models())

    def _do(self, name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(self.client, name)(*args, **kwargs)
        finally:
            self._rebind()

    def sync(self):
        return self._do("sync")

    def update(self, model, row_id: str, values: dict) -> dict:
        return self._do("update", model, row_id, values)

    def delete(self, model, row_id: str) -> None:
        self._do("delete", model, row_id)

    def value(self, model, row_id: str, field: str):
        return self._do("value", model, row_id, field)

    def close(self) -> None:
        self.client.close()


def action(window, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def open_settings(window, qtbot) -> QDialog:
    action(window, "action-sync-settings").trigger()
    dialog = window.findChild(QDialog, "sync-settings-dialog")
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def fill_sign_in(dialog: QDialog, qtbot, server_url: str, email: str,
                 password: str = PASSWORD) -> None:
    """Type into the sign-in form as a user would, then press Sign in."""
    for name, text in (("server", server_url), ("email", email), ("password", password)):
        edit = dialog.findChild(QLineEdit, f"sync-{name}")
        edit.clear()
        qtbot.keyClicks(edit, text)
    dialog.findChild(QPushButton, "sync-sign-in").click()


def sign_in(window, qtbot, server: RunningServer, email: str) -> QDialog:
    """Sign the window's database in through the dialog and wait for the first sync."""
    dialog = open_settings(window, qtbot)
    with qtbot.waitSignal(window.part("sync").sig_sync_finished, timeout=SYNC_TIMEOUT_MS) as done:
        fill_sign_in(dialog, qtbot, server.url, email)
    assert_synced(done.args[0])
    return dialog


def sync_now(window, qtbot):
    """Press Sync now (the action behind Ctrl+Shift+S and the toolbar) and wait."""
    qtbot.waitUntil(lambda: not window.part("sync").busy, timeout=SYNC_TIMEOUT_MS)
    with qtbot.waitSignal(window.part("sync").sig_sync_finished, timeout=SYNC_TIMEOUT_MS) as done:
        action(window, "action-sync-now").trigger()
    return done.args[0]


def assert_synced(outcome) -> None:
    assert not isinstance(outcome, BaseException), f"the sync failed: {outcome}"


def status_text(window) -> str:
    return window.part("sync").status_widget.text


class _Plain(http.server.BaseHTTPRequestHandler):
    """Answers everything with an HTML 404, like a web server that is not ours."""

    def do_GET(self):
        self._page()

    def do_POST(self):
        self._page()

    def _page(self):
        body = b"<html><body>It works!</body></html>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class not_channeldesk:  # noqa: N801 (used as a context manager)
    """Some other web server on 127.0.0.1."""

    def __enter__(self) -> str:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Plain)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def make_conflicts(window, qtbot, colleague, partner: str) -> None:
    """Both desktops change the same fields of one partner; Bob syncs first."""
    colleague.sync()
    colleague.update(Partner, partner, {"tier": "registered", "phone": "+49 30 111",
                                        "owner": "Bo Lind", "internal_notes": "Bob: fine"})
    colleague.sync()
    window.store.update(Partner, partner, {"tier": "platinum", "phone": "+49 30 222",
                                           "owner": "Sam O.", "internal_notes": "Me: risky"})
    report = sync_now(window, qtbot)
    assert_synced(report)
    assert report.conflicts == 4


def select_fields(dialog, *fields: str) -> None:
    """Select the conflicts of these field labels in the conflicts view, as a user would."""
    table = dialog.table
    model = table.model()
    selection = table.selectionModel()
    selection.clearSelection()
    for row in range(model.rowCount()):
        if model.index(row, ConflictColumn.FIELD).data() in fields:
            selection.select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                             | QItemSelectionModel.SelectionFlag.Rows)
    assert len(dialog.selected_rows()) == len(fields)


def row_texts(dialog, field: str) -> list[str]:
    """The texts the conflicts view shows in the row of a field label."""
    model = dialog.table.model()
    for row in range(model.rowCount()):
        if model.index(row, ConflictColumn.FIELD).data() == field:
            return [model.index(row, column).data() for column in ConflictColumn]
    raise AssertionError(field)
