"""Form parts the enablement dialogs need beyond the shared form: a set of codes ticked
from a list (audience, targets), an optional date, a file-or-link picker, and checkable
lists with a filter."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.enablement import join_codes, split_codes
from channeldesk.store.description import TableDescription
from channeldesk.ui.widgets.form import ValidatedForm

CODES_PER_ROW = 3


def described_validator(description: TableDescription,
                        extra: Callable[[dict[str, Any]], dict[str, str]] | None = None
                        ) -> Callable[[dict[str, Any]], dict[str, str]]:
    """A form validator from a table's description: each field's own rules, then the
    table's rules across fields (``extra``)."""

    def validate(values: dict[str, Any]) -> dict[str, str]:
        errors = {}
        for name, value in values.items():
            if not description.has(name):
                continue
            stored = value.isoformat() if isinstance(value, date) else value
            problem = description.validate(name, stored)
            if problem:
                errors[name] = problem
        if extra is not None:
            for name, message in extra(values).items():
                errors.setdefault(name, message)
        return errors
    return validate


class CodesBox(QWidget):
    """Codes ticked from a short list, stored comma-separated; none ticked means all."""

    sig_changed = Signal()

    def __init__(self, choices: Sequence[tuple[str, str]], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)  # rows of three, so six partner types fit a dialog
        layout.setContentsMargins(0, 0, 0, 0)
        per_row = len(choices) if len(choices) <= CODES_PER_ROW + 1 else CODES_PER_ROW
        self._boxes: dict[str, QCheckBox] = {}
        for number, (code, text) in enumerate(choices):
            box = QCheckBox(text)
            box.setObjectName(f"code-{code}")
            box.toggled.connect(lambda _=None: self.sig_changed.emit())
            self._boxes[code] = box
            layout.addWidget(box, number // per_row, number % per_row)
        layout.setColumnStretch(per_row, 1)

    def value(self) -> str:
        return join_codes(code for code, box in self._boxes.items() if box.isChecked())

    def set_value(self, text: str | None) -> None:
        chosen = set(split_codes(text))
        for code, box in self._boxes.items():
            box.setChecked(code in chosen)


class EnablementForm(ValidatedForm):
    """The shared validated form plus code sets and optional dates."""

    def add_codes(self, name: str, text: str, choices: Sequence[tuple[str, str]],
                  hint: str = "") -> CodesBox:
        box = CodesBox(choices)
        box.setToolTip(hint)
        box.sig_changed.connect(lambda: self._on_edit(name))
        self._add(name, text, box, box.value, box.set_value)
        return box

    def add_optional_date(self, name: str, text: str, none_text: str) -> QDateEdit:
        """A date that may be left out: an unticked box means "none"."""
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        enabled = QCheckBox(none_text)
        enabled.setObjectName(f"field-{name}-set")
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setDate(QDate.currentDate().addYears(1))
        edit.setEnabled(False)
        enabled.toggled.connect(edit.setEnabled)
        enabled.toggled.connect(lambda _=None: self._on_edit(name))
        edit.dateChanged.connect(lambda _=None: self._on_edit(name))
        row.addWidget(enabled)
        row.addWidget(edit, 1)

        def read() -> date | None:
            return edit.date().toPython() if enabled.isChecked() else None

        def write(value: Any) -> None:
            enabled.setChecked(isinstance(value, date))
            if isinstance(value, date):
                edit.setDate(QDate(value))
        self._add(name, text, holder, read, write)
        holder.setObjectName(f"field-{name}-row")
        edit.setObjectName(f"field-{name}")
        return edit


class FileOrLink(QWidget):
    """A version's source: a file on this computer, or a web link."""

    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.file_choice = QRadioButton(self.tr("A file"))
        self.file_choice.setObjectName("source-file")
        self.link_choice = QRadioButton(self.tr("A link"))
        self.link_choice.setObjectName("source-link")
        self.path = QLineEdit()
        self.path.setObjectName("source-path")
        self.path.setPlaceholderText(self.tr("Choose a file, or drop one on the library"))
        browse = QPushButton(self.tr("Browse…"))
        browse.setObjectName("source-browse")
        browse.clicked.connect(self._browse)
        self.url = QLineEdit()
        self.url.setObjectName("source-url")
        self.url.setPlaceholderText("https://")
        file_row, link_row = QHBoxLayout(), QHBoxLayout()
        file_row.addWidget(self.file_choice)
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        link_row.addWidget(self.link_choice)
        link_row.addWidget(self.url, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(file_row)
        layout.addLayout(link_row)
        self.file_choice.setChecked(True)
        for signal in (self.path.textChanged, self.url.textChanged, self.file_choice.toggled):
            signal.connect(lambda *_: self.sig_changed.emit())
        self.path.textEdited.connect(lambda _: self.file_choice.setChecked(True))
        self.url.textEdited.connect(lambda _: self.link_choice.setChecked(True))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the file"))
        if chosen:
            self.path.setText(chosen)
            self.file_choice.setChecked(True)

    def source(self) -> Path | str:
        """The picked file's path, or the typed link."""
        if self.file_choice.isChecked():
            return Path(self.path.text().strip()) if self.path.text().strip() else ""
        return self.url.text().strip()

    def set_path(self, path: Path) -> None:
        self.path.setText(str(path))
        self.file_choice.setChecked(True)


class CheckList(QWidget):
    """A checkable list with a filter box and "tick all shown"; items are (id, text)."""

    sig_changed = Signal()

    def __init__(self, name: str, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setObjectName(f"{name}-filter")
        self.filter.setPlaceholderText(placeholder)
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.list = QListWidget()
        self.list.setObjectName(name)
        self.list.setAccessibleName(placeholder)
        self.list.itemChanged.connect(lambda _: self.sig_changed.emit())
        tick = QPushButton(self.tr("Tick all shown"))
        tick.setObjectName(f"{name}-tick-all")
        tick.clicked.connect(lambda: self.set_all_shown(True))
        clear = QPushButton(self.tr("Untick all"))
        clear.setObjectName(f"{name}-untick-all")
        clear.clicked.connect(lambda: self.set_all_shown(False, every=True))
        buttons = QHBoxLayout()
        buttons.addWidget(self.filter, 1)
        buttons.addWidget(tick)
        buttons.addWidget(clear)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)

    def set_items(self, items: Iterable[tuple[str, str]], checked: Iterable[str] = (),
                  tooltips: Mapping[str, str] | None = None) -> None:
        ticked = set(checked)
        self.list.blockSignals(True)
        self.list.clear()
        for item_id, text in items:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, item_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if item_id in ticked
                               else Qt.CheckState.Unchecked)
            if tooltips and item_id in tooltips:
                item.setToolTip(tooltips[item_id])
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._apply_filter()
        self.sig_changed.emit()

    def checked(self) -> list[str]:
        return [self.list.item(n).data(Qt.ItemDataRole.UserRole)
                for n in range(self.list.count())
                if self.list.item(n).checkState() == Qt.CheckState.Checked]

    def set_all_shown(self, on: bool, every: bool = False) -> None:
        self.list.blockSignals(True)
        for n in range(self.list.count()):
            item = self.list.item(n)
            if every or not item.isHidden():
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self.sig_changed.emit()

    def _apply_filter(self) -> None:
        words = self.filter.text().casefold().split()
        for n in range(self.list.count()):
            item = self.list.item(n)
            item.setHidden(not all(word in item.text().casefold() for word in words))
