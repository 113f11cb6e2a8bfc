"""The programs overview: every MDF, co-op, rebate and SPIFF program with its period,
currency, eligibility, vendor's share, claim deadline, budget and what its partners'
funds hold. New and Edit open the program form; the tab performs the edit."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.incentive import kind_label
from channeldesk.services.incentive_operations import money_text
from channeldesk.store.incentive_queries import ProgramOverview

HEADERS = ("Program", "Kind", "Period", "Eligible", "Vendor share", "Claim within",
           "Budget", "Allocated + accrued", "Reserved", "Paid", "Available")


class ProgramsDialog(QDialog):
    """A read-only list of programs (a few dozen at most) with New and Edit."""

    sig_new_requested = Signal()
    sig_edit_requested = Signal(str)

    def __init__(self, programs: list[ProgramOverview], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incentives-programs")
        self.setWindowTitle(self.tr("Incentive programs"))
        self.resize(1100, 420)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("incentives-programs-table")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _: self._edit())
        self.show_programs(programs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        new = buttons.addButton(self.tr("New program…"), QDialogButtonBox.ButtonRole.ActionRole)
        new.setObjectName("incentives-programs-new")
        new.clicked.connect(self.sig_new_requested.emit)
        edit = buttons.addButton(self.tr("Edit…"), QDialogButtonBox.ButtonRole.ActionRole)
        edit.setObjectName("incentives-programs-edit")
        edit.clicked.connect(self._edit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def show_programs(self, programs: list[ProgramOverview]) -> None:
        self.table.setRowCount(len(programs))
        for row, program in enumerate(programs):
            c = program.currency
            found = program.balances
            cells = [program.name, kind_label(program.kind), program.period,
                     ", ".join(filter(None, (program.partner_types, program.tiers)))
                     or self.tr("All partners"),
                     f"{program.reimbursement_pct}%", self.tr("%s days") %
                     program.claim_deadline_days,
                     money_text(program.budget, c) if program.budget else "–",
                     money_text(found.allocated + found.accrued, c),
                     money_text(found.reserved, c), money_text(found.paid, c),
                     money_text(found.available, c)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 6:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                item.setData(Qt.ItemDataRole.UserRole, program.id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        if programs:
            self.table.selectRow(0)

    def selected_id(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _edit(self) -> None:
        program_id = self.selected_id()
        if program_id:
            self.sig_edit_requested.emit(program_id)
