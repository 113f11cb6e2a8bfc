"""The Incentives tab driven as a CAM would: claims listed and filtered, only the allowed
steps offered, a step taken through its dialog, undone, and what is in the database."""

from __future__ import annotations

import pytest
from incentive_samples import claim_in, funded_partner
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QPushButton
from pytestqt.qt_compat import qt_api

from channeldesk.services import incentive_operations as ops
from channeldesk.store.incentive_queries import partner_total
from channeldesk.store.models import Claim, IncentiveProgram
from channeldesk.ui.incentives import files
from channeldesk.ui.incentives import tab as tab_module
from channeldesk.ui.incentives.tab import IncentivesTab


@pytest.fixture
def filled(store):
    program, partner = funded_partner(store, 10_000_00)
    draft = claim_in(store, program, partner, title="Draft webinar")
    reserved = claim_in(store, program, partner, reserve=3_000_00, title="Roadshow")
    paid = claim_in(store, program, partner, reserve=1_000_00, claim=1_000_00,
                    approve=1_000_00, pays=(1_000_00,), title="Bootcamp")
    return store, program, partner, {"draft": draft, "reserved": reserved, "paid": paid}


def make_tab(qtbot, store) -> IncentivesTab:
    tab = IncentivesTab(store, QUndoStack())
    qtbot.addWidget(tab)
    tab.resize(1366, 700)
    tab.show()
    return tab


def visible_actions(tab: IncentivesTab) -> set[str]:
    return {name.removeprefix("incentives-action-") for name, button in
            ((b.objectName(), b) for b in tab.detail.findChildren(QPushButton))
            if name.startswith("incentives-action-") and not button.isHidden()}


def test_the_list_filters_and_offers_only_the_allowed_steps(qtbot, filled):
    store, _program, _partner, claims = filled
    tab = make_tab(qtbot, store)
    qt_api.QtWidgets.QApplication.processEvents()
    assert tab.model.rowCount() == 3 and tab.count_label.text() == "3 claims"
    qtbot.keyClicks(tab.search, "roadshow")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert tab.detail.claim_id == claims["reserved"]
    assert visible_actions(tab) == {"submit_claim", "withdraw", "expire"}
    assert "missing: invoice, attendee list, photos" in tab.detail.proof.text()
    tab.search.clear()
    tab.state_filter.setCurrentIndex(tab.state_filter.findData("paid"))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert tab.model.id_at(0) == claims["paid"]
    assert visible_actions(tab) == set()
    assert "Paid" in tab.detail.timeline.text() and "Finance" in tab.detail.timeline.text()
    from pytestqt.modeltest import ModelTester
    ModelTester(None).check(tab.model)


def test_pre_approving_through_the_dialog_reserves_funds_and_undoes(qtbot, filled, monkeypatch):
    store, program, partner, claims = filled
    tab = make_tab(qtbot, store)
    assert tab.select_record(claims["draft"])

    class Accepting(tab_module.StepDialog):
        def exec(self):
            self.form.set_values({"amount": "2,000.00"})
            return True
    monkeypatch.setattr(tab_module, "StepDialog", Accepting)
    before = partner_total(store.db, partner, program).available
    tab.detail.action_buttons["pre_approve"].click()
    assert Claim.get_by_id(claims["draft"]).state == "pre_approved"
    assert partner_total(store.db, partner, program).available == before - 2_000_00
    assert visible_actions(tab) == {"submit_claim", "withdraw", "expire"}
    tab._stack.undo()
    tab.detail.show_claim(claims["draft"])
    assert visible_actions(tab) == {"request_info", "pre_approve", "reject", "withdraw"}
    assert Claim.get_by_id(claims["draft"]).state == "submitted"
    assert partner_total(store.db, partner, program).available == before


def test_a_refused_step_says_why_and_changes_nothing(qtbot, filled, monkeypatch):
    store, _program, _partner, claims = filled
    tab = make_tab(qtbot, store)
    tab.select_record(claims["draft"])
    shown = []
    monkeypatch.setattr("channeldesk.ui.shell.undo.show_error",
                        lambda parent, what, error, *a, **k: shown.append(str(error)))

    class TooMuch(tab_module.StepDialog):
        def exec(self):
            self.form.set_values({"amount": "50,000"})
            return True
    monkeypatch.setattr(tab_module, "StepDialog", TooMuch)
    tab.detail.action_buttons["pre_approve"].click()
    assert shown and "is available in this partner's fund" in shown[0]
    assert Claim.get_by_id(claims["draft"]).state == "submitted"


