"""The small dialogs of checklist work: block with a reason, move a due date (what moves
with it is shown before you confirm), reassign, and record an agreement. Each says what
is wrong next to the field and keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.onboarding import (
    AgreementStatus,
    AgreementType,
    OwnerSide,
    label,
    validate_agreement,
)
from channeldesk.domain.onboarding_schedule import DateChange, ScheduleError
from channeldesk.ui.widgets.form import ERROR_STYLE, INVALID_STYLE
from channeldesk.ui.widgets.formats import format_date


def error_label(name: str) -> QLabel:
    """The red line under a field that says what is wrong with it."""
    error = QLabel()
    error.setObjectName(name)
    error.setStyleSheet(ERROR_STYLE)
    error.setWordWrap(True)
    error.hide()
    return error


def show_problem(label_widget: QLabel, field: QWidget | None, message: str | None) -> None:
    label_widget.setText(message or "")
    label_widget.setVisible(bool(message))
    if field is not None:
        field.setStyleSheet(INVALID_STYLE if message else "")


def date_edit(name: str, value: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(value) if value else QDate.currentDate())
    return edit


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.rejected.connect(dialog.reject)
    return buttons


class BlockDialog(QDialog):
    """Why a task is blocked: required, so whoever picks it up knows what to chase."""

    def __init__(self, task_title: str, reason: str = "", parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("onboarding-block-dialog")
        self.setWindowTitle(self.tr("Blocked: %s") % task_title)
        self.setMinimumWidth(440)
        self.reason = QPlainTextEdit(reason)
        self.reason.setObjectName("field-blocked_reason")
        self.reason.setPlaceholderText(self.tr("What is it waiting for? e.g. the partner's "
                                               "legal review of clause 7"))
        self.reason.setTabChangesFocus(True)
        self.error = error_label("error-blocked_reason")
        buttons = _buttons(self, self.tr("Mark blocked"))
        buttons.accepted.connect(self._accept)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("&Reason"), buddy=self.reason))
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def text(self) -> str:
        return self.reason.toPlainText().strip()

    def _accept(self) -> None:
        if not self.text():
            show_problem(self.error, self.reason, self.tr(
                "Say why the task is blocked, so whoever picks it up knows what to chase."))
            self.reason.setFocus()
            return
        self.accept()


class MoveDueDialog(QDialog):
    """A new due date, and the dependants that move with it, listed before confirming."""

    def __init__(self, task_title: str, current: date,
                 preview: Callable[[date], list[DateChange]], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("onboarding-move-dialog")
        self.setWindowTitle(self.tr("Move due date: %s") % task_title)
        self.setMinimumWidth(520)
        self._preview = preview
        self.changes: list[DateChange] = []
        self.date = date_edit("field-due_on", current)
        self.error = error_label("error-due_on")
        self.moves = QListWidget()
        self.moves.setObjectName("onboarding-move-preview")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.buttons = _buttons(self, self.tr("Move"))
        self.buttons.accepted.connect(self.accept)
        form = QFormLayout()
        form.addRow(self.tr("&New due date"), self.date)
        form.addRow("", self.error)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.moves)
        layout.addWidget(self.buttons)
        self.date.dateChanged.connect(lambda _: self._update())
        self._update()

    def new_date(self) -> date:
        return self.date.date().toPython()

    def _update(self) -> None:
        self.moves.clear()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            self.changes = self._preview(self.new_date())
        except ScheduleError as error:
            self.changes = []
            show_problem(self.error, self.date, str(error))
            self.summary.setText("")
            ok.setEnabled(False)
            return
        show_problem(self.error, self.date, None)
        ok.setEnabled(bool(self.changes))
        if not self.changes:
            self.summary.setText(self.tr("That is the current due date; nothing moves."))
            return
        others = len(self.changes) - 1
        self.summary.setText(self.tr("These due dates change (%s waiting task(s) move with "
                                     "it):") % others if others else
                             self.tr("Only this task moves; nothing waits for it."))
        for change in self.changes:
            days = (change.after - change.before).days
            self.moves.addItem(f"{change.title}: {format_date(change.before)} → "
                               f"{format_date(change.after)} ({days:+d} days)")


class ReassignDialog(QDialog):
    """Who does the task: the side (vendor or partner) and a person's name."""

    def __init__(self, task_title: str, side: str, assignee: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("onboarding-reassign-dialog")
        self.setWindowTitle(self.tr("Reassign: %s") % task_title)
        self.side = QComboBox()
        self.side.setObjectName("field-owner_side")
        for member in OwnerSide:
            self.side.addItem(label(member.value), member.value)
        self.side.setCurrentIndex(max(0, self.side.findData(side)))
        self.assignee = QLineEdit(assignee)
        self.assignee.setObjectName("field-assignee")
        self.assignee.setPlaceholderText(self.tr("A person's name (optional)"))
        buttons = _buttons(self, self.tr("Reassign"))
        buttons.accepted.connect(self.accept)
        form = QFormLayout(self)
        form.addRow(self.tr("&Side"), self.side)
        form.addRow(self.tr("&Assigned to"), self.assignee)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        return {"owner_side": self.side.currentData(), "assignee": self.assignee.text().strip()}


class AgreementDialog(QDialog):
    """Record or edit an agreement: kind, status, dates and the signed copy."""

    def __init__(self, parent: QWidget | None = None, values: dict[str, Any] | None = None,
                 show_internal: bool = True, title: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("onboarding-agreement-dialog")
        self.setWindowTitle(title or self.tr("Agreement"))
        self.setMinimumWidth(500)
        values = values or {}
        self.kind = self._combo("field-agreement_type", AgreementType,
                                values.get("agreement_type"))
        self.status = self._combo("field-status", AgreementStatus,
                                  values.get("status") or AgreementStatus.SIGNED.value)
        self.signed = QCheckBox(self.tr("Signed on"))
        self.signed.setObjectName("field-has_signed_on")
        self.signed_on = date_edit("field-signed_on", values.get("signed_on"))
        self.signed.setChecked(values.get("signed_on") is not None or not values)
        self.expires = QCheckBox(self.tr("Expires on"))
        self.expires.setObjectName("field-has_expires_on")
        self.expires_on = date_edit("field-expires_on", values.get("expires_on"))
        self.expires.setChecked(values.get("expires_on") is not None)
        self.file = QLineEdit()
        self.file.setObjectName("field-signed_copy")
        self.file.setPlaceholderText(values.get("file_name") or
                                     self.tr("No file attached (optional)"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._choose_file)
        self.notes = QPlainTextEdit(values.get("internal_notes") or "")
        self.notes.setObjectName("field-internal_notes")
        self.notes.setMaximumHeight(70)
        self.errors = {name: error_label(f"error-{name}")
                       for name in ("agreement_type", "status", "signed_on", "expires_on",
                                    "signed_copy")}
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(browse)
        form = QFormLayout()
        for text, widget, name in ((self.tr("&Agreement"), self.kind, "agreement_type"),
                                   (self.tr("S&tatus"), self.status, "status")):
            form.addRow(text, widget)
            form.addRow("", self.errors[name])
        form.addRow(self.signed, self.signed_on)
        form.addRow("", self.errors["signed_on"])
        form.addRow(self.expires, self.expires_on)
        form.addRow("", self.errors["expires_on"])
        form.addRow(self.tr("Signed &copy"), file_row)
        form.addRow("", self.errors["signed_copy"])
        self._notes_label = QLabel(self.tr("Internal &notes"), buddy=self.notes)
        form.addRow(self._notes_label, self.notes)
        self._notes_label.setVisible(show_internal)
        self.notes.setVisible(show_internal)
        self._show_internal = show_internal
        buttons = _buttons(self, self.tr("Save"))
        buttons.accepted.connect(self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.signed.toggled.connect(self.signed_on.setEnabled)
        self.expires.toggled.connect(self.expires_on.setEnabled)
        self.signed_on.setEnabled(self.signed.isChecked())
        self.expires_on.setEnabled(self.expires.isChecked())

    def _combo(self, name: str, enum, value: str | None) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        for member in enum:
            box.addItem(label(member.value), member.value)
        box.setCurrentIndex(max(0, box.findData(value)))
        return box

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Signed copy"))
        if path:
            self.file.setText(path)

    def values(self) -> dict[str, Any]:
        values = {"agreement_type": self.kind.currentData(),
                  "status": self.status.currentData(),
                  "signed_on": self.signed_on.date().toPython() if self.signed.isChecked()
                  else None,
                  "expires_on": self.expires_on.date().toPython() if self.expires.isChecked()
                  else None}
        if self._show_internal:
            values["internal_notes"] = self.notes.toPlainText().strip()
        return values

    def signed_copy(self) -> Path | None:
        text = self.file.text().strip()
        return Path(text) if text else None

    def problems(self) -> dict[str, str]:
        problems = dict(validate_agreement(self.values()))
        copy = self.signed_copy()
        if copy is not None and not copy.is_file():
            problems["signed_copy"] = self.tr("“%s” is not there. Choose the file again, or "
                                              "clear the field.") % copy.name
        return problems

    def _accept(self) -> None:
        problems = self.problems()
        widgets = {"agreement_type": self.kind, "status": self.status,
                   "signed_on": self.signed_on, "expires_on": self.expires_on,
                   "signed_copy": self.file}
        for name, error in self.errors.items():
            show_problem(error, widgets[name], problems.get(name))
        if not problems:
            self.accept()
