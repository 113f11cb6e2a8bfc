"""Settings → Sync…: sign this database in to the team's sync server, or out again.

A window that does not block the app: signing in runs in the background (the
controller's worker), and the form stays readable meanwhile. Two pages: the sign-in form
(validated as you type), and, once signed in, who and where this database syncs with.
Where the computer has no secure password store, both pages say so in plain words, since
the token then lasts only until ChannelDesk closes.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.partner import email_error
from channeldesk.sync.account import SignInResult
from channeldesk.sync.transport import normalize_server_url
from channeldesk.ui.sync.gate import NO_STORE_WRITES
from channeldesk.ui.sync.status import SyncPhase, SyncStatus, sync_time_text
from channeldesk.ui.widgets.form import ERROR_STYLE, INVALID_STYLE

if TYPE_CHECKING:
    from channeldesk.ui.sync.controller import SyncController

NO_KEYRING = ("This computer has no secure password store; you will be asked to sign in "
              "again next time ChannelDesk starts.")
NOTE_STYLE = "background: #fff4e5; color: #663c00; border: 1px solid #ffb74d; " \
             "border-radius: 3px; padding: 6px;"
DEVICE_NAME_MAX = 200


def server_url_error(text: str) -> str | None:
    if not text.strip():
        return "Enter the address of your team's sync server."
    try:
        normalize_server_url(text)
    except ValueError:
        return "Enter an address like https://sync.example.com (http or https)."
    return None


class SyncSettingsDialog(QDialog):
    """Sign in (server, email, password, device name) or see the account and sign out."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync-settings-dialog")
        self.setWindowTitle(self.tr("Sync"))
        self.setProperty(NO_STORE_WRITES, True)
        self.setMinimumWidth(520)
        self.controller = controller
        self._touched: set[str] = set()
        self._show_all = False
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_sign_in())
        self.pages.addWidget(self._build_signed_in())
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        intro = QLabel(self.tr("Sync keeps your partners in step with your team. Everything "
                               "works offline; changes travel when you are connected."))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(self.pages)
        layout.addWidget(close)
        controller.sig_status_changed.connect(self._on_status)
        controller.sig_sign_in_finished.connect(self._on_signed_in)
        controller.sig_signed_out.connect(self._on_signed_out)
        self._prefill()
        self._on_status(controller.status)

    # -- building ------------------------------------------------------------------------

    def _line(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"sync-{name}")
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(lambda _=None: self._on_edit(name))
        return edit

    def _build_sign_in(self) -> QWidget:
        page = QWidget()
        form = QFormLayout()
        self.server = self._line("server", "https://sync.example.com")
        self.email = self._line("email", "name@example.com")
        self.password = self._line("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.device = self._line("device")
        self.device.setToolTip(self.tr("How this computer is listed on the server"))
        self.errors: dict[str, QLabel] = {}
        self.inputs = {"server": self.server, "email": self.email,
                       "password": self.password, "device": self.device}
        for name, text, edit in (("server", self.tr("&Server address:"), self.server),
                                 ("email", self.tr("&Email:"), self.email),
                                 ("password", self.tr("&Password:"), self.password),
                                 ("device", self.tr("&Device name:"), self.device)):
            error = QLabel()
            error.setObjectName(f"error-sync-{name}")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            self.errors[name] = error
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(edit)
            box.addWidget(error)
            row_label = QLabel(text)
            row_label.setBuddy(edit)
            form.addRow(row_label, box)
        self.sign_in_note = QLabel()
        self.sign_in_note.setObjectName("sync-sign-in-note")
        self.sign_in_note.setWordWrap(True)
        self.sign_in_note.setStyleSheet(NOTE_STYLE)
        self.keyring_note = QLabel(self.tr(NO_KEYRING))
        self.keyring_note.setObjectName("sync-keyring-note")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setStyleSheet(NOTE_STYLE)
        self.message = QLabel()
        self.message.setObjectName("sync-message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(8)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.sign_in_button = QPushButton(self.tr("Sign &in"))
        self.sign_in_button.setObjectName("sync-sign-in")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.sign_in)
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.sign_in_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sign_in_note)
        layout.addLayout(form)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        return page

    def _build_signed_in(self) -> QWidget:
        page = QWidget()
        self.who = QLabel()
        self.who.setObjectName("sync-signed-in-as")
        self.who.setWordWrap(True)
        self.who.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where = QLabel()
        self.where.setObjectName("sync-server-shown")
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.last_sync = QLabel()
        self.last_sync.setObjectName("sync-last-sync")
        self.state_line = QLabel()
        self.state_line.setObjectName("sync-state")
        self.state_line.setWordWrap(True)
        facts = QFormLayout()
        facts.addRow(self.tr("Server:"), self.where)
        facts.addRow(self.tr("Last sync:"), self.last_sync)
        facts.addRow(self.tr("Status:"), self.state_line)
        self.session_note = QLabel(self.tr(NO_KEYRING))
        self.session_note.setObjectName("sync-session-note")
        self.session_note.setWordWrap(True)
        self.session_note.setStyleSheet(NOTE_STYLE)
        self.sync_button = QPushButton(self.tr("Sync &now"))
        self.sync_button.setObjectName("sync-now-button")
        self.sync_button.clicked.connect(lambda: self.controller.sync_now())
        self.conflicts_button = QPushButton(self.tr("Show &conflicts…"))
        self.conflicts_button.setObjectName("sync-conflicts-button")
        self.conflicts_button.clicked.connect(self.controller.show_conflicts)
        self.sign_out_button = QPushButton(self.tr("Sign &out"))
        self.sign_out_button.setObjectName("sync-sign-out")
        self.sign_out_button.setToolTip(self.tr("Revoke this computer's access on the server "
                                                "and forget the token; your data stays"))
        self.sign_out_button.clicked.connect(self.sign_out)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.conflicts_button)
        buttons.addStretch(1)
        buttons.addWidget(self.sign_out_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.who)
        layout.addLayout(facts)
        layout.addWidget(self.session_note)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    def _prefill(self) -> None:
        current = self.controller.account()
        if current is not None:
            self.server.setText(current.server_url)
            self.email.setText(current.email)
        self.device.setText(self.controller.device_name(current.device_id if current else None)
                            or socket.gethostname())

    # -- validating ----------------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        found = {
            "server": server_url_error(self.server.text()),
            "email": ("Enter your email address." if not self.email.text().strip()
                      else email_error(self.email.text())),
            "password": None if self.password.text() else "Enter your password.",
            "device": ("Give this computer a name." if not self.device.text().strip() else
                       "The name is too long." if len(self.device.text()) > DEVICE_NAME_MAX
                       else None),
        }
        return {name: text for name, text in found.items() if text}

    def _on_edit(self, name: str) -> None:
        self._touched.add(name)
        self._show_problems()

    def _show_problems(self) -> dict[str, str]:
        found = self.problems()
        for name, label in self.errors.items():
            shown = found.get(name) if (self._show_all or name in self._touched) else None
            label.setText(self.tr(shown or ""))
            label.setVisible(bool(shown))
            self.inputs[name].setStyleSheet(INVALID_STYLE if shown else "")
        return found

    # -- acting --------------------------------------------------------------------------

    def sign_in(self) -> None:
        self._show_all = True
        found = self._show_problems()
        if found:
            self.inputs[next(iter(found))].setFocus()
            return
        if not self.controller.sign_in(self.server.text(), self.email.text().strip(),
                                       self.password.text(), self.device.text().strip()):
            self._say(self.tr("Sync is busy; try again in a moment."), error=True)
            return
        self._set_busy(True)
        self._say(self.tr("Signing in to %s…") % self.server.text().strip())

    def sign_out(self) -> None:
        self.sign_out_button.setEnabled(False)
        self.sync_button.setEnabled(False)
        self.state_line.setText(self.tr("Signing out…"))
        self.controller.sign_out()

    def _set_busy(self, busy: bool) -> None:
        for edit in self.inputs.values():
            edit.setEnabled(not busy)
        self.sign_in_button.setEnabled(not busy)
        self.busy.setVisible(busy)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else "")

    def _on_signed_in(self, outcome: SignInResult | str) -> None:
        self._set_busy(False)
        if isinstance(outcome, str):
            self._say(outcome, error=True)
            if "password" in outcome:
                self.password.selectAll()
                self.password.setFocus()
            return
        self.password.clear()
        self._say("")
        self._touched.clear()
        self._show_all = False
        self._on_status(self.controller.status)

    def _on_signed_out(self, revoked: bool) -> None:
        self.sign_out_button.setEnabled(True)
        self._say(self.tr("Signed out. The server revoked this computer's token, and it was "
                          "removed from this computer.") if revoked else
                  self.tr("Signed out on this computer and the token was forgotten. The "
                          "server could not be reached to revoke it; it cannot be used from "
                          "here any more."))
        self._on_status(self.controller.status)

    def _on_status(self, status: SyncStatus) -> None:
        current = self.controller.account()
        signed_in = (current is not None and current.signed_in
                     and status.phase is not SyncPhase.NEEDS_SIGN_IN)
        self.pages.setCurrentIndex(1 if signed_in else 0)
        secure = self.controller.keyring_secure()
        self.keyring_note.setVisible(not secure)
        needs = status.phase is SyncPhase.NEEDS_SIGN_IN
        self.sign_in_note.setText(self.tr("Sign in again to keep syncing: %s") % status.reason
                                  if needs else "")
        self.sign_in_note.setVisible(needs)
        if not signed_in or current is None:
            return
        device = self.controller.device_name(current.device_id) or self.tr("this computer")
        self.who.setText(self.tr("Signed in as <b>%s</b>, team <b>%s</b>, device <b>%s</b>.")
                         % (current.email, current.team, device))
        self.where.setText(current.server_url)
        self.last_sync.setText(sync_time_text(status.last_sync_at, long=True)
                               or self.tr("Not yet"))
        self.state_line.setText(self._state_text(status))
        self.session_note.setVisible(not (self.controller.token_secure
                                          if self.controller.token_secure is not None
                                          else secure))
        self.sync_button.setEnabled(not self.controller.busy)
        self.sign_out_button.setEnabled(True)
        self.conflicts_button.setVisible(status.open_conflicts > 0)
        self.conflicts_button.setText(self.tr("Show %d &conflicts…") % status.open_conflicts
                                      if status.open_conflicts > 1
                                      else self.tr("Show the &conflict…"))

    def _state_text(self, status: SyncStatus) -> str:
        if status.phase in (SyncPhase.SYNCING, SyncPhase.WAITING):
            return self.tr("Syncing… %s") % status.reason
        if status.phase in (SyncPhase.OFFLINE, SyncPhase.ERROR):
            return status.reason
        if status.reason:
            return status.reason
        return self.tr("Up to date.")
