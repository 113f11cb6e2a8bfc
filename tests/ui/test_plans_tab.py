"""The Plans tab driven as in a planning session: inline edits, undo, presentation mode,
copy to the next period, new plans and the PDF exports from the File menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from dialog_driver import when_dialog_opens
from plan_samples import SECRETS, add_plan
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
)

from channeldesk.app import create_main_window
from channeldesk.store import open_store
from channeldesk.store.models import BusinessPlan, Partner, PlanSignature, PlanTarget
from channeldesk.store.plan_queries import register_actual_source, unregister_actual_source
from channeldesk.ui.plans.model import PlansTableModel


@pytest.fixture
def plan_ids(seeded_db):
    path, ids = seeded_db
    store = open_store(path)
    try:
        plans = {
            "northwind": add_plan(store, ids["Northwind Systems"], status="draft"),
            "lodz": add_plan(store, ids["Łódź Systemy Sp. z o.o."], period="2026-H2",
                             status="signed"),
        }
    finally:
        store.close()
    return plans


@pytest.fixture
def plans(qtbot, seeded_db, plan_ids, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    main = create_main_window(seeded_db[0], settings)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.show_page("plans")
    yield main
    main.close()


def select(window, plan_id: str) -> None:
    window.page("plans").select_plan(plan_id)
    assert window.page("plans").editor.plan_id == plan_id


def target_cell(window, metric: str, quarter: str, field: str):
    model = window.page("plans").editor.models["targets"]
    row = next(n for n in range(model.rowCount())
               if model.record(n).metric == metric and model.record(n).quarter == quarter)
    column = next(n for n, c in enumerate(model.columns()) if c.field == field)
    return model, model.index(row, column)


def test_the_tab_lists_plans_with_stable_names(plans, plan_ids):
    tab = plans.findChild(type(plans.page("plans")), "tab-plans")
    assert tab is plans.page("plans")
    table = plans.page("plans").table
    assert table.objectName() == "plans-table"
    assert plans.page("plans").search.objectName() == "plans-search"
    model = plans.page("plans").model
    assert {model.data(model.index(r, 0)) for r in range(model.rowCount())} == {
        "Northwind Systems", "Łódź Systemy Sp. z o.o."}
    assert plans.page("plans").count_label.text() == "2 plans"


def test_search_is_accent_insensitive_and_matches_periods(plans, qtbot):
    plans.page("plans").search.setText("lodz")
    qtbot.waitUntil(lambda: plans.page("plans").model.rowCount() == 1)
    plans.page("plans").search.setText("2026-h")
    qtbot.waitUntil(lambda: plans.page("plans").model.rowCount() == 1)
    plans.page("plans").search.clear()
    qtbot.waitUntil(lambda: plans.page("plans").model.rowCount() == 2)


def test_inline_target_edit_is_saved_and_undone(plans, plan_ids):
    select(plans, plan_ids["northwind"])
    model, index = target_cell(plans, "new_customers", "", "actual")
    assert model.setData(index, "9")
    row_id = model.row_id(index.row())
    assert PlanTarget.get_by_id(row_id).actual == 9
    _, attainment = target_cell(plans, "new_customers", "", "")
    assert attainment.data() == "75.0%"
    plans.undo_action.trigger()
    assert PlanTarget.get_by_id(row_id).actual == 5
    plans.redo_action.trigger()
    assert PlanTarget.get_by_id(row_id).actual == 9


@pytest.mark.parametrize("text", ["lots", "²", "-3", "1.5"])
def test_a_count_refuses_what_is_not_a_whole_number(plans, plan_ids, text):
    select(plans, plan_ids["northwind"])
    model, index = target_cell(plans, "new_customers", "", "actual")
    assert not model.setData(index, text)  # refused, not raised into Qt
    assert "not a whole number" in plans.page("plans").editor.panels["targets"].error.text()
    assert PlanTarget.get_by_id(model.row_id(index.row())).actual == 5


def test_money_targets_take_amounts_and_refuse_nonsense(plans, plan_ids):
    select(plans, plan_ids["northwind"])
    model, index = target_cell(plans, "revenue", "2026-Q1", "target")
    assert index.data(Qt.ItemDataRole.EditRole) == "500000.00"
    assert model.setData(index, "525,000.50")
    assert PlanTarget.get_by_id(model.row_id(index.row())).target == 52_500_050
    assert index.data() == "€525,000"
    assert not model.setData(index, "lots")
    error = plans.page("plans").editor.panels["targets"].error
    assert "not an amount" in error.text() and "Nothing was changed" in error.text()
    assert PlanTarget.get_by_id(model.row_id(index.row())).target == 52_500_050


def test_presentation_mode_hides_internal_columns_and_notes(plans, plan_ids):
    select(plans, plan_ids["northwind"])
    editor = plans.page("plans").editor
    headers = lambda m: [m.headerData(n, Qt.Orientation.Horizontal)  # noqa: E731
                         for n in range(m.columnCount())]
    assert "Internal note" in headers(editor.models["targets"])
    assert editor.notes.toPlainText() == "SECRET-PLAN-NOTE"
    when_dialog_opens(lambda dialog: dialog.accept())  # the partner of the plan shown
    plans.presentation_action.trigger()
    assert "Internal note" not in headers(editor.models["targets"])
    assert "Internal note" not in headers(editor.models["activities"])
    assert not editor.notes_box.isVisible()
    shown = [editor.models["targets"].index(r, c).data()
             for r in range(editor.models["targets"].rowCount())
             for c in range(editor.models["targets"].columnCount())]
    assert "SECRET-TARGET-NOTE" not in shown
    plans.presentation_action.trigger()
    assert editor.notes_box.isVisible()


def test_status_moves_forward_and_undoes(plans, plan_ids):
    select(plans, plan_ids["northwind"])
    status = plans.page("plans").editor.status
    assert [status.itemData(n) for n in range(status.count())] == ["draft", "agreed",
                                                                    "archived"]
    status.setCurrentIndex(1)
    status.activated.emit(1)
    assert BusinessPlan.get_by_id(plan_ids["northwind"]).status == "agreed"
    assert status.itemData(0) == "agreed"
    plans.undo_action.trigger()
    assert BusinessPlan.get_by_id(plan_ids["northwind"]).status == "draft"


def test_summary_text_is_one_undo_step(plans, plan_ids, qtbot):
    select(plans, plan_ids["northwind"])
    editor = plans.page("plans").editor
    editor.tabs.setCurrentIndex(0)
    editor.summary.setFocus()
    editor.summary.setPlainText("A new summary, typed live.")
    editor.flush_text()
    assert BusinessPlan.get_by_id(plan_ids["northwind"]).summary == "A new summary, typed live."
    plans.undo_action.trigger()
    assert BusinessPlan.get_by_id(plan_ids["northwind"]).summary.startswith("We grow")


def test_copy_to_next_period_carries_targets_and_undoes_as_one_step(plans, plan_ids):
    select(plans, plan_ids["northwind"])
    plans.page("plans").copy_to_next_period()
    copy = BusinessPlan.get(BusinessPlan.period == "FY2027")
    assert plans.page("plans").editor.plan_id == copy.id
    targets = list(PlanTarget.live().where(PlanTarget.plan == copy.id))
    assert {t.quarter for t in targets} == {"2027-Q1", "2027-Q2", "2027-Q3", ""}
    assert all(t.actual is None for t in targets)
    assert all(t.internal_notes == "" for t in targets)
    assert copy.status == "draft"
    plans.undo_action.trigger()
    assert BusinessPlan.get_by_id(copy.id).deleted
    assert all(t.deleted for t in PlanTarget.select().where(PlanTarget.plan == copy.id))
    assert plans.page("plans").model.rowCount() == 2


def test_new_plan_dialog_validates_and_creates_signature_lines(plans, seeded_db, qtbot):
    _path, ids = seeded_db
    seen = {}

    def fill(dialog):
        combo = dialog.findChild(QComboBox, "field-partner")
        combo.setCurrentIndex(combo.findData(ids["Blue Ridge MSP"]))
        period = dialog.findChild(QLineEdit, "field-period")
        period.setText("2027-Q5")
        save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        save.click()
        seen["error"] = dialog.findChild(QLabel, "error-period").text()
        period.setText("2027-q1")
        save.click()

    when_dialog_opens(fill)
    plans.page("plans").new_plan()
    assert "a year has 4 quarters" in seen["error"]
    plan = BusinessPlan.get(BusinessPlan.partner == ids["Blue Ridge MSP"])
    assert (plan.period, plan.status) == ("2027-Q1", "draft")
    assert {s.side for s in PlanSignature.select().where(PlanSignature.plan == plan.id)} == {
        "vendor", "partner"}
    assert plans.page("plans").editor.plan_id == plan.id
    plans.undo_action.trigger()
    assert BusinessPlan.get_by_id(plan.id).deleted
    assert plans.page("plans").model.row_of(plan.id) is None


def test_add_and_remove_an_activity_with_undo(plans, plan_ids, answer_yes):
    select(plans, plan_ids["northwind"])
    panel = plans.page("plans").editor.panels["activities"]
    before = panel.model.rowCount()
    panel.add_button.click()
    assert panel.model.rowCount() == before + 1
    title = next(n for n, c in enumerate(panel.model.columns()) if c.field == "title")
    new_row = panel.view.currentIndex().row()  # the new row is selected, in its group
    assert panel.model.index(new_row, title).data() == "New activity"
    panel.remove_button.click()
    assert answer_yes and panel.model.rowCount() == before
    plans.undo_action.trigger()
    assert panel.model.rowCount() == before + 1


def test_export_plan_and_all_plans_from_the_file_menu(plans, plan_ids, qtbot, tmp_path):
    select(plans, plan_ids["northwind"])
    exports = plans.page("plans").exports
    assert exports.plan_action.isEnabled() and exports.pack_action.isEnabled()
    out = tmp_path / "northwind.pdf"
    exports.export_plan(out=out)
    qtbot.waitUntil(lambda: exports.last_result is not None, timeout=20_000)
    assert exports.last_result == out
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Northwind Systems" in text and not any(s in text for s in SECRETS)
    exports.last_result = None
    folder = tmp_path / "all"
    folder.mkdir()
    exports.export_all(out_dir=folder)
    qtbot.waitUntil(lambda: exports.last_result is not None, timeout=60_000)
    assert len(list(Path(folder).glob("*.pdf"))) == 2


def test_models_pass_the_qt_model_tester(plans, plan_ids, qtmodeltester):
    qtmodeltester.check(PlansTableModel(plans.store))
    select(plans, plan_ids["lodz"])
    for model in plans.page("plans").editor.models.values():
        qtmodeltester.check(model)


def test_a_partner_logo_goes_on_the_cover(plans, plan_ids, tmp_path, monkeypatch, qtbot):
    logo = tmp_path / "logo.png"
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    image.fill(QColor("#2e7d32"))
    image.save(str(logo))
    (tmp_path / "fake.png").write_text("not an image")
    select(plans, plan_ids["northwind"])
    answers = iter([str(tmp_path / "fake.png"), str(logo)])
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *args, **kwargs: (next(answers), ""))
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warned.append(args[2]))
    plans.page("plans").editor.choose_logo()
    assert warned and "not a PNG or JPEG" in warned[0]
    assert BusinessPlan.get_by_id(plan_ids["northwind"]).partner_logo == ""
    plans.page("plans").editor.choose_logo()
    sha = BusinessPlan.get_by_id(plan_ids["northwind"]).partner_logo
    assert plans.store.blobs.has(sha)
    out = tmp_path / "northwind.pdf"
    plans.page("plans").exports.export_plan(out=out)
    qtbot.waitUntil(lambda: plans.page("plans").exports.last_result is not None, timeout=20_000)
    assert len(PdfReader(out).pages[0].images) == 2  # the vendor's logo and the partner's
    plans.undo_action.trigger()
    assert BusinessPlan.get_by_id(plan_ids["northwind"]).partner_logo == ""


def test_a_computed_actual_is_shown_read_only(plans, plan_ids):
    register_actual_source("certified_people", lambda *_: 2, "Enablement")
    try:
        select(plans, plan_ids["northwind"])
        model, index = target_cell(plans, "certified_people", "", "actual")
        assert index.data() == "2"
        assert "Enablement" in index.data(Qt.ItemDataRole.ToolTipRole)
        assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
        _, percent = target_cell(plans, "certified_people", "", "")
        assert percent.data() == "66.7%"
    finally:
        unregister_actual_source("certified_people")
    plans.page("plans").editor.models["targets"].refresh()
    model, index = target_cell(plans, "certified_people", "", "actual")
    assert index.data() == "0" and model.flags(index) & Qt.ItemFlag.ItemIsEditable


def test_find_focuses_the_plans_search_and_file_menu_lists_the_exports(plans):
    plans.activateWindow()
    plans.focus_search()
    assert plans.focusWidget() is plans.page("plans").search
    file_menu = plans.menuBar().actions()[0].menu()
    names = [action.objectName() for action in file_menu.actions()]
    assert {"action-export-plan", "action-export-pack", "action-export-all-plans"} <= set(
        names)


def test_an_export_with_text_the_font_cannot_print_says_so(plans, plan_ids, qtbot, tmp_path,
                                                         monkeypatch):
    signature = PlanSignature.get(PlanSignature.plan == plan_ids["northwind"])
    with plans.store.transaction():
        plans.store.update(PlanSignature, signature.id, {"name": "ሰላም ቴክኖሎጂ"})  # Ethiopic
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warned.append(args[2]))
    select(plans, plan_ids["northwind"])
    out = tmp_path / "northwind.pdf"
    plans.page("plans").exports.export_plan(out=out)
    qtbot.waitUntil(lambda: plans.page("plans").exports.last_result is not None, timeout=20_000)
    assert out.exists()
    assert warned and "cannot be printed" in warned[0] and str(out) in warned[0]


def test_the_plan_on_screen_is_exported_even_when_its_period_has_two(plans, plan_ids,
                                                                      qtbot, tmp_path):
    """Two devices may each make a partner's FY2026 plan before they sync."""
    northwind = BusinessPlan.get_by_id(plan_ids["northwind"])
    twin = add_plan(plans.store, northwind.partner_id, summary="The twin made offline.")
    plans.page("plans").model.refresh()
    select(plans, twin)
    for action, out in ((plans.page("plans").exports.export_plan, tmp_path / "plan.pdf"),
                        (plans.page("plans").exports.export_pack, tmp_path / "pack.pdf")):
        plans.page("plans").exports.last_result = None
        action(out=out)
        qtbot.waitUntil(lambda: plans.page("plans").exports.last_result is not None, timeout=20_000)
        text = "".join(page.extract_text() for page in PdfReader(out).pages)
        assert "The twin made offline." in text, out.name


