"""Sync in the desktop app: when to sync, in which thread, and what the user is told.

The Qt-free core (``channeldesk.sync``) does the work; this controller decides *when*
(on demand, every five minutes, when the network returns, with back-off after a
failure), runs it in a worker through ``ui/tasks.py`` (one at a time, cancellable),
passes the worker's writes through the :class:`~channeldesk.ui.sync.gate.WriteGate`,
and turns every outcome into a :class:`SyncStatus` for the status bar and the dialogs.
Nothing here opens a dialog on its own: a background sync that fails says so in the
status bar and tries again later.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtNetwork import QNetworkInformation
from PySide6.QtWidgets import QStyle, QToolBar, QWidget

from channeldesk.settings import option
from channeldesk.sync import account_state, conflict_log
from channeldesk.ui.shell.jobs import Task, run_in_background
from channeldesk.ui.shell.window_part import WindowContext, WindowPart
from channeldesk.ui.sync.gate import WriteGate
from channeldesk.ui.sync.status import SyncPhase, SyncStatus, SyncStatusWidget

if TYPE_CHECKING:  # loaded on first use: the window starts without the HTTP client
    from channeldesk.sync.account import SignInResult, TokenVault, TransportFactory
    from channeldesk.sync.engine import SyncReport
    from channeldesk.sync.errors import SyncError
    from channeldesk.ui.sync.conflicts_dialog import ConflictsDialog
    from channeldesk.ui.sync.jobs import SyncJobs
    from channeldesk.ui.sync.settings_dialog import SyncSettingsDialog

log = logging.getLogger(__name__)

PERIODIC_MS = 5 * 60 * 1000
STARTUP_DELAY_MS = 3000  # let the window paint first
NETWORK_BACK_DELAY_MS = 2000  # the network is "up" before DNS and routes are
BACKOFF_S = (30, 60, 120, 240, 300)
DEVICE_NAME = option("sync/device-names/{device_id}", str, "",
                     "The name this computer was given at sign-in, per device id")


class SyncController(QObject, WindowPart):
    """Owns the sync actions, the status indicator and the background syncs of one
    window's database."""

    sig_status_changed = Signal(object)
    """Emitted with the new :class:`SyncStatus` whenever anything about sync changed."""
    sig_sync_finished = Signal(object)
    """Emitted after each sync with its SyncReport, or the exception that stopped it."""
    sig_sign_in_finished = Signal(object)
    """Emitted with the SignInResult, or a message (str) saying why it failed."""
    sig_signed_out = Signal(bool)
    """Emitted after signing out; True when the server confirmed the token revoked."""
    sig_conflicts_changed = Signal(int)
    """Emitted with the number of open conflicts after a sync or a decision."""

    def __init__(self, context: WindowContext, *, vault: TokenVault | None = None,
                 transport_factory: TransportFactory | None = None) -> None:
        super().__init__(context.window)
        store, window = context.store, context.window
        self.store, self.settings, self.window = store, context.settings, window
        self.bridge, self.presentation = context.bridge, context.presentation
        self._vault, self._transport_factory = vault, transport_factory
        self.gate = WriteGate(store, self)
        self.gate.sig_waiting_changed.connect(self._on_gate_waiting)
        self._jobs: SyncJobs | None = None
        self.token_secure: bool | None = None  # known after a sign-in this session
        self._task: Task | None = None
        self._task_kind = ""
        self._after_task: list = []
        self._failures = 0
        self._closing = False
        self._settings_dialog: SyncSettingsDialog | None = None
        self._conflicts_dialog: ConflictsDialog | None = None
        self._periodic = QTimer(self, interval=PERIODIC_MS)
        self._periodic.timeout.connect(lambda: self.sync_now(background=True))
        self._retry = QTimer(self, singleShot=True)
        self._retry.timeout.connect(lambda: self.sync_now(background=True))
        self._build_actions()
        self.status_widget = SyncStatusWidget(window)  # a parent: never a window of its own
        self._connect_widget()
        self._status = self._resting_status()
        self._publish(self._status)

    # -- building ------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.sync_now_action = QAction(self.tr("Sync &now"), self)
        self.sync_now_action.setObjectName("action-sync-now")
        self.sync_now_action.setIcon(self.window.style().standardIcon(
            QStyle.StandardPixmap.SP_BrowserReload))
        self.sync_now_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.sync_now_action.setStatusTip(self.tr("Send your changes to the team's sync "
                                                  "server and receive theirs"))
        self.sync_now_action.triggered.connect(lambda: self.sync_now())
        self.settings_action = QAction(self.tr("&Sync…"), self)
        self.settings_action.setObjectName("action-sync-settings")
        self.settings_action.triggered.connect(self.show_settings)
        self.conflicts_action = QAction(self.tr("Sync &conflicts…"), self)
        self.conflicts_action.setObjectName("action-sync-conflicts")
        self.conflicts_action.triggered.connect(self.show_conflicts)
        self.toolbar = QToolBar(self.tr("Sync"))
        self.toolbar.setObjectName("sync-toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setIconSize(QSize(16, 16))
        self.toolbar.addAction(self.sync_now_action)

    def _connect_widget(self) -> None:
        widget = self.status_widget
        self.sig_status_changed.connect(widget.show_status)
        widget.sig_details_requested.connect(self.show_settings)
        widget.sig_sign_in_requested.connect(self.show_settings)
        widget.sig_conflicts_requested.connect(self.show_conflicts)
        widget.sig_retry_requested.connect(lambda: self.sync_now())
        widget.sig_cancel_requested.connect(self.cancel_sync)

    # -- in the window (WindowPart) ------------------------------------------------------

    def toolbars(self) -> list[QToolBar]:
        return [self.toolbar]

    def status_widgets(self) -> list[QWidget]:
        return [self.status_widget]

    def file_actions(self) -> list[QAction]:
        return [self.sync_now_action, self.conflicts_action]

    def settings_actions(self) -> list[QAction]:
        return [self.settings_action]

    def start(self) -> None:
        """After the window is built: background syncs, network watching, a first sync."""
        self._apply_configured(self._status.configured)
        self._periodic.start()
        QTimer.singleShot(0, self, self._watch_network)  # after the first paint
        if self.signed_in():
            QTimer.singleShot(STARTUP_DELAY_MS, self, lambda: self.sync_now(background=True))

    def shutdown(self) -> None:
        """Before the window closes: no new syncs; the running one is cancelled."""
        self._closing = True
        self._periodic.stop()
        self._retry.stop()
        self.cancel_sync()

    def _watch_network(self) -> None:
        """Sync soon when the network comes back, where Qt can tell (else back-off
        retries cover it)."""
        try:
            if not QNetworkInformation.loadBackendByFeatures(
                    QNetworkInformation.Feature.Reachability):
                log.info("sync: no network information backend; retrying with back-off")
                return
            QNetworkInformation.instance().reachabilityChanged.connect(self._on_reachability)
        except (RuntimeError, AttributeError) as error:
            log.info("sync: network information unavailable: %s", error)

    def _on_reachability(self, reachability: QNetworkInformation.Reachability) -> None:
        if (reachability == QNetworkInformation.Reachability.Online
                and self._status.phase in (SyncPhase.OFFLINE, SyncPhase.ERROR)):
            self._retry.start(NETWORK_BACK_DELAY_MS)

    # -- what sync needs, loaded when first used -------------------------------------------

    @property
    def vault(self) -> TokenVault:
        """Where device tokens are kept: the OS keyring (``services/credentials``)."""
        if self._vault is None:
            from channeldesk.services import credentials

            self._vault = credentials
        return self._vault

    @property
    def transport_factory(self) -> TransportFactory:
        if self._transport_factory is None:
            from channeldesk.sync.transport import HttpTransport

            self._transport_factory = HttpTransport
        return self._transport_factory

    @property
    def jobs(self) -> SyncJobs:
        """The work functions that run in the worker (engine, HTTP client, protocol)."""
        if self._jobs is None:
            from channeldesk.ui.sync.jobs import SyncJobs

            self._jobs = SyncJobs(self.store, self.gate, self.vault, self.transport_factory)
        return self._jobs

    # -- reading the account -------------------------------------------------------------

    def account(self) -> account_state.Account | None:
        return account_state.account(self.store)

    def signed_in(self) -> bool:
        current = self.account()
        return current is not None and current.signed_in

    def device_name(self, device_id: str | None) -> str:
        return self.settings.get(DEVICE_NAME, device_id=device_id) if device_id else ""

    def keyring_secure(self) -> bool:
        """Whether this computer has a secure password store for the token."""
        status = getattr(self.vault, "keyring_status", None)
        return True if status is None else status().secure

    def open_conflicts(self) -> int:
        return conflict_log.open_count(self.store.db.connection())

    @property
    def status(self) -> SyncStatus:
        return self._status

    @property
    def busy(self) -> bool:
        return self._task is not None

    def _resting_status(self, phase: SyncPhase | None = None, **changes: Any) -> SyncStatus:
        """The status when no sync runs, read from the database."""
        current = self.account()
        if current is None:
            return SyncStatus()
        if phase is None:
            phase = SyncPhase.IDLE if current.signed_in else SyncPhase.OFF
        return SyncStatus(phase=phase, configured=True, last_sync_at=current.last_sync_at,
                          open_conflicts=self.open_conflicts(), server=current.server_url,
                          email=current.email, **changes)

    def _publish(self, status: SyncStatus) -> None:
        self._status = status
        self.sync_now_action.setEnabled(self._task is None)
        self.conflicts_action.setEnabled(status.open_conflicts > 0)
        self.conflicts_action.setVisible(status.configured)
        self.sig_status_changed.emit(status)

    def _apply_configured(self, configured: bool) -> None:
        """The toolbar button exists only for databases that sync."""
        self.toolbar.setVisible(configured)
        self.toolbar.toggleViewAction().setVisible(configured)

    def refresh_conflicts(self) -> None:
        """Re-count open conflicts (after a decision) and tell the views."""
        count = self.open_conflicts()
        self._publish(replace(self._status, open_conflicts=count))
        self.sig_conflicts_changed.emit(count)

    # -- syncing -------------------------------------------------------------------------

    def sync_now(self, background: bool = False) -> None:
        """Start a sync unless one runs; not signed in: a click opens the settings, a
        timer does nothing."""
        if self._closing or self._task is not None:
            return
        if not self.signed_in():
            if not background:
                self.show_settings()
            return
        if not background:
            self._failures = 0
        self._retry.stop()

        self._start("sync", self.jobs.sync(), self._on_sync_done, self._on_progress)
        self._publish(replace(self._status, phase=SyncPhase.SYNCING, done=0, total=0,
                              reason=self.tr("Connecting to %s") % self._status.server,
                              retry_at=None))

    def cancel_sync(self) -> None:
        if self._task is not None and self._task_kind == "sync":
            self._task.cancel()

    def _start(self, kind: str, work, on_done, on_progress=None) -> None:
        self._task_kind = kind
        self._task = run_in_background(self, kind, work, on_done, self._on_task_crashed,
                                       on_progress)

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if self._status.phase in (SyncPhase.SYNCING, SyncPhase.WAITING):
            self._publish(replace(self._status, done=done, total=total,
                                  reason=message or self._status.reason))

    def _on_gate_waiting(self, waiting: bool) -> None:
        if self._task_kind == "sync" and self._task is not None:
            self._publish(replace(self._status, phase=SyncPhase.WAITING if waiting
                                  else SyncPhase.SYNCING))

    def _on_sync_done(self, outcome: SyncReport | SyncError) -> None:
        from channeldesk.sync.engine import SyncReport

        self._task = None
        if isinstance(outcome, SyncReport):
            self._failures = 0
            if outcome.cancelled:
                self._publish(self._resting_status(
                    headline=self.tr("Sync cancelled"),
                    reason=self.tr("The sync was cancelled; what it had received is kept, "
                                   "and the next sync continues from there.")))
            elif outcome.rejected or outcome.quarantined:
                self._publish(self._resting_status(
                    headline=self.tr("Synced; some values need you"),
                    reason=self._refusal_text(outcome)))
            else:
                self._publish(self._resting_status())
        else:
            self._publish(self._failed_status(outcome))
        self.sig_sync_finished.emit(outcome)
        self.sig_conflicts_changed.emit(self._status.open_conflicts)
        self._run_after_task()

    def _refusal_text(self, report: SyncReport) -> str:
        """"The server refused … because …", so the user knows what to fix."""
        parts = []
        if report.rejected:
            first = report.refusals[0] if report.refusals else ""
            parts.append(self.tr("The server refused %d change(s)%s.") % (
                report.rejected, f" ({first})" if first else ""))
        if report.quarantined:
            parts.append(self.tr("%d value(s) from the server break this version's rules "
                                 "and were kept aside.") % report.quarantined)
        parts.append(self.tr("Open Conflicts to fix them; everything else was synced."))
        return " ".join(parts)

    def _failed_status(self, error: BaseException) -> SyncStatus:
        from channeldesk.ui.sync.jobs import describe_failure

        phase, headline, reason = describe_failure(error)
        retry_at = None
        if phase in (SyncPhase.OFFLINE, SyncPhase.ERROR) and not self._closing:
            delay = BACKOFF_S[min(self._failures, len(BACKOFF_S) - 1)]
            self._failures += 1
            self._retry.start(delay * 1000)
            retry_at = (datetime.now(UTC) + timedelta(seconds=delay)).isoformat()
        return self._resting_status(phase, headline=headline, reason=reason,
                                    retry_at=retry_at)

    def _on_task_crashed(self, error: BaseException) -> None:
        """An unexpected exception in the worker (logged there with its traceback)."""
        from channeldesk.ui.sync.jobs import sign_in_message

        kind, self._task = self._task_kind, None
        if kind == "sign_in":
            self.sig_sign_in_finished.emit(sign_in_message(error))
            self._publish(self._resting_status())
        else:
            self._publish(self._failed_status(error))
            if kind == "sync":
                self.sig_sync_finished.emit(error)
        self._run_after_task()

    def _run_after_task(self) -> None:
        waiting, self._after_task = self._after_task, []
        for step in waiting:
            step()

    # -- signing in and out --------------------------------------------------------------

    def sign_in(self, server_url: str, email: str, password: str, device_name: str) -> bool:
        """Sign in in the background; the outcome comes by ``sig_sign_in_finished``.
        False when another sync job is running."""
        from channeldesk.ui.sync.jobs import sign_in_message

        if self._task is not None or self._closing:
            return False

        def done(outcome: SignInResult | Exception) -> None:
            self._task = None
            if isinstance(outcome, Exception):
                self._publish(self._status)
                self.sig_sign_in_finished.emit(sign_in_message(outcome))
                return
            self.token_secure = outcome.secure
            self.settings.set(DEVICE_NAME, device_name.strip(),
                              device_id=outcome.account.device_id)
            self._apply_configured(True)
            self._publish(self._resting_status())
            self.sig_sign_in_finished.emit(outcome)
            self.sync_now()

        self._start("sign_in", self.jobs.sign_in(server_url, email, password, device_name),
                    done)
        return True

    def sign_out(self) -> None:
        """Revoke the device token and forget it, in the background; a running sync is
        cancelled first."""
        if self._task is not None:
            self.cancel_sync()
            self._after_task.append(self.sign_out)
            return

        def done(revoked: bool) -> None:
            self._task = None
            self._retry.stop()
            self.token_secure = None
            self._publish(self._resting_status())
            self.sig_signed_out.emit(revoked)

        self._start("sign_out", self.jobs.sign_out(), done)
        self._publish(replace(self._status, reason=self.tr("Signing out…")))

    # -- dialogs and edits ---------------------------------------------------------------

    def show_settings(self) -> SyncSettingsDialog:
        from channeldesk.ui.sync.settings_dialog import SyncSettingsDialog

        if self._settings_dialog is None:
            self._settings_dialog = SyncSettingsDialog(self, self.window)
        self._settings_dialog.show()
        self._settings_dialog.raise_()
        self._settings_dialog.activateWindow()
        return self._settings_dialog

    def show_conflicts(self) -> ConflictsDialog:
        from channeldesk.ui.sync.conflicts_dialog import ConflictsDialog

        if self._conflicts_dialog is None:
            self._conflicts_dialog = ConflictsDialog(self.store, self, self.window.undo_stack,
                                                    self.window)
        self._conflicts_dialog.reload()
        self._conflicts_dialog.show()
        self._conflicts_dialog.raise_()
        self._conflicts_dialog.activateWindow()
        return self._conflicts_dialog

    def run_edit(self, edit) -> bool:
        """Run a GUI-thread write now, or right after the sync's current page; True
        when it ran now."""
        return self.gate.run_when_free(edit)
