"""The Incentives tab: every request and claim, filtered by program and state, and the
selected one beside the list with its fund, proof, allowed steps and timeline.

A CAM runs a quarter of MDF and co-op here offline: programs and budgets, allocations,
requests pre-approved against what is available, proof collected, claims approved and
paid, and statements and finance exports from the File menu. Every step is one undo.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QWidget,
)

from channeldesk.domain.claim_state import STATE_LABELS, ClaimAction, ClaimState
from channeldesk.domain.incentive import PROOF_LABELS, kind_label
from channeldesk.services import incentive_edits as edits
from channeldesk.services import incentive_operations as ops
from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.store.engagement_queries import partner_choices
from channeldesk.store.incentive_queries import (
    claim_count,
    claim_totals,
    program_overview,
    programs,
)
from channeldesk.store.models import Claim, IncentiveProgram
from channeldesk.ui.incentives import files
from channeldesk.ui.incentives.actor import current_user
from channeldesk.ui.incentives.detail import ClaimDetail
from channeldesk.ui.incentives.dialogs import (
    AllocateDialog,
    NewClaimDialog,
    ProgramDialog,
    StepDialog,
    amount_text,
)
from channeldesk.ui.incentives.model import ClaimsTableModel
from channeldesk.ui.incentives.programs import ProgramsDialog
from channeldesk.ui.shell.undo import (
    DeleteCommand,
    InsertCommand,
    OperationCommand,
    perform_or_report,
)
from channeldesk.ui.widgets.confirm import confirm_delete
from channeldesk.ui.widgets.record_tab import RecordTab

INCENTIVE_TABLES = {"claim", "claim_transition", "claim_proof", "fund_ledger_entry",
                    "fund_allocation", "incentive_program", "partner"}


class IncentivesTab(RecordTab):
    """Requests and claims of every program, with the selected one's detail."""

    nouns = ("claim", "claims")

    def __init__(self, store: Store, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(store, undo_stack, "incentives", parent)
        self.model = ClaimsTableModel(store, self)
        self.detail = ClaimDetail(store, self)
        self.detail.sig_action_requested.connect(self.take_step)
        self.detail.sig_attach_requested.connect(self.attach_proof)
        self._actions_built = False
        self.last_task = None
        self.last_task_result: object = None
        self._build()
        self._build_actions()
        self._actions_built = True
        self.model.refresh()
        self.after_refresh()

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.make_search(self.tr("Search title, partner, program or deal (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Search claims"))
        self.program_filter = QComboBox()
        self.program_filter.setObjectName("incentives-filter-program")
        self.program_filter.setAccessibleName(self.tr("Program"))
        self.program_filter.currentIndexChanged.connect(lambda _: self._apply_filters())
        self.state_filter = QComboBox()
        self.state_filter.setObjectName("incentives-filter-state")
        self.state_filter.setAccessibleName(self.tr("State"))
        self.state_filter.addItem(self.tr("All states"), None)
        self.state_filter.addItem(self.tr("Needs me"), "open")
        for state in ClaimState:
            self.state_filter.addItem(STATE_LABELS[state], state.value)
        self.state_filter.currentIndexChanged.connect(lambda _: self._apply_filters())
        self._fill_programs()
        new = QPushButton(self.tr("New request…"))
        new.setObjectName("incentives-new")
        new.clicked.connect(self.new_claim)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.program_filter, 2)
        bar.addWidget(self.state_filter, 1)
        bar.addWidget(new)
        self.make_record_table(sort_column=None)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.size_columns({"partner": 15, "program": 13, "state": 13, "requested": 11,
                           "approved": 11, "paid": 11, "due": 11})
        self.table.setSortingEnabled(True)
        empty = [self.empty_button(self.tr("New program…"), self.new_program,
                                   "incentives-empty-program"),
                 self.empty_button(self.tr("Load demo data"),
                                   self.sig_load_demo_requested.emit, "incentives-empty-demo")]
        self._empty_buttons = empty
        pages = self.make_pages([self.table], empty)
        self.finish_layout([bar, pages], pages, self.detail, (820, 500))

    def _fill_programs(self) -> None:
        chosen = self.program_filter.currentData()
        self.program_filter.blockSignals(True)
        self.program_filter.clear()
        self.program_filter.addItem(self.tr("All programs"), None)
        for program_id, name, kind, period, _currency in programs(self._store.db):
            self.program_filter.addItem(f"{name} · {kind_label(kind)} {period}", program_id)
        self.program_filter.setCurrentIndex(max(0, self.program_filter.findData(chosen)))
        self.program_filter.blockSignals(False)

    def _apply_filters(self) -> None:
        state = self.state_filter.currentData()
        states = frozenset() if state is None else (
            frozenset({ClaimState.SUBMITTED, ClaimState.CLAIM_SUBMITTED, ClaimState.DISPUTED,
                       ClaimState.APPROVED}) if state == "open" else frozenset({state}))
        flt = self.model.claim_filter
        self.keep_selection(lambda: self.model.set_filter(type(flt)(
            flt.text, self.program_filter.currentData() or "", flt.partner_id, states,
            flt.kinds)))

    def _action(self, text: str, name: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(self.tr("&New request…"), "action-incentives-new",
                                       self.new_claim, QKeySequence.StandardKey.New)
        self.edit_action = self._action(self.tr("&Edit request…"), "action-incentives-edit",
                                        self.edit_claim)
        self.table.activated.connect(lambda _index: self.edit_claim())
        self.delete_action = self._action(self.tr("&Delete draft"), "action-incentives-delete",
                                          self.delete_draft)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.delete_action)
        self.programs_action = self._action(self.tr("&Programs…"),
                                            "action-incentives-programs", self.show_programs)
        self.program_action = self._action(self.tr("New &program…"),
                                           "action-incentives-program", self.new_program)
        self.edit_program_action = self._action(self.tr("&Edit program…"),
                                                "action-incentives-edit-program",
                                                lambda: self.edit_program())
        self.budget_action = self._action(self.tr("Add &budget…"), "action-incentives-budget",
                                          self.add_budget)
        self.allocate_action = self._action(self.tr("&Allocate funds…"),
                                            "action-incentives-allocate", self.allocate)
        self.rebate_action = self._action(self.tr("Accrue &rebate and co-op earned"),
                                          "action-incentives-accrue", self.accrue_earned)
        self.expire_action = self._action(self.tr("E&xpire lapsed funds and pre-approvals"),
                                          "action-incentives-expire", self.expire)
        self.import_sales = self._action(self.tr("Import sales reports (CSV)…"),
                                         "action-incentives-import-sales",
                                         lambda: files.import_sales_csv(self))
        self.export_claims = self._action(self.tr("Export claims (CSV)…"),
                                          "action-incentives-export-claims",
                                          lambda: files.export_csv(self, "claims"))
        self.export_ledger = self._action(self.tr("Export fund ledger (CSV)…"),
                                          "action-incentives-export-ledger",
                                          lambda: files.export_csv(self, "ledger"))
        self.export_statement = self._action(self.tr("Export fund statement (PDF)…"),
                                             "action-incentives-statement",
                                             lambda: files.export_statement_pdf(self))

    def menu_actions(self) -> list[QAction]:
        return [self.new_action, self.edit_action, self.delete_action, self.programs_action,
                self.program_action,
                self.edit_program_action, self.budget_action, self.allocate_action,
                self.rebate_action, self.expire_action]

    def file_actions(self) -> list[QAction]:
        return [self.import_sales, self.export_claims, self.export_ledger,
                self.export_statement]

    # -- showing ----------------------------------------------------------------------

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        if "incentive_program" in notice.tables:
            self._fill_programs()
        if notice.tables & INCENTIVE_TABLES:
            self.keep_selection(self.model.refresh)
            self.detail.show_claim(self.detail.claim_id)

    def total_count(self) -> int:
        return claim_count(self._store.db)

    def set_presentation(self, on: bool) -> None:
        """Presentation mode is scoped to the partner in the room: the list keeps only
        the selected claim's partner (no other partner's claims or funds), and internal
        notes are hidden."""
        super().set_presentation(on)
        self.detail.set_show_internal(not on)
        claim = self.detail.claim()
        flt = self.model.claim_filter
        partner = claim.partner_id if on and claim is not None else ""
        self.keep_selection(lambda: self.model.set_filter(type(flt)(
            flt.text, flt.program_id, partner, flt.states, flt.kinds)))

    def detail_id(self) -> str | None:
        return self.detail.claim_id

    def on_current_changed(self, record_id: str | None) -> None:
        self.detail.show_claim(record_id)
        self.update_actions()

    def on_selection_lost(self) -> None:
        if self.detail.claim() is None:
            self.detail.show_claim(None)

    def empty_text(self, filtered: bool) -> str:
        if filtered:
            return self.tr("No claims match your search and filters.")
        if not programs(self._store.db):
            return self.tr("No incentive programs yet. Create an MDF, co-op, rebate or SPIFF "
                           "program, allocate funds to partners, then take their requests.")
        return self.tr("No requests or claims yet. Start one with New request (Ctrl+N).")

    def show_empty_buttons(self, filtered: bool) -> None:
        for button in self._empty_buttons:
            button.setVisible(not filtered)

    def update_actions(self) -> None:
        if not self._actions_built:
            return
        claim = self.detail.claim()
        self.edit_action.setEnabled(claim is not None)
        self.delete_action.setEnabled(claim is not None and claim.state == "draft")
        has_programs = self.program_filter.count() > 1
        for action in (self.new_action, self.allocate_action, self.budget_action,
                       self.edit_program_action, self.rebate_action):
            action.setEnabled(has_programs)

    # -- doing ------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        return self._store

    @property
    def show_internal(self) -> bool:
        return self._show_internal

    def run_operation(self, text: str, operation, failure: str) -> OperationCommand | None:
        """Perform a Qt-free operation as one undo step; None when it was refused."""
        return self._run(text, operation, failure)

    def push_performed(self, operation, text: str) -> OperationCommand:
        """Push an operation a worker already ran (an import) as one undo step."""
        command = OperationCommand.performed(self._store, operation, text)
        self._stack.push(command)
        self.detail.show_claim(self.detail.claim_id)
        return command

    def _run(self, text: str, operation, failure: str) -> OperationCommand | None:
        command = OperationCommand(self._store, text, operation)
        if perform_or_report(self, self._stack, self._store, command, failure):
            self.detail.show_claim(self.detail.claim_id)
            return command
        return None

    def _program_choices(self) -> list[tuple[str, str, str]]:
        return [(pid, f"{name} ({kind_label(kind)} {period}, {currency})", currency)
                for pid, name, kind, period, currency in programs(self._store.db)]

    def _spiff_programs(self) -> frozenset[str]:
        return frozenset(pid for pid, _name, kind, _period, _currency in
                         programs(self._store.db) if kind == "spiff")

    def _selected_program(self) -> str | None:
        claim = self.detail.claim()
        return self.program_filter.currentData() or (claim.program_id if claim else None)

    def new_program(self) -> None:
        dialog = ProgramDialog(self)
        if dialog.exec():
            values = dialog.values()
            command = InsertCommand(self._store, IncentiveProgram, values,
                                    self.tr("New program %s") % values["name"])
            if perform_or_report(self, self._stack, self._store, command,
                                 self.tr("Could not add the program")):
                self._fill_programs()
                self.update_actions()

    def show_programs(self) -> None:
        """Every program with its budget and funds; New and Edit from there."""
        dialog = ProgramsDialog(program_overview(self._store.db), self)
        dialog.sig_new_requested.connect(self.new_program)
        dialog.sig_edit_requested.connect(self.edit_program)

        def refresh(_index: int = 0) -> None:
            dialog.show_programs(program_overview(self._store.db))
        self._stack.indexChanged.connect(refresh)
        try:
            dialog.exec()
        finally:
            self._stack.indexChanged.disconnect(refresh)

    def edit_program(self, program_id: str | None = None) -> None:
        program_id = program_id or self._selected_program()
        program = self._store.get(IncentiveProgram, program_id) if program_id else None
        if program is None:
            QMessageBox.information(self, self.tr("Edit program"), self.tr(
                "Choose a program in the filter, or select one of its claims."))
            return
        dialog = ProgramDialog(self, ProgramDialog.texts_of(
            {name: getattr(program, name) for name in IncentiveProgram.editable_fields()}),
                               fixed=edits.program_fixed(self._store, program.id))
        if dialog.exec():
            values = dialog.values()
            self._run(self.tr("Edit program %s") % program.name,
                      lambda: edits.edit_program(self._store, program.id, values),
                      self.tr("Could not save the program"))

    def new_claim(self) -> None:
        choices, partners = self._program_choices(), partner_choices()
        if not choices or not partners:
            QMessageBox.information(self, self.tr("New request"), self.tr(
                "Create a program and add a partner first: a request is made under one."))
            return
        claim = self.detail.claim()
        dialog = NewClaimDialog(choices, partners, self,
                                claim.partner_id if claim else None, self._selected_program(),
                                self._spiff_programs())
        if not dialog.exec():
            return
        values = dialog.values()
        new = ops.NewClaim(values["program"], values["partner"], values["title"],
                           values["activity_type"], values["activity_start"],
                           values["activity_end"], values.get("requested", 0),
                           values["activity_cost"], values["units"], values["deal_ref"],
                           values["revenue_influenced"])
        command = self._run(self.tr("New request %s") % new.title,
                            lambda: ops.create_claim(self._store, new),
                            self.tr("Could not create the request"))
        if command is not None:
            self.keep_selection(lambda: None, select=command.value)

    def edit_claim(self) -> None:
        """Edit what the partner asked for; the program and partner stay, and amounts
        are fixed once funds were reserved (the ledger holds them from then on)."""
        claim = self.detail.claim()
        if claim is None:
            return
        dialog = NewClaimDialog(self._program_choices(), partner_choices(), self,
                                claim.partner_id, claim.program_id, self._spiff_programs())
        dialog.setWindowTitle(self.tr("Edit request"))
        dialog.set_claim(claim)
        if not dialog.exec():
            return
        values = dialog.values()
        self._run(self.tr("Edit request %s") % claim.title,
                  lambda: edits.edit_claim(self._store, claim.id, values),
                  self.tr("Could not save the request"))

    def delete_draft(self) -> None:
        claim = self.detail.claim()
        if claim is None:
            return
        if claim.state != "draft":
            QMessageBox.information(self, self.tr("Delete"), self.tr(
                "Only drafts can be deleted: this one has a history. Withdraw it instead."))
            return
        if confirm_delete(self, self.tr("draft request"), claim.title):
            perform_or_report(self, self._stack, self._store, DeleteCommand(
                self._store, Claim, claim.id, self.tr("Delete draft %s") % claim.title),
                self.tr("Could not delete the draft"))

    def take_step(self, action_code: str) -> None:
        claim = self.detail.claim()
        if claim is None:
            return
        action = ClaimAction(action_code)
        totals = claim_totals(self._store.db, claim.id)
        suggested = {ClaimAction.SUBMIT: claim.requested,
                     ClaimAction.PRE_APPROVE: claim.requested,
                     ClaimAction.SUBMIT_CLAIM: totals.holding or claim.requested,
                     ClaimAction.APPROVE: totals.claimed,
                     ClaimAction.PAY: totals.approved - totals.paid}.get(action, 0)
        dialog = StepDialog(action, claim.currency, amount_text(suggested, claim.currency),
                            self)
        if action is ClaimAction.PRE_APPROVE:
            dialog.set_valid_until(date.today() + timedelta(
                days=claim.program.preapproval_valid_days))
        if not dialog.exec():
            return
        values = dialog.values()
        who = current_user(self._store)
        self._run(self.tr("%s: %s") % (dialog.windowTitle(), claim.title),
                  lambda: ops.take_action(self._store, claim.id, action, values["amount"],
                                          values.get("comment", ""), who,
                                          valid_until=values.get("valid_until")),
                  self.tr("Could not %s") % dialog.windowTitle().lower())

    def attach_proof(self) -> None:
        claim = self.detail.claim()
        if claim is None:
            return
        kinds = list(PROOF_LABELS.items())
        label, chosen = QInputDialog.getItem(self, self.tr("Attach proof"),
                                             self.tr("Kind of proof"),
                                             [text for _, text in kinds], 0, False)
        if not chosen:
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the proof file"))
        if not path:
            return
        kind = next(code for code, text in kinds if text == label)
        files.attach_proof_file(self, claim.id, kind, label, path)

    def add_budget(self) -> None:
        program_id = self._selected_program()
        program = self._store.get(IncentiveProgram, program_id) if program_id else None
        if program is None:
            QMessageBox.information(self, self.tr("Add budget"), self.tr(
                "Choose a program in the filter first."))
            return
        dialog = StepDialog(ClaimAction.PAY, program.currency, "", self)
        dialog.setWindowTitle(self.tr("Add budget to %s") % program.name)
        if dialog.exec():
            amount = dialog.values()["amount"]
            self._run(self.tr("Budget for %s") % program.name,
                      lambda: ops.set_budget(self._store, program.id, amount,
                                             current_user(self._store)),
                      self.tr("Could not add the budget"))

    def allocate(self, partner_id: str | None = None) -> None:
        choices, partners = self._program_choices(), partner_choices()
        if not choices or not partners:
            return
        dialog = AllocateDialog(choices, partners, self, partner_id or None,
                                self._selected_program())
        if not dialog.exec():
            return
        values = dialog.values()
        request = ops.AllocationRequest(values["program"], values["partner"],
                                        values["amount"], values["expires_on"],
                                        values["note"])
        self._run(self.tr("Allocate funds"),
                  lambda: ops.allocate_funds(self._store, request, current_user(self._store)),
                  self.tr("Could not allocate the funds"))

    def accrue_earned(self) -> None:
        """Accrue what the selected claim's partner earned in co-op and rebates, as one
        undo step; when nothing is due, say so and push nothing."""
        claim = self.detail.claim()
        if claim is None:
            QMessageBox.information(self, self.tr("Accrue"), self.tr(
                "Select a claim of the partner whose earnings to accrue."))
            return
        partner = claim.partner.name
        if not ops.earned_due(self._store, claim.partner_id):
            QMessageBox.information(self, self.tr("Nothing to accrue"), self.tr(
                "Nothing to accrue: what %s earned in co-op and rebates on its reported "
                "sales is already in its funds. Import newer sales reports first.")
                % partner)
            return
        command = self._run(self.tr("Accrue co-op and rebates for %s") % partner,
                            lambda: ops.accrue_earned(self._store, claim.partner_id,
                                                      current_user(self._store)),
                            self.tr("Could not accrue the earned funds"))
        if command is not None:
            self.sig_status.emit(self.tr("Accrued for %s: %s.") % (
                partner, "; ".join(command.value)))

    def expire(self) -> None:
        command = self._run(self.tr("Expire lapsed funds"),
                            lambda: ops.expire_funds(self._store, date.today(),
                                                     current_user(self._store)),
                            self.tr("Could not expire funds"))
        if command is not None:
            self.sig_status.emit(self.tr("%s allocations or pre-approvals expired.")
                                 % command.value)