# -- signed means read-only (issue 12, finding 1) -------------------------------------------

def test_a_signed_plan_shows_a_lock_and_takes_only_progress(plans, plan_ids, monkeypatch):
    select(plans, plan_ids["lodz"])
    editor = plans.page("plans").editor
    assert editor.lock_badge.isVisible() and "Signed" in editor.lock_badge.text()
    assert "Sam Carter on 2026-01-12" in editor.lock_badge.toolTip()
    assert editor.summary.isReadOnly() and not editor.logo_button.isEnabled()
    model, target = target_cell(plans, "new_customers", "", "target")
    assert not model.flags(target) & Qt.ItemFlag.ItemIsEditable
    _, actual = target_cell(plans, "new_customers", "", "actual")
    assert model.flags(actual) & Qt.ItemFlag.ItemIsEditable
    signers = editor.models["signatures"]
    name = next(n for n, c in enumerate(signers.columns()) if c.field == "name")
    assert not signers.flags(signers.index(0, name)) & Qt.ItemFlag.ItemIsEditable
    assert not editor.panels["targets"].add_button.isEnabled()
    assert not plans.page("plans").delete_action.isEnabled()
    status = editor.status
    assert [status.itemData(n) for n in range(status.count())] == ["signed", "archived"]
    # Even a value that reaches the model another way is refused by the store.
    errors = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: errors.append(args[2]))
    assert not model.setData(target, "99", Qt.ItemDataRole.EditRole)
    assert errors and "read-only" in errors[0]


