"""The import wizard: fix the column mapping, preview every row's problems, choose what to
do with duplicates, then import. Nothing is written before Import is clicked; the import
itself runs in a worker, in one transaction, and lands on the undo stack as one step.

A row that matches an existing company by name only ("Ålesund Digital Inc." beside the
prospect "Ålesund Digital GmbH") is a *possible* duplicate: listed with a box to tick
when it is the same company; unticked, it is imported as a new prospect.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from channeldesk.services.prospect_csv_format import FIELDS, ID_HEADER, ID_TARGET
from channeldesk.services.prospect_csv_import import (
    FIRST_NAME,
    CsvRefused,
    CsvTable,
    DuplicatePolicy,
    ImportPreview,
    Issue,
    KnownCompanies,
    auto_mapping,
    build_preview,
    mapping_problem,
)
from channeldesk.ui.shell.jobs import run_task
from channeldesk.ui.widgets.form import ERROR_STYLE

Index = QModelIndex | QPersistentModelIndex
ERROR_COLOUR = QColor("#c62828")
WARNING_COLOUR = QColor("#b26a00")
TARGETS: list[tuple[str | None, str]] = [
    (None, "— not imported —"), *[(f.name, f.header) for f in FIELDS],
    (FIRST_NAME, "Contact first name"), (ID_TARGET, ID_HEADER),
]


class IssuesModel(QAbstractTableModel):
    """Row, column, value, problem: one line per error or warning of the preview."""

    HEADERS = ("Row", "Column", "Value", "Problem")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._issues: list[Issue] = []

    def set_issues(self, issues: list[Issue]) -> None:
        self.beginResetModel()
        # errors first, then warnings, each in row order
        self._issues = sorted(issues, key=lambda i: (not i.is_error, i.row))
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._issues)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.HEADERS)):
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._issues):
            return None
        issue = self._issues[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            kind = "" if issue.is_error else self.tr("Warning: ")
            return (str(issue.row), issue.column, issue.value[:80],
                    kind + issue.message)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 3:
            return ERROR_COLOUR if issue.is_error else WARNING_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(issue)
        return None


class ProspectImportDialog(QDialog):
    """Mapping page, then preview page; ``sig_import_requested`` carries the choice."""

    sig_import_requested = Signal(object, object, bool)
    """(preview, DuplicatePolicy, skip_invalid): the user confirmed the import."""

    def __init__(self, table: CsvTable, known: KnownCompanies, file_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prospect-import-dialog")
        self.setWindowTitle(self.tr("Import prospects from %s") % file_name)
        self.setMinimumSize(900, 560)
        self._table, self._known = table, known
        self.preview: ImportPreview | None = None
        self._pages = QStackedWidget()
        self._pages.addWidget(self._build_mapping(file_name))
        self._pages.addWidget(self._build_preview())
        layout = QVBoxLayout(self)
        layout.addWidget(self._pages)

    # -- page 1: mapping --------------------------------------------------------------

    def _build_mapping(self, file_name: str) -> QWidget:
        page = QWidget()
        page.setObjectName("import-mapping-page")
        layout = QVBoxLayout(page)
        delimiter = {",": "comma", ";": "semicolon", "\t": "tab"}[self._table.delimiter]
        about = QLabel(self.tr("<b>%s</b>: %s rows, %s columns, %s-separated, %s.<br>Check "
                               "which field each column goes into.") % (
            file_name, f"{len(self._table.rows):,}", len(self._table.headers), delimiter,
            self._table.encoding.upper()))
        about.setWordWrap(True)
        layout.addWidget(about)
        self._combos: list[QComboBox] = []
        form_host = QWidget()
        form = QFormLayout(form_host)
        sample = self._table.rows[0][1] if self._table.rows else []
        for index, (header, target) in enumerate(zip(self._table.headers,
                                                     auto_mapping(self._table.headers),
                                                     strict=True)):
            combo = QComboBox()
            combo.setObjectName(f"import-map-{index}")
            combo.setAccessibleName(self.tr("Field for column %s") % header)
            for code, text in TARGETS:
                combo.addItem(self.tr(text), code)
            combo.setCurrentIndex(max(0, combo.findData(target)))
            combo.currentIndexChanged.connect(lambda _: self._check_mapping())
            example = sample[index] if index < len(sample) else ""
            shown = example if len(example) <= 30 else example[:29] + "…"
            text = f"{header or self.tr('(no header)')}"
            label = QLabel(f"{text}  <span style='color:#757575'>e.g. {shown}</span>"
                           if shown else text)
            form.addRow(label, combo)
            self._combos.append(combo)
        layout.addWidget(_scrolled(form_host), 1)
        self._mapping_error = QLabel()
        self._mapping_error.setObjectName("import-mapping-error")
        self._mapping_error.setStyleSheet(ERROR_STYLE)
        layout.addWidget(self._mapping_error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)
        self._to_preview = QPushButton(self.tr("&Preview…"))
        self._to_preview.setObjectName("import-preview")
        self._to_preview.setDefault(True)
        self._to_preview.clicked.connect(self.show_preview)
        buttons.addWidget(cancel)
        buttons.addWidget(self._to_preview)
        layout.addLayout(buttons)
        self._check_mapping()
        return page

    def mapping(self) -> list[str | None]:
        return [combo.currentData() for combo in self._combos]

    def set_target(self, column: int, field: str | None) -> None:
        self._combos[column].setCurrentIndex(max(0, self._combos[column].findData(field)))

    def _check_mapping(self) -> None:
        problem = mapping_problem(self.mapping())
        self._mapping_error.setText(problem or "")
        self._to_preview.setEnabled(problem is None)

    # -- page 2: preview --------------------------------------------------------------

    def _build_preview(self) -> QWidget:
        page = QWidget()
        page.setObjectName("import-preview-page")
        layout = QVBoxLayout(page)
        self._summary = QLabel()
        self._summary.setObjectName("import-summary")
        self._summary.setWordWrap(True)
        layout.addWidget(self._summary)
        self.issues = IssuesModel(self)
        self.issues_view = QTableView()
        self.issues_view.setObjectName("import-issues")
        self.issues_view.setModel(self.issues)
        self.issues_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.issues_view.verticalHeader().hide()
        self.issues_view.verticalHeader().setDefaultSectionSize(
            self.issues_view.fontMetrics().height() + 8)
        self.issues_view.setWordWrap(False)
        self.issues_view.setAlternatingRowColors(True)
        self.issues_view.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.issues_view, 1)
        options = QGroupBox(self.tr("When a company is already a prospect"))
        options_layout = QHBoxLayout(options)
        self.skip_duplicates = QRadioButton(self.tr("&Skip the row"))
        self.skip_duplicates.setObjectName("import-duplicates-skip")
        self.merge_duplicates = QRadioButton(self.tr("&Merge: fill in and update its fields"))
        self.merge_duplicates.setObjectName("import-duplicates-merge")
        self.skip_duplicates.setChecked(True)
        options_layout.addWidget(self.skip_duplicates)
        options_layout.addWidget(self.merge_duplicates)
        options_layout.addStretch(1)
        layout.addWidget(options)
        partners_note = QLabel(self.tr("Companies that are already partners are always "
                                       "skipped."))
        partners_note.setEnabled(False)
        layout.addWidget(partners_note)
        layout.addWidget(self._build_possible_duplicates())
        self.skip_invalid = QCheckBox(self.tr("Leave out the rows with &errors and import "
                                              "the rest"))
        self.skip_invalid.setObjectName("import-skip-invalid")
        self.skip_invalid.toggled.connect(self._update_import_button)
        self.merge_duplicates.toggled.connect(lambda _: self._update_import_button())
        layout.addWidget(self.skip_invalid)
        buttons = QHBoxLayout()
        back = QPushButton(self.tr("← &Back to columns"))
        back.clicked.connect(lambda: self._pages.setCurrentIndex(0))
        buttons.addWidget(back)
        buttons.addStretch(1)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)
        self._import = QPushButton()
        self._import.setObjectName("import-confirm")
        self._import.clicked.connect(self._confirm)
        buttons.addWidget(cancel)
        buttons.addWidget(self._import)
        layout.addLayout(buttons)
        return page

    def _build_possible_duplicates(self) -> QWidget:
        self.possible_box = QGroupBox(self.tr("Same name only: tick the rows that are the "
                                              "same company"))
        self.possible_box.setObjectName("import-possible-duplicates-box")
        box_layout = QVBoxLayout(self.possible_box)
        hint = QLabel(self.tr("These rows match a company by name but not by web domain or "
                              "ChannelDesk ID (\u201cAcme GmbH\u201d and \u201cAcme "
                              "Inc.\u201d may be two companies). Unticked rows are "
                              "imported as new prospects; ticked ones are handled as "
                              "duplicates."))
        hint.setWordWrap(True)
        box_layout.addWidget(hint)
        self.possible_list = QListWidget()
        self.possible_list.setObjectName("import-possible-duplicates")
        self.possible_list.setAccessibleName(self.tr("Possible duplicates"))
        self.possible_list.itemChanged.connect(lambda _item: self._update_summary())
        box_layout.addWidget(self.possible_list)
        return self.possible_box

    def _fill_possible_duplicates(self, preview: ImportPreview) -> None:
        self.possible_list.blockSignals(True)
        self.possible_list.clear()
        for row in preview.possible_duplicates:
            item = QListWidgetItem(self.tr("Row %s: %s \u2014 same name as %s") % (
                row.number, row.values.get("company", ""), row.duplicate.target))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if row.confirmed
                               else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, row.number)
            self.possible_list.addItem(item)
        self.possible_list.blockSignals(False)
        shown_rows = min(max(self.possible_list.count(), 1), 4)
        self.possible_list.setFixedHeight(
            shown_rows * self.possible_list.sizeHintForRow(0) + 2 * self.possible_list
            .frameWidth() + 2)
        self.possible_box.setVisible(self.possible_list.count() > 0)

    def confirmed_rows(self) -> list[int]:
        """Row numbers of the possible duplicates ticked as the same company."""
        items = (self.possible_list.item(n) for n in range(self.possible_list.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items
                if item.checkState() == Qt.CheckState.Checked]

    def show_preview(self) -> None:
        """Read every row with the chosen mapping (in a worker: large files take a while)."""
        mapping = self.mapping()

        def work(progress, _cancel):
            progress(0, 0, self.tr("Checking %s rows…") % f"{len(self._table.rows):,}")
            return build_preview(self._table, mapping, self._known)

        def failed(error: BaseException) -> None:
            text = str(error) if isinstance(error, CsvRefused) else repr(error)
            self._mapping_error.setText(text)

        self._task = run_task(self, self.tr("Checking the file…"), work, self._show, failed)

    def _show(self, preview: ImportPreview) -> None:
        self.preview = preview
        self._fill_possible_duplicates(preview)
        self._update_summary()
        self.issues.set_issues(preview.issues())
        self.issues_view.resizeColumnToContents(0)
        self.issues_view.setColumnWidth(1, 150)
        self.issues_view.setColumnWidth(2, 170)
        self.skip_invalid.setVisible(bool(preview.invalid))
        self.skip_invalid.setChecked(False)
        self._update_import_button()
        self._pages.setCurrentIndex(1)

    def _update_summary(self) -> None:
        preview = self.preview
        if preview is None:
            return
        preview.confirm_same_company(self.confirmed_rows())
        rows = len(preview.rows)
        invalid, duplicates = len(preview.invalid), len(preview.duplicates)
        ready = rows - invalid - duplicates
        lines = [self.tr("<b>%s rows</b>: %s ready, %s with errors, %s duplicates.") % (
            f"{rows:,}", f"{ready:,}", f"{invalid:,}", f"{duplicates:,}")]
        possible = len(preview.possible_duplicates) - len(self.confirmed_rows())
        if possible:
            lines.append(self.tr("%s rows share only a name with a known company and are "
                                 "imported as new; tick them below if they are the same.")
                         % f"{possible:,}")
        if invalid:
            lines.append(self.tr("<span style='color:#c62828'>Rows with errors cannot be "
                                 "imported. Fix them in the file, or leave them out "
                                 "below.</span>"))
        lines.extend(preview.notes)
        lines.append(self.tr("Nothing is written until you click Import."))
        self._summary.setText("<br>".join(lines))
        self._update_import_button()  # a ticked duplicate changes what Import will do

    def _update_import_button(self) -> None:
        if self.preview is None:
            return
        blocked = bool(self.preview.invalid) and not self.skip_invalid.isChecked()
        self._import.setEnabled(not blocked)
        self._import.setText(self.import_text())

    def import_text(self) -> str:
        """What the button will do, counted from the preview: "Import 3 prospects (skip 1
        already a partner, 1 duplicate)", never a count of rows that will not be added."""
        preview = self.preview
        kinds = [row.duplicate.kind for row in preview.duplicates]
        new = len(preview.rows) - len(preview.invalid) - len(kinds)
        merge = self.duplicate_policy() == DuplicatePolicy.MERGE
        merged = kinds.count("prospect") if merge else 0
        skipped = [(kinds.count("partner"), self.tr("already a partner")),
                   (kinds.count("row") + (0 if merge else kinds.count("prospect")),
                    self.tr("duplicate")),
                   (len(preview.invalid) if self.skip_invalid.isChecked() else 0,
                    self.tr("with errors"))]
        text = self.tr("&Import %s prospect%s") % (f"{new:,}", "" if new == 1 else "s")
        if merged:
            text += self.tr(", update %s") % f"{merged:,}"
        skips = ", ".join(f"{count:,} {what}" for count, what in skipped if count)
        return f"{text} ({self.tr('skip')} {skips})" if skips else text

    def duplicate_policy(self) -> DuplicatePolicy:
        return DuplicatePolicy.MERGE if self.merge_duplicates.isChecked() else \
            DuplicatePolicy.SKIP

    def _confirm(self) -> None:
        if self.preview is None:
            return
        self.preview.confirm_same_company(self.confirmed_rows())
        self.sig_import_requested.emit(self.preview, self.duplicate_policy(),
                                       self.skip_invalid.isChecked())
        self.accept()


def _scrolled(inner: QWidget) -> QWidget:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(inner)
    return area
