"""A form that validates as the user types and says what is wrong next to the field.

Validation itself lives in the domain layer (``validate_partner`` and friends); this widget
only collects values, calls the validator and shows each message under its field. A field
shows its error once the user has touched it, or for every field after a save attempt, so
an empty new form does not open covered in red. Which fields are internal-only (hidden in
presentation mode) is read from the table's description, never declared here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from channeldesk.store.description import TableDescription

Validator = Callable[[dict[str, Any]], dict[str, str]]
ERROR_STYLE = "color: #d32f2f;"
INVALID_STYLE = "border: 1px solid #c62828;"


@dataclass
class FormField:
    name: str
    widget: QWidget
    read: Callable[[], Any]
    write: Callable[[Any], None]
    error: QLabel
    row_label: QLabel
    container: QWidget
    internal: bool


class ValidatedForm(QWidget):
    """Labelled fields with inline error messages."""

    sig_edited = Signal()
    """Emitted whenever the user changes any field."""

    def __init__(self, validate: Validator, parent: QWidget | None = None,
                 description: TableDescription | None = None) -> None:
        super().__init__(parent)
        self._validate = validate
        self._description = description
        self._fields: dict[str, FormField] = {}
        self._touched: set[str] = set()
        self._show_all = False
        self._layout = QFormLayout(self)
        self._layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)

    # -- building ---------------------------------------------------------------------

    def add_line(self, name: str, text: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(lambda _=None: self._on_edit(name))
        self._add(name, text, edit, lambda: edit.text().strip(),
                  lambda v: edit.setText(v or ""))
        return edit

    def add_choice(self, name: str, text: str, choices: Sequence[tuple[str, str]]
                   ) -> QComboBox:
        combo = QComboBox()
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        combo.addItem(self.tr("Choose…"), None)
        for code, shown in choices:
            combo.addItem(shown, code)
        combo.activated.connect(lambda _=None: self._on_edit(name))
        self._add(name, text, combo, combo.currentData,
                  lambda v: combo.setCurrentIndex(max(0, combo.findData(v))))
        return combo

    def add_text(self, name: str, text: str, placeholder: str = "") -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        edit.setMinimumHeight(70)
        edit.textChanged.connect(lambda: self._on_edit(name))
        self._add(name, text, edit, lambda: edit.toPlainText().strip(),
                  lambda v: edit.setPlainText(v or ""))
        return edit

    def add_check(self, name: str, text: str) -> QCheckBox:
        box = QCheckBox(text)
        box.toggled.connect(lambda _=None: self._on_edit(name))
        self._add(name, "", box, box.isChecked, lambda v: box.setChecked(bool(v)))
        return box

    def add_date(self, name: str, text: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setDate(QDate.currentDate())
        edit.dateChanged.connect(lambda _=None: self._on_edit(name))
        self._add(name, text, edit, lambda: edit.date().toPython(),
                  lambda v: edit.setDate(QDate(v) if isinstance(v, date) else
                                         QDate.currentDate()))
        return edit

    def _add(self, name: str, text: str, widget: QWidget, read: Callable[[], Any],
             write: Callable[[Any], None]) -> None:
        widget.setObjectName(f"field-{name}")
        widget.setAccessibleName(text or name)
        error = QLabel()
        error.setObjectName(f"error-{name}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        container = QWidget()
        box = QVBoxLayout(container)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(error)
        row_label = QLabel(text)
        row_label.setBuddy(widget)
        self._layout.addRow(row_label, container)
        internal = bool(self._description and self._description.is_internal(name))
        self._fields[name] = FormField(name, widget, read, write, error, row_label,
                                       container, internal)

    # -- using ------------------------------------------------------------------------

    def field(self, name: str) -> QWidget:
        return self._fields[name].widget

    def values(self) -> dict[str, Any]:
        return {name: f.read() for name, f in self._fields.items() if f.widget.isEnabled()}

    def set_values(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name in self._fields:
                self._fields[name].widget.blockSignals(True)
                self._fields[name].write(value)
                self._fields[name].widget.blockSignals(False)
        self._refresh_errors()

    def set_internal_visible(self, visible: bool) -> None:
        """Hide internal-only fields (presentation mode); hidden fields are not saved."""
        for f in self._fields.values():
            if f.internal:
                f.row_label.setVisible(visible)
                f.container.setVisible(visible)
                f.widget.setEnabled(visible)

    def errors(self) -> dict[str, str]:
        return self._validate(self.values())

    def check_all(self) -> bool:
        """Show every error (after a save attempt); focus the first bad field."""
        self._show_all = True
        errors = self._refresh_errors()
        for name in self._fields:
            if name in errors:
                self._fields[name].widget.setFocus()
                break
        return not errors

    def _on_edit(self, name: str) -> None:
        self._touched.add(name)
        self._refresh_errors()
        self.sig_edited.emit()

    def _refresh_errors(self) -> dict[str, str]:
        errors = self.errors()
        for name, f in self._fields.items():
            message = errors.get(name) if (self._show_all or name in self._touched) else None
            f.error.setText(message or "")
            f.error.setVisible(bool(message))
            f.widget.setStyleSheet(INVALID_STYLE if message else "")
        return errors
