"""Presentation mode: the screen is shared with one partner, and shows only theirs.

Turning it on asks which partner is in the room (the one the current tab shows is
preselected). Every tab is then scoped to that partner's records through
:meth:`~channeldesk.ui.widgets.feature_tab.FeatureTab.set_partner_scope`; a tab with
nothing of a partner's to show is unavailable, as are internal windows (conflicts, sync
settings). Internal-only fields are hidden everywhere. Leaving puts back the tab, the
searches, the filters and the selections as they were.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)


class PresentationMode(QObject):
    """On while the screen is shared with a partner; views hide internal fields then and,
    with a partner chosen, show that partner's records only."""

    sig_toggled = Signal(bool)
    """Emitted with the new state whenever presentation mode is switched."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on = False
        self.partner_id: str | None = None
        self.partner_name = ""

    @property
    def on(self) -> bool:
        return self._on

    def set_on(self, on: bool, partner_id: str | None = None, partner_name: str = "") -> None:
        """Switch on (scoped to ``partner_id`` when given) or off."""
        if on != self._on:
            self.partner_id, self.partner_name = (partner_id, partner_name) if on else (None, "")
            self._on = on
            self.sig_toggled.emit(on)


class PresentationPartnerDialog(QDialog):
    """Which partner is in the room: the list is scoped to them while presenting."""

    def __init__(self, partners: list[tuple[str, str]], preselect: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presentation-partner-dialog")
        self.setWindowTitle(self.tr("Presentation mode"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Which partner is in the room? Every list will show only "
                               "their records; internal fields and windows are hidden."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.partner = QComboBox()
        self.partner.setObjectName("presentation-partner")
        self.partner.setAccessibleName(self.tr("Partner in the room"))
        for partner_id, name in partners:
            self.partner.addItem(name, partner_id)
        self.partner.setCurrentIndex(max(0, self.partner.findData(preselect)))
        layout.addWidget(self.partner)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Present"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> tuple[str, str]:
        return self.partner.currentData(), self.partner.currentText()