def test_amend_opens_revision_2_as_an_editable_draft(plans, plan_ids):
    select(plans, plan_ids["lodz"])
    editor = plans.page("plans").editor
    assert editor.amend_button.isVisible()
    editor.amend_button.click()
    revision = BusinessPlan.get(BusinessPlan.amends == plan_ids["lodz"])
    assert editor.plan_id == revision.id and revision.status == "draft"
    assert editor.heading.full_text().endswith("revision 2")
    assert not editor.lock_badge.isVisible() and not editor.summary.isReadOnly()
    model, target = target_cell(plans, "new_customers", "", "target")
    assert model.flags(target) & Qt.ItemFlag.ItemIsEditable
    table = plans.page("plans").model
    assert "2026-H2 rev. 2" in [table.index(r, 1).data() for r in range(table.rowCount())]
    plans.undo_action.trigger()
    assert BusinessPlan.get_by_id(revision.id).deleted


def test_signing_asks_first_and_then_locks(plans, plan_ids, monkeypatch):
    plan = plan_ids["northwind"]
    plans.store.update(BusinessPlan, plan, {"status": "agreed"})
    select(plans, plan)
    editor = plans.page("plans").editor
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: QMessageBox.StandardButton.No)
    index = editor.status.findData("signed")
    editor.status.activated.emit(index)
    assert BusinessPlan.get_by_id(plan).status == "agreed"
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    editor.status.activated.emit(editor.status.findData("signed"))
    assert BusinessPlan.get_by_id(plan).status == "signed"
    assert editor.lock_badge.isVisible()