def test_a_sales_report_import_previews_errors_then_imports_the_valid_rows(
        qtbot, filled, monkeypatch, tmp_path):
    store, _program, _partner, _claims = filled
    from incentive_samples import add_program
    coop = add_program(store, "Co-op", "coop", accrual_bp=100)
    path = tmp_path / "sales.csv"
    path.write_text("Partner,Period,Currency,Sales\nAcadia Cloud,2026-Q1,EUR,50000\n"
                    "Nobody,2026-Q1,EUR,10\n", encoding="utf-8")
    tab = make_tab(qtbot, store)
    monkeypatch.setattr(files.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    seen = {}

    def accept(dialog):
        seen["summary"] = dialog.summary.text()
        seen["issues"] = dialog.issues.toPlainText()
        seen["button"] = dialog.import_button.text()
        return True
    monkeypatch.setattr(files.SalesImportDialog, "exec", accept)
    tab.import_sales.trigger()
    qtbot.waitUntil(lambda: tab.last_task_result is not None, timeout=10_000)
    assert tab._stack.count() == 1
    assert "1 rows ready to import, 1 with errors" in seen["summary"]
    assert seen["issues"].startswith("Row 3: 'Partner' is 'Nobody'")
    assert seen["button"] == "Import 1 rows"
    _, partner = _program, _partner
    assert partner_total(store.db, partner, coop).accrued == 500_00
    tab._stack.undo()
    assert partner_total(store.db, partner, coop).accrued == 0


def test_a_program_typed_in_the_dialog_is_checked_through_its_description(qtbot):
    dialog = tab_module.ProgramDialog()
    qtbot.addWidget(dialog)
    dialog.form.set_values({"name": "Rebates", "kind": "rebate", "period": "fy2027",
                            "currency": "jpy", "rebate_tiers": "0: 2, 100000: 3",
                            "spiff_amount": "1.5"})
    errors = dialog.form.errors()
    assert "more than 0 decimal places" in errors["spiff_amount"]
    dialog.form.set_values({"spiff_amount": "150", "tiers": "diamond"})
    assert "'diamond' is not a partner tier" in dialog.form.errors()["tiers"]
    dialog.form.set_values({"tiers": "gold"})
    assert dialog.form.errors() == {}
    values = dialog.values()
    assert (values["period"], values["currency"], values["spiff_amount"]) == (
        "FY2027", "JPY", 150)


def test_presentation_mode_keeps_only_the_partner_in_the_room(qtbot, filled):
    store, program, partner, claims = filled
    from plan_samples import add_partner
    other = add_partner(store, "Other Partner")
    ops.allocate_funds(store, ops.AllocationRequest(program, other, 1_000_00))
    claim_in(store, program, other, title="Someone else's event")
    tab = make_tab(qtbot, store)
    assert tab.model.rowCount() == 4
    tab.select_record(claims["reserved"])
    tab.set_presentation(True)
    assert tab.model.rowCount() == 3
    assert all(tab.model.record(row).partner_id == partner for row in range(3))
    tab.set_presentation(False)
    assert tab.model.rowCount() == 4


def test_the_partners_tab_action_allocates_funds_to_the_selected_partner(qtbot, filled,
                                                                        monkeypatch):
    store, program, partner, _claims = filled
    from channeldesk.ui.incentives import partner_actions
    from channeldesk.ui.partners.tab import PartnersTab
    partners = PartnersTab(store, QUndoStack())
    qtbot.addWidget(partners)
    partners.select_record(partner)

    class Accepting(partner_actions.AllocateDialog):
        def exec(self):
            assert self.form.values()["partner"] == partner
            self.form.set_values({"program": program, "amount": "2,500"})
            return True
    monkeypatch.setattr(partner_actions, "AllocateDialog", Accepting)
    [action] = partner_actions.actions(partners)
    before = partner_total(store.db, partner, program).allocated
    action.trigger()
    assert partner_total(store.db, partner, program).allocated == before + 2_500_00
    partners._stack.undo()
    assert partner_total(store.db, partner, program).allocated == before


def test_a_draft_is_edited_and_deleted_but_a_request_with_history_is_not(qtbot, filled,
                                                                         monkeypatch):
    store, program, partner, claims = filled
    draft = ops.create_claim(store, ops.NewClaim(program, partner, "Idea")).value
    tab = make_tab(qtbot, store)
    tab.select_record(draft)

    class Editing(tab_module.NewClaimDialog):
        def exec(self):
            assert not self.form.field("program").isEnabled()
            self.form.set_values({"title": "Customer day", "requested": "1,200.50"})
            return True
    monkeypatch.setattr(tab_module, "NewClaimDialog", Editing)
    tab.edit_action.trigger()
    row = Claim.get_by_id(draft)
    assert (row.title, row.requested, row.program_id) == ("Customer day", 1_200_50, program)
    assert tab.delete_action.isEnabled()
    monkeypatch.setattr(tab_module, "confirm_delete", lambda *a: True)
    tab.delete_action.trigger()
    assert Claim.get_by_id(draft).deleted
    tab._stack.undo()
    assert not Claim.get_by_id(draft).deleted
    tab.select_record(claims["paid"])
    assert not tab.delete_action.isEnabled()


def test_the_programs_overview_lists_budgets_and_funds(qtbot, filled, monkeypatch):
    store, program, _partner, _claims = filled
    ops.set_budget(store, program, 100_000_00)
    tab = make_tab(qtbot, store)
    shown = {}

    def look(dialog):
        table = dialog.table
        headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        shown.update({headers[c]: table.item(0, c).text() for c in range(len(headers))})
        return 0
    monkeypatch.setattr(tab_module.ProgramsDialog, "exec", look)
    tab.programs_action.trigger()
    assert shown["Program"] == "EMEA MDF 2026" and shown["Kind"] == "MDF"
    assert shown["Budget"] == "€100,000.00"
    assert shown["Allocated + accrued"] == "€10,000.00"
    assert shown["Reserved"] == "€3,000.00" and shown["Paid"] == "€1,000.00"
    assert shown["Available"] == "€6,000.00"


def test_a_funded_programs_currency_kind_and_period_cannot_be_edited(qtbot, filled,
                                                                     monkeypatch):
    store, program, _partner, _claims = filled
    tab = make_tab(qtbot, store)
    seen = {}

    class Editing(tab_module.ProgramDialog):
        def exec(self):
            seen.update({name: self.form.field(name).isEnabled()
                         for name in ("currency", "kind", "period", "name")})
            assert "kind, period and currency are fixed" in self.note.text()
            self.form.set_values({"name": "EMEA MDF", "spiff_amount": "12.50"})
            return True
    monkeypatch.setattr(tab_module, "ProgramDialog", Editing)
    tab.edit_program(program)
    assert seen == {"currency": False, "kind": False, "period": False, "name": True}
    row = IncentiveProgram.get_by_id(program)
    assert (row.name, row.currency, row.spiff_amount) == ("EMEA MDF", "EUR", 12_50)
    tab._stack.undo()
    assert IncentiveProgram.get_by_id(program).name == "EMEA MDF 2026"


def test_a_new_programs_currency_stays_editable(qtbot, store, monkeypatch):
    from incentive_samples import add_program
    program = add_program(store)
    tab = make_tab(qtbot, store)

    class Editing(tab_module.ProgramDialog):
        def exec(self):
            assert self.form.field("currency").isEnabled()
            self.form.set_values({"currency": "JPY"})
            return True
    monkeypatch.setattr(tab_module, "ProgramDialog", Editing)
    tab.edit_program(program)
    assert IncentiveProgram.get_by_id(program).currency == "JPY"


def test_editing_a_reserved_request_keeps_its_amounts_and_is_one_undo(qtbot, filled,
                                                                     monkeypatch):
    store, _program, _partner, claims = filled
    tab = make_tab(qtbot, store)
    tab.select_record(claims["reserved"])
    before = Claim.get_by_id(claims["reserved"])
    seen = {}

    class Editing(tab_module.NewClaimDialog):
        def exec(self):
            seen.update({name: self.form.field(name).isEnabled() for name in
                         ("requested", "activity_cost", "units", "revenue_influenced",
                          "title")})
            self.form.set_values({"title": "Roadshow Lisbon"})
            return True
    monkeypatch.setattr(tab_module, "NewClaimDialog", Editing)
    tab.edit_action.trigger()
    assert seen == {"requested": False, "activity_cost": False, "units": False,
                    "revenue_influenced": False, "title": True}
    after = Claim.get_by_id(claims["reserved"])
    assert (after.title, after.activity_cost, after.requested) == (
        "Roadshow Lisbon", before.activity_cost, before.requested)
    tab._stack.undo()
    assert Claim.get_by_id(claims["reserved"]).title == "Roadshow"


def test_editing_a_spiff_draft_in_the_tab_derives_its_amount(qtbot, store, monkeypatch):
    from incentive_samples import add_program
    from plan_samples import add_partner
    program = add_program(store, "Deal SPIFF", "spiff", spiff_amount=250_00)
    partner = add_partner(store, "Acadia Cloud")
    claim = ops.create_claim(store, ops.NewClaim(program, partner, "Deals", units=1)).value
    tab = make_tab(qtbot, store)
    tab.select_record(claim)

    class Editing(tab_module.NewClaimDialog):
        def exec(self):
            self.form.set_values({"units": "4"})
            return True
    monkeypatch.setattr(tab_module, "NewClaimDialog", Editing)
    tab.edit_action.trigger()
    assert (Claim.get_by_id(claim).units, Claim.get_by_id(claim).requested) == (4, 1_000_00)


def test_a_csv_export_runs_in_a_worker_and_counts_its_rows(qtbot, filled, tmp_path):
    store, _program, _partner, _claims = filled
    tab = make_tab(qtbot, store)
    statuses = []
    tab.sig_status.connect(statuses.append)
    files.export_csv(tab, "ledger", str(tmp_path / "ledger.csv"))
    assert tab.last_task is not None
    qtbot.waitUntil(lambda: tab.last_task_result is not None, timeout=10_000)
    # the allocation, the roadshow's reserve, the bootcamp's reserve/claim/approve/pay
    assert tab.last_task_result == 1 + 1 + 4
    assert (tmp_path / "ledger.csv").exists()
    assert statuses[-1].startswith("6 ledger rows written to")


def test_an_export_to_a_folder_says_what_to_do(qtbot, filled, tmp_path, monkeypatch):
    store, _program, _partner, _claims = filled
    tab = make_tab(qtbot, store)
    shown = []
    monkeypatch.setattr(files, "show_error", lambda parent, what, error, advice="":
                        shown.append((what, str(error), advice)))
    files.export_csv(tab, "claims", str(tmp_path))
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    what, error, advice = shown[0]
    assert what == "Could not export the claims" and "is a folder" in error
    assert "Choose a file in a folder you can write to" in advice
    assert "Errno" not in error


def test_the_statement_exports_in_a_worker(qtbot, filled, tmp_path):
    store, _program, _partner, claims = filled
    tab = make_tab(qtbot, store)
    tab.select_record(claims["paid"])
    files.export_statement_pdf(tab, str(tmp_path / "statement.pdf"))
    qtbot.waitUntil(lambda: tab.last_task_result is not None, timeout=20_000)
    assert tab.last_task_result.partner_name == "Acadia Cloud"
    assert (tmp_path / "statement.pdf").read_bytes().startswith(b"%PDF")


def test_proof_is_copied_in_a_worker_then_attached_as_one_undo(qtbot, filled, tmp_path):
    store, _program, _partner, claims = filled
    from channeldesk.store.models import ClaimProof
    receipt = tmp_path / "invoice.pdf"
    receipt.write_bytes(b"%PDF-1.4 an invoice " * 1000)
    tab = make_tab(qtbot, store)
    tab.select_record(claims["reserved"])
    files.attach_proof_file(tab, claims["reserved"], "invoice", "Invoice", str(receipt))
    qtbot.waitUntil(lambda: tab.last_task_result is not None, timeout=10_000)
    [proof] = ClaimProof.live().where(ClaimProof.claim == claims["reserved"])
    assert proof.file_name == "invoice.pdf" and proof.proof_kind == "invoice"
    assert store.blobs.path_of(proof.blob).read_bytes() == receipt.read_bytes()
    assert "invoice" not in tab.detail.proof.text().split("missing:")[-1]
    tab._stack.undo()
    assert ClaimProof.live().where(ClaimProof.claim == claims["reserved"]).count() == 0


def test_a_vanished_proof_file_is_refused_with_a_sentence(qtbot, filled, tmp_path,
                                                         monkeypatch):
    store, _program, _partner, claims = filled
    tab = make_tab(qtbot, store)
    shown = []
    monkeypatch.setattr(files, "show_error", lambda parent, what, error, advice="":
                        shown.append((str(error), advice)))
    files.attach_proof_file(tab, claims["reserved"], "invoice", "Invoice",
                            str(tmp_path / "gone.pdf"))
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "is no longer at" in shown[0][0] and "Choose another file" in shown[0][1]
    assert tab._stack.count() == 0


def test_accrue_is_one_undo_step_and_says_when_nothing_is_due(qtbot, store, monkeypatch):
    from incentive_samples import add_program
    from plan_samples import add_partner

    from channeldesk.store.models import SalesReport
    coop = add_program(store, "Co-op", "coop", accrual_bp=200)
    rebate = add_program(store, "Rebate", "rebate", rebate_tiers="0: 2")
    partner = add_partner(store, "Acadia Cloud")
    ops.allocate_funds(store, ops.AllocationRequest(coop, partner, 1_00))
    claim = ops.create_claim(store, ops.NewClaim(coop, partner, "Co-op ad")).value
    tab = make_tab(qtbot, store)
    tab.select_record(claim)
    told = []
    monkeypatch.setattr(tab_module.QMessageBox, "information",
                        lambda parent, title, text: told.append(text))
    tab.rebate_action.trigger()
    assert told and told[0].startswith("Nothing to accrue: what Acadia Cloud earned")
    assert tab._stack.count() == 0
    with store.transaction():
        store.insert(SalesReport, {"partner": partner, "period": "2026-Q1",
                                   "currency": "EUR", "sales": 100_000_00})
    tab.rebate_action.trigger()
    assert tab._stack.count() == 1
    assert partner_total(store.db, partner, coop).accrued == 2_000_00
    assert partner_total(store.db, partner, rebate).accrued == 2_000_00
    tab._stack.undo()
    assert partner_total(store.db, partner, coop).accrued == 0
    assert partner_total(store.db, partner, rebate).accrued == 0


def test_a_steps_suggested_amount_is_the_amount_not_its_display_text(qtbot, store,
                                                                     monkeypatch):
    from incentive_samples import funded_partner
    program, partner = funded_partner(store, 9_000_000, currency="JPY")
    claim = ops.create_claim(store, ops.NewClaim(program, partner, "Seminar",
                                                 requested=1_250_000)).value
    tab = make_tab(qtbot, store)
    tab.select_record(claim)
    seen = {}

    class Looking(tab_module.StepDialog):
        def exec(self):
            seen["amount"] = self.form.values()["amount"]
            return False
    monkeypatch.setattr(tab_module, "StepDialog", Looking)
    tab.take_step("submit")
    assert seen["amount"] == "1250000"


def test_a_new_spiff_claims_amount_comes_from_its_units(qtbot, store, monkeypatch):
    from incentive_samples import add_program
    from plan_samples import add_partner
    mdf = add_program(store)
    spiff = add_program(store, "Deal SPIFF", "spiff", spiff_amount=250_00)
    partner = add_partner(store, "Acadia Cloud")
    ops.allocate_funds(store, ops.AllocationRequest(mdf, partner, 1_000_00))
    tab = make_tab(qtbot, store)
    seen = {}

    class Choosing(tab_module.NewClaimDialog):
        def exec(self):
            combo = self.form.field("program")
            combo.setCurrentIndex(combo.findData(mdf))
            combo.activated.emit(combo.currentIndex())
            seen["mdf"] = self.form.field("requested").isEnabled()
            combo.setCurrentIndex(combo.findData(spiff))
            combo.activated.emit(combo.currentIndex())
            seen["spiff"] = self.form.field("requested").isEnabled()
            self.form.set_values({"partner": partner, "title": "Q2 deals", "units": "3",
                                  "requested": "1.00"})
            return True
    monkeypatch.setattr(tab_module, "NewClaimDialog", Choosing)
    tab.new_action.trigger()
    assert seen == {"mdf": True, "spiff": False}
    claim = Claim.get(Claim.title == "Q2 deals")
    assert (claim.units, claim.requested) == (3, 750_00)
