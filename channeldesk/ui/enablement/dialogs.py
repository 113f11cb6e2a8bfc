"""Dialogs of the asset library: an asset (with its first version), a new version, and
the tier requirements. Every field is checked as the user types, by the same rules the
table's description gives sync and the conflicts view."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.enablement import (
    LANGUAGES,
    AssetKind,
    label,
    url_error,
    validate_asset,
)
from channeldesk.domain.partner import PartnerTier, PartnerType
from channeldesk.domain.partner import label as partner_label
from channeldesk.services.asset_files import FileProblem, file_size
from channeldesk.store.models import Asset
from channeldesk.ui.enablement.forms import EnablementForm, FileOrLink, described_validator
from channeldesk.ui.widgets.record_dialogs import RecordDialog

ASSET_FIELDS = ("title", "kind", "product", "language", "audience_types", "audience_tiers",
                "tags", "co_brandable", "published_on", "expires_on", "owner", "description",
                "internal_notes")
KIND_BY_SUFFIX = {".pptx": AssetKind.PITCH_DECK, ".ppt": AssetKind.PITCH_DECK,
                  ".key": AssetKind.PITCH_DECK, ".mp4": AssetKind.VIDEO,
                  ".mov": AssetKind.VIDEO, ".xlsx": AssetKind.PRICE_LIST,
                  ".csv": AssetKind.PRICE_LIST, ".zip": AssetKind.CAMPAIGN_KIT}


def kind_for(path: Path) -> str:
    """A first guess at what a dropped file is; the user can change it."""
    return KIND_BY_SUFFIX.get(path.suffix.lower(), AssetKind.DATASHEET).value


def source_problem(source: Path | str) -> str | None:
    """What is wrong with a picked file or typed link, or None."""
    if isinstance(source, Path):
        try:
            file_size(source)
        except FileProblem as problem:
            return str(problem)
        return None
    if not source:
        return "Choose a file or enter a link."
    return url_error(source)


class _SourceSection(QWidget):
    """File or link, with its change note; says what is wrong with it."""

    def __init__(self, parent: QWidget | None = None, note_text: str = "") -> None:
        super().__init__(parent)
        self.picker = FileOrLink()
        self.note = QPlainTextEdit()
        self.note.setObjectName("version-note")
        self.note.setPlaceholderText(note_text)
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(60)
        self.error = QLabel()
        self.error.setObjectName("version-error")
        self.error.setStyleSheet("color: #d32f2f;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow(self.tr("File or link"), self.picker)
        layout.addRow("", self.error)
        layout.addRow(self.tr("Change note"), self.note)

    def check(self) -> bool:
        problem = source_problem(self.picker.source())
        self.error.setText(problem or "")
        self.error.setVisible(bool(problem))
        return problem is None

    def source(self) -> Path | str:
        return self.picker.source()

    def change_note(self) -> str:
        return self.note.toPlainText().strip()


class AssetDialog(RecordDialog):
    """Create or edit an asset; a new asset also takes its first file or link (v1)."""

    def __init__(self, parent: QWidget | None = None, values: dict | None = None,
                 show_internal: bool = True, with_source: bool = False) -> None:
        title = self.tr("Edit asset") if values else self.tr("New asset")
        super().__init__(title, described_validator(Asset.description, validate_asset),
                         parent, "asset-dialog", Asset.description)
        layout = self.layout()
        layout.removeWidget(self.form)
        self.form.deleteLater()
        self.form = EnablementForm(self._form_validator(), description=Asset.description)
        layout.insertWidget(0, self.form)
        self.setMinimumWidth(620)
        form = self.form
        form.add_line("title", self.tr("&Title"), self.tr("e.g. Vault 5 datasheet"))
        form.add_choice("kind", self.tr("&Kind"), [(k.value, label(k)) for k in AssetKind])
        form.add_line("product", self.tr("&Product"))
        form.add_choice("language", self.tr("&Language"), list(LANGUAGES.items()))
        form.add_codes("audience_types", self.tr("Partner t&ypes"),
                       [(t.value, partner_label(t)) for t in PartnerType],
                       self.tr("None ticked: every partner type"))
        form.add_codes("audience_tiers", self.tr("T&iers"),
                       [(t.value, partner_label(t)) for t in PartnerTier],
                       self.tr("None ticked: every tier"))
        form.add_line("tags", self.tr("T&ags"), self.tr("comma-separated, e.g. backup, SMB"))
        form.add_check("co_brandable", self.tr("&Co-brandable (partners may add their logo)"))
        form.add_date("published_on", self.tr("P&ublished"))
        form.add_optional_date("expires_on", self.tr("E&xpires"), self.tr("Expires on"))
        form.add_line("owner", self.tr("&Owner"), self.tr("Who keeps it up to date"))
        form.add_text("description", self.tr("&Description"))
        form.add_text("internal_notes", self.tr("Internal &notes"),
                      self.tr("Only you and your team see this; hidden in presentation mode"))
        form.set_values(values or {"kind": AssetKind.DATASHEET.value, "language": "en",
                                   "published_on": date.today()})
        form.set_internal_visible(show_internal)
        self.source_section: _SourceSection | None = None
        if with_source:
            self.source_section = _SourceSection(note_text=self.tr("What this first version "
                                                                   "holds (optional)"))
            self.source_section.setObjectName("asset-source")
            layout.insertWidget(1, self.source_section)
        form.field("title").setFocus()

    def _form_validator(self):
        return described_validator(Asset.description, validate_asset)

    def _save(self) -> None:
        source_ok = self.source_section.check() if self.source_section else True
        if self.form.check_all() and source_ok:
            self.accept()

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["tags"] = ", ".join(part.strip() for part in values.get("tags", "").split(",")
                                   if part.strip())
        return values


class VersionDialog(QDialog):
    """A new version of an asset: a file or a link, a change note and a release date."""

    def __init__(self, asset_title: str, next_number: int, parent: QWidget | None = None,
                 path: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("version-dialog")
        self.setWindowTitle(self.tr("New version of %s") % asset_title)
        self.setMinimumWidth(560)
        intro = QLabel(self.tr("Version %d of “%s”. Partners holding an earlier version "
                               "will show as behind.") % (next_number, asset_title))
        intro.setWordWrap(True)
        self.section = _SourceSection(note_text=self.tr("What changed, e.g. New pricing "
                                                        "tiers"))
        if path is not None:
            self.section.picker.set_path(path)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.section)
        layout.addWidget(buttons)

    def _save(self) -> None:
        if self.section.check():
            self.accept()

    def source(self) -> Path | str:
        return self.section.source()

    def change_note(self) -> str:
        return self.section.change_note()


class TierRequirementsDialog(QDialog):
    """How many certified people each tier asks for: a team rule that syncs."""

    def __init__(self, current: dict[str, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tier-requirements-dialog")
        self.setWindowTitle(self.tr("Tier requirements"))
        intro = QLabel(self.tr("Certified people each partner tier needs. These are your "
                               "team's rules: they sync to everyone on the team."))
        intro.setWordWrap(True)
        form = QFormLayout()
        self.boxes: dict[str, QSpinBox] = {}
        for tier in PartnerTier:
            box = QSpinBox()
            box.setObjectName(f"requirement-{tier.value}")
            box.setRange(0, 1000)
            box.setValue(current.get(tier.value, 0))
            box.setSuffix(self.tr(" people"))
            form.addRow(partner_label(tier.value), box)
            self.boxes[tier.value] = box
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict[str, int]:
        return {tier: box.value() for tier, box in self.boxes.items()}