def test_plans_sort_on_every_column_and_have_an_empty_state(plans, plan_ids):
    tab = plans.page("plans")
    model = tab.model
    assert tab.table.isSortingEnabled()
    tab.table.sortByColumn(model.column_index("status"), Qt.SortOrder.DescendingOrder)
    assert [model.index(r, model.column_index("status")).data()
            for r in range(model.rowCount())] == ["Signed", "Draft"]
    tab.table.sortByColumn(model.column_index("status"), Qt.SortOrder.AscendingOrder)
    assert model.index(0, model.column_index("status")).data() == "Draft"
    tab.search.setText("no such partner")
    tab.go_to_results()
    empty = plans.findChild(QLabel, "plans-empty-title")
    assert empty.isVisible() and "match" in empty.text()
    tab.search.clear()
    tab.go_to_results()
    assert tab.table.isVisible()


def test_a_new_plan_starts_in_the_partners_currency(plans, seeded_db):
    _path, ids = seeded_db
    plans.store.update(Partner, ids["Blue Ridge MSP"], {"country": "United States"})
    seen = {}

    def look(dialog):
        currency = dialog.findChild(QLineEdit, "field-currency")
        seen["first"] = currency.text()
        combo = dialog.findChild(QComboBox, "field-partner")
        combo.setCurrentIndex(combo.findData(ids["Blue Ridge MSP"]))
        seen["us"] = currency.text()
        dialog.reject()

    select(plans, plans.page("plans").model.id_at(0))
    when_dialog_opens(look)
    plans.page("plans").new_plan()
    assert seen == {"first": "PLN", "us": "USD"}


