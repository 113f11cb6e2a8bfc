"""Presentation mode: a switch every view honours to keep internal-only data off screen."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class PresentationMode(QObject):
    """On while the screen is shared with a partner; views hide internal fields then."""

    sig_toggled = Signal(bool)
    """Emitted with the new state whenever presentation mode is switched."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on = False

    @property
    def on(self) -> bool:
        return self._on

    def set_on(self, on: bool) -> None:
        if on != self._on:
            self._on = on
            self.sig_toggled.emit(on)
