"""The sync indicator in the status bar, and the status it shows.

The widget is dumb on purpose: it draws a :class:`SyncStatus` and reports clicks as
signals; the sync controller decides what a click does. It stays hidden while sync has
never been set up on this database: a CAM who does not sync should not see a word about
it (DESIGN.md §1: sync is optional), and Settings → Sync… is where it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QDateTime, QLocale, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

HEADLINE_CHARS = 48


class SyncPhase(Enum):
    OFF = "off"  # never set up, or signed out
    NEEDS_SIGN_IN = "needs_sign_in"  # the token is gone or the server refused it
    IDLE = "idle"  # last sync went well (maybe with conflicts waiting)
    SYNCING = "syncing"
    WAITING = "waiting"  # syncing, paused until an edit in the GUI is finished
    OFFLINE = "offline"
    ERROR = "error"


@dataclass(frozen=True)
class SyncStatus:
    """Everything the indicator and the settings dialog show about sync."""

    phase: SyncPhase = SyncPhase.OFF
    configured: bool = False  # this database was signed in to a server at some point
    headline: str = ""  # the short reason of an error
    reason: str = ""  # the reason or activity in one sentence
    done: int = 0
    total: int = 0
    last_sync_at: str | None = None  # ISO time, UTC
    open_conflicts: int = 0
    retry_at: str | None = None  # ISO time, UTC, of the next automatic try
    server: str = ""
    email: str = ""


PHASE_COLOURS = {
    SyncPhase.OFF: "#9e9e9e", SyncPhase.NEEDS_SIGN_IN: "#b26a00", SyncPhase.IDLE: "#2e7d32",
    SyncPhase.SYNCING: "#1565c0", SyncPhase.WAITING: "#b26a00", SyncPhase.OFFLINE: "#757575",
    SyncPhase.ERROR: "#c62828",
}
CONFLICT_COLOUR = "#e65100"


def sync_time_text(iso: str | None, *, long: bool = False) -> str:
    """An ISO UTC time in the user's locale: the time alone for today, else date and
    time; ``long`` always gives both."""
    if not iso:
        return ""
    when = QDateTime.fromString(iso, Qt.DateFormat.ISODateWithMs)
    if not when.isValid():
        when = QDateTime.fromString(iso, Qt.DateFormat.ISODate)
    if not when.isValid():
        return iso
    return local_time_text(when, time_only=not long
                           and when.toLocalTime().date() == QDateTime.currentDateTime().date())


def local_time_text(when: QDateTime, time_only: bool = False) -> str:
    """A moment in the user's locale, short form; ISO-like where no locale is set (the
    C locale, where Qt's short form reads "27 11 2026")."""
    when = when.toLocalTime()
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return when.toString("HH:mm" if time_only else "yyyy-MM-dd HH:mm")
    if time_only:
        return locale.toString(when.time(), QLocale.FormatType.ShortFormat)
    return locale.toString(when, QLocale.FormatType.ShortFormat)


def _dot(colour: str, size: int = 10) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def _retry_text(iso: str | None) -> str:
    return f" Next try at {sync_time_text(iso)}." if iso else ""