def test_undo_cannot_unsign_a_plan_and_drops_the_step(plans, plan_ids, monkeypatch):
    plan = plan_ids["northwind"]
    plans.store.update(BusinessPlan, plan, {"status": "agreed"})
    select(plans, plan)
    editor = plans.page("plans").editor
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warned.append(args[2]))
    editor.status.activated.emit(editor.status.findData("signed"))
    assert plans.undo_stack.undoText() == "Mark plan signed"
    plans.undo_action.trigger()
    assert BusinessPlan.get_by_id(plan).status == "signed"
    assert warned and "cannot become agreed" in warned[0]
    assert plans.undo_stack.undoText() != "Mark plan signed"


def test_the_pack_is_exported_for_the_period_the_cam_picks(plans, plan_ids, qtbot, tmp_path,
                                                          monkeypatch):
    """File → Export partner pack asks which period: the whole plan, a half or a quarter."""
    select(plans, plan_ids["northwind"])
    exports = plans.page("plans").exports
    offered = []

    def pick_q2(_parent, _title, _label, items, *_args):
        offered.extend(items)
        return next(item for item in items if item.startswith("Q2")), True

    out = tmp_path / "q2-pack.pdf"
    monkeypatch.setattr(QInputDialog, "getItem", pick_q2)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(out), ""))
    exports.pack_action.trigger()
    qtbot.waitUntil(lambda: exports.last_result is not None, timeout=30_000)
    assert offered[0].endswith("(whole plan)") and len(offered) == 7  # FY, 2 halves, 4 quarters
    cover = PdfReader(out).pages[0].extract_text()
    assert "Q2 2026" in cover

    exports.last_result = None
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args: ("", False))
    exports.pack_action.trigger()  # cancelled: nothing is asked or written
    assert exports.last_result is None
