"""Create/edit dialogs for partners, contacts and activities.

Each dialog is a :class:`ValidatedForm` fed by a domain validator; Save stays possible at
all times but shows every problem next to its field instead of saving bad values. Which
fields are internal-only comes from the table's description.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from channeldesk.domain.partner import (
    ActivityKind,
    PartnerStatus,
    PartnerTier,
    PartnerType,
    Region,
    label,
    normalize_website,
    validate_activity,
    validate_contact,
    validate_partner,
)
from channeldesk.store.description import TableDescription
from channeldesk.store.models import Activity, Contact, Partner
from channeldesk.ui.widgets.form import ValidatedForm, Validator


def _choices(enum) -> list[tuple[str, str]]:
    return [(member.value, label(member.value)) for member in enum]


class RecordDialog(QDialog):
    """A titled form with Save and Cancel; ``values()`` holds what to store."""

    def __init__(self, title: str, validator: Validator, parent: QWidget | None = None,
                 object_name: str = "record-dialog",
                 description: TableDescription | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(object_name)
        self.setMinimumWidth(480)
        self.form = ValidatedForm(validator, description=description)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)

    def _save(self) -> None:
        if self.form.check_all():
            self.accept()

    def values(self) -> dict[str, Any]:
        return self.form.values()

    def show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.show()


class PartnerDialog(RecordDialog):
    """Create or edit a partner's own fields."""

    def __init__(self, parent: QWidget | None = None, values: dict | None = None,
                 show_internal: bool = True) -> None:
        title = self.tr("Edit partner") if values else self.tr("New partner")
        super().__init__(title, validate_partner, parent, "partner-dialog",
                         Partner.description)
        form = self.form
        form.add_line("name", self.tr("&Name"), self.tr("Company name"))
        form.add_choice("partner_type", self.tr("&Type"), _choices(PartnerType))
        form.add_choice("tier", self.tr("T&ier"), _choices(PartnerTier))
        form.add_choice("status", self.tr("&Status"), _choices(PartnerStatus))
        form.add_choice("region", self.tr("&Region"), _choices(Region))
        form.add_line("country", self.tr("&Country"), self.tr("e.g. Germany"))
        form.add_line("owner", self.tr("&Owner"), self.tr("Channel account manager"))
        form.add_line("website", self.tr("&Website"), "example.com")
        form.add_line("phone", self.tr("&Phone"), "+49 30 1234567")
        form.add_text("internal_notes", self.tr("Internal &notes"),
                      self.tr("Only you and your team see this; hidden in presentation mode"))
        form.set_values(values or {"status": PartnerStatus.ACTIVE.value,
                                   "tier": PartnerTier.REGISTERED.value})
        form.set_internal_visible(show_internal)
        form.field("name").setFocus()

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["website"] = normalize_website(values.get("website"))
        return values


class ContactDialog(RecordDialog):
    """Create or edit a contact person at a partner."""

    def __init__(self, parent: QWidget | None = None, values: dict | None = None) -> None:
        title = self.tr("Edit contact") if values else self.tr("New contact")
        super().__init__(title, validate_contact, parent, "contact-dialog",
                         Contact.description)
        self.form.add_line("name", self.tr("&Name"))
        self.form.add_line("role", self.tr("&Role"), self.tr("e.g. Head of Sales"))
        self.form.add_line("email", self.tr("&Email"), "name@example.com")
        self.form.add_line("phone", self.tr("&Phone"))
        self.form.add_check("is_primary", self.tr("&Primary contact for this partner"))
        self.form.set_values(values or {})
        self.form.field("name").setFocus()


class ActivityDialog(RecordDialog):
    """Log or edit one touchpoint with a partner."""

    def __init__(self, parent: QWidget | None = None, values: dict | None = None,
                 show_internal: bool = True,
                 description: TableDescription = Activity.description) -> None:
        title = self.tr("Edit activity") if values else self.tr("Log activity")
        today = date.today()
        super().__init__(title, lambda v: validate_activity(v, today), parent,
                         "activity-dialog", description)
        self.form.add_choice("kind", self.tr("&Kind"), _choices(ActivityKind))
        self.form.add_date("occurred_on", self.tr("&Date"))
        self.form.add_line("subject", self.tr("&Subject"))
        self.form.add_text("notes", self.tr("N&otes"))
        self.form.add_check("internal_only", self.tr("&Internal only (never shown to the "
                                                     "partner)"))
        self.form.set_values(values or {"kind": ActivityKind.CALL.value, "occurred_on": today})
        self.form.set_internal_visible(show_internal)
        self.form.field("subject").setFocus()