class SyncStatusWidget(QWidget):
    """[● Up to date · 14:32] [Retry] — the text button and one context action."""

    sig_details_requested = Signal()
    """The user clicked the indicator (not on conflicts): show the sync settings."""
    sig_conflicts_requested = Signal()
    """The user clicked "N conflicts": show the conflicts view."""
    sig_retry_requested = Signal()
    """The user asked to sync again after an error or while offline."""
    sig_cancel_requested = Signal()
    """The user asked to stop the running sync."""
    sig_sign_in_requested = Signal()
    """The user asked to sign in again."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync-status")
        self.setAccessibleName(self.tr("Sync status"))
        self.button = QToolButton()
        self.button.setObjectName("sync-status-button")
        self.button.setAutoRaise(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setIconSize(QSize(10, 10))
        self.button.clicked.connect(self._on_click)
        self.action_button = QToolButton()
        self.action_button.setObjectName("sync-status-action")
        self.action_button.clicked.connect(self._on_action)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(2)
        layout.addWidget(self.button)
        layout.addWidget(self.action_button)
        self.status = SyncStatus()
        self.show_status(self.status)

    # -- showing -------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return self.button.text()

    def show_status(self, status: SyncStatus) -> None:
        self.status = status
        text, tip, colour, action = self._describe(status)
        self.button.setText(text)
        self.button.setIcon(_dot(colour))
        self.button.setToolTip(tip)
        self.button.setAccessibleDescription(tip)
        self.setToolTip(tip)
        self.action_button.setText(action)
        self.action_button.setVisible(bool(action))
        self.setVisible(status.configured)

    def _describe(self, s: SyncStatus) -> tuple[str, str, str, str]:
        """Text, tooltip, dot colour and the action button's text ("" for none)."""
        where = f" with {s.server} as {s.email}" if s.server else ""
        last = (self.tr("Last synced %s%s.") % (sync_time_text(s.last_sync_at, long=True),
                                                 where)
                if s.last_sync_at else self.tr("Not synced yet%s.") % where)
        conflicts = (self.tr(" %d conflicts wait for your decision.") % s.open_conflicts
                     if s.open_conflicts > 1 else
                     self.tr(" 1 conflict waits for your decision.") if s.open_conflicts
                     else "")
        colour = PHASE_COLOURS[s.phase]
        if s.phase is SyncPhase.OFF:
            return (self.tr("Sync off"), self.tr("Not signed in to a sync server; your data "
                                                 "stays on this computer. Settings → Sync… "
                                                 "to sign in."), colour, "")
        if s.phase is SyncPhase.NEEDS_SIGN_IN:
            return self.tr("Sign in to sync"), s.reason, colour, self.tr("Sign in…")
        if s.phase is SyncPhase.SYNCING:
            percent = f" {min(100, s.done * 100 // s.total)}%" if s.total > 0 else ""
            return (self.tr("Syncing…") + percent, (s.reason or self.tr("Syncing")) + ".",
                    colour, self.tr("Cancel"))
        if s.phase is SyncPhase.WAITING:
            return (self.tr("Sync paused"),
                    self.tr("The sync waits until the open dialog is closed, so that your "
                            "edit and the incoming changes do not collide."),
                    colour, self.tr("Cancel"))
        if s.phase is SyncPhase.OFFLINE:
            return (self.tr("Offline"), f"{s.reason}{_retry_text(s.retry_at)} "
                    + self.tr("Your changes are kept on this computer.") + conflicts,
                    colour, self.tr("Retry"))
        if s.phase is SyncPhase.ERROR:
            headline = s.headline or self.tr("Sync failed")
            if len(headline) > HEADLINE_CHARS:
                headline = headline[:HEADLINE_CHARS - 1] + "…"
            return (headline, f"{s.reason}{_retry_text(s.retry_at)} {last}{conflicts}",
                    colour, self.tr("Retry"))
        if s.open_conflicts:
            text = (self.tr("%d conflicts") % s.open_conflicts if s.open_conflicts > 1
                    else self.tr("1 conflict"))
            return (text, self.tr("%s Click to decide which values to keep.")
                    % (conflicts.strip() + " " + last), CONFLICT_COLOUR, "")
        if s.headline:  # e.g. "Sync cancelled"
            return s.headline, f"{s.reason} {last}", PHASE_COLOURS[SyncPhase.OFF], ""
        when = sync_time_text(s.last_sync_at)
        return (self.tr("Up to date · %s") % when if when else self.tr("Up to date"), last,
                colour, "")

    # -- clicks --------------------------------------------------------------------------

    def _on_click(self) -> None:
        if self.status.phase is SyncPhase.IDLE and self.status.open_conflicts:
            self.sig_conflicts_requested.emit()
        else:
            self.sig_details_requested.emit()

    def _on_action(self) -> None:
        phase = self.status.phase
        if phase in (SyncPhase.SYNCING, SyncPhase.WAITING):
            self.sig_cancel_requested.emit()
        elif phase is SyncPhase.NEEDS_SIGN_IN:
            self.sig_sign_in_requested.emit()
        elif phase in (SyncPhase.OFFLINE, SyncPhase.ERROR):
            self.sig_retry_requested.emit()
