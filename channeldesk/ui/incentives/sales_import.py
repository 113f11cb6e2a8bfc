"""The sales-report import preview: what will be imported, every row's problem by
number, and one button that writes the valid rows (nothing is written before)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from channeldesk.services.sales_report_import import SalesPreview

MAX_SHOWN = 500


class SalesImportDialog(QDialog):
    """Shows a :class:`SalesPreview`; accepted means "import the valid rows"."""

    def __init__(self, preview: SalesPreview, file_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incentives-sales-import")
        self.setWindowTitle(self.tr("Import sales reports"))
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        self.summary = QLabel(f"<b>{file_name}</b>: {preview.summary()}.")
        self.summary.setObjectName("incentives-sales-summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        issues = [str(issue) for issue in preview.issues()]
        self.issues = QPlainTextEdit()
        self.issues.setObjectName("incentives-sales-issues")
        self.issues.setReadOnly(True)
        self.issues.setPlainText("\n".join(issues[:MAX_SHOWN]) + (
            f"\n… and {len(issues) - MAX_SHOWN:,} more." if len(issues) > MAX_SHOWN else "")
            if issues else self.tr("Every row is valid."))
        layout.addWidget(self.issues)
        note = QLabel(self.tr("Co-op funds accrue on the imported sales. Rows with errors "
                              "are left out; fix them in the file and import it again."))
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton(
            self.tr("Import %s rows") % len(preview.valid_rows),
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("incentives-sales-import-button")
        self.import_button.setEnabled(bool(preview.valid_rows))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
