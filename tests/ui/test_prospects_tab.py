"""The Prospects tab driven as a user would: search, stage moves, profile, import, convert."""

from __future__ import annotations

import csv
import sqlite3
from datetime import date

import pytest
from dialog_driver import when_dialog_opens
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
)

from channeldesk.services.prospect_csv_import import KnownCompanies, read_bytes
from channeldesk.store import open_store
from channeldesk.store.models import (
    Activity,
    Contact,
    Partner,
    ProfileCriterion,
    Prospect,
    ProspectActivity,
    ProspectStageChange,
)
from channeldesk.ui.prospects.model import ProspectsTableModel


@pytest.fixture
def prospects(seeded_db):
    """Seeded before the window opens: open_store binds the models to its own database."""
    path, _ = seeded_db
    store = open_store(path)
    ids = {}
    with store.transaction():
        for company, stage, region, vertical in (
            ("Łódź Care", "qualified", "emea", "Healthcare"),
            ("Acme Retail", "identified", "na", "Retail"),
            ("Signed Ltd", "signed", "emea", "Finance"),
        ):
            ids[company] = store.insert(Prospect, {
                "company": company, "stage": stage, "region": region, "vertical": vertical,
                "owner": "Sam", "contact_name": "Ana Nowak", "contact_email": "ana@x.example",
                "internal_notes": "Secret margin talk", "next_step": "Call",
                "next_step_on": date(2020, 1, 1)})
        store.insert(ProspectActivity, {"prospect": ids["Signed Ltd"], "kind": "meeting",
                                        "occurred_on": date(2026, 1, 5),
                                        "subject": "Signing meeting"})
    store.close()
    return ids


@pytest.fixture
def tab(prospects, window):
    window.show_page("prospects")
    window.page("prospects").model.refresh()
    return window.page("prospects")


def shown(tab) -> list[str]:
    return [tab.model.data(tab.model.index(row, 0)) for row in range(tab.model.rowCount())]


def select(tab, qtbot, company: str) -> None:
    tab.select_row(shown(tab).index(company))
    qtbot.waitUntil(lambda: tab.detail.prospect_id is not None)


def test_the_model_passes_the_model_tester(qtmodeltester, prospects, window):
    model = ProspectsTableModel(window.store)
    model.refresh()
    qtmodeltester.check(model)


def test_lists_searches_and_filters(tab, qtbot):
    assert tab.objectName() == "tab-prospects"
    assert shown(tab) == ["Acme Retail", "Łódź Care", "Signed Ltd"]
    qtbot.keyClicks(tab.search, "lodz")
    qtbot.waitUntil(lambda: shown(tab) == ["Łódź Care"])
    assert tab.count_label.text() == "1 of 3 prospects shown"
    tab.search.clear()
    qtbot.waitUntil(lambda: len(shown(tab)) == 3)
    stage = tab.findChild(QComboBox, "prospects-filter-stage")
    stage.setCurrentIndex(stage.findData("signed"))
    assert shown(tab) == ["Signed Ltd"]
    tab.clear_filters()
    tab._overdue.setChecked(True)
    assert shown(tab) == ["Acme Retail", "Łódź Care"]  # signed is not overdue


def test_a_stage_move_is_one_undo_step_with_history(tab, window, qtbot, prospects):
    select(tab, qtbot, "Acme Retail")
    prospect = window.store.get(Prospect, prospects["Acme Retail"])
    assert tab.move_to(prospect, "contacted")
    assert window.store.get(Prospect, prospect.id).stage == "contacted"
    [change] = ProspectStageChange.live().where(ProspectStageChange.prospect == prospect.id)
    assert (change.from_stage, change.to_stage) == ("identified", "contacted")
    assert change.changed_by
    assert "Identified → <b>Contacted</b>" in tab.detail._history.text()
    window.undo_action.trigger()
    assert window.store.get(Prospect, prospect.id).stage == "identified"
    assert not ProspectStageChange.live().where(ProspectStageChange.prospect == prospect.id)
    window.redo_action.trigger()
    assert window.store.get(Prospect, prospect.id).stage == "contacted"


def test_moving_to_lost_asks_for_the_reason(tab, window, qtbot, prospects):
    select(tab, qtbot, "Łódź Care")
    seen = {}

    def act(dialog):
        dialog.findChild(QComboBox, "stage-move-target").setCurrentIndex(6)  # Lost
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        ok.click()
        seen["error"] = dialog.error.text()
        dialog.findChild(QLineEdit, "stage-move-reason").setText("No budget")
        ok.click()

    when_dialog_opens(act)
    tab.move_prospect()
    assert seen["error"] == "Say why the prospect was lost."
    moved = window.store.get(Prospect, prospects["Łódź Care"])
    assert (moved.stage, moved.lost_reason) == ("lost", "No budget")


def test_the_board_groups_by_stage_and_a_drop_moves(tab, window, qtbot, prospects):
    tab.findChild(QPushButton, "prospects-view-board").click()
    assert tab.board_shown()
    assert tab.board._headers["qualified"].text() == "Qualified · 1"
    assert tab.board.models["signed"].rowCount() == 1
    tab.board.sig_move_requested.emit(prospects["Acme Retail"], "qualified")
    assert window.store.get(Prospect, prospects["Acme Retail"]).stage == "qualified"
    assert tab.board._headers["qualified"].text() == "Qualified · 2"
    window.undo_action.trigger()
    assert tab.board._headers["qualified"].text() == "Qualified · 1"


def test_saving_the_profile_rescores_in_a_worker_and_undoes(tab, window, qtbot):
    from channeldesk.domain.fit_score import Attribute, Criterion, Operator
    from channeldesk.ui.prospects.edits import save_profile_command
    from channeldesk.ui.shell.undo import perform

    criteria = [Criterion(Attribute.REGION, Operator.IN, 3, ("EMEA",)),
                Criterion(Attribute.VERTICAL, Operator.IN, 1, ("healthcare",))]
    perform(window.undo_stack, window.store, save_profile_command(window.store, "P", criteria))
    qtbot.waitUntil(lambda: not tab.jobs.rescoring and tab.model.record(
        shown(tab).index("Łódź Care")).score == 100, timeout=10_000)
    record = tab.model.record(shown(tab).index("Signed Ltd"))
    assert record.score == 75 and record.breakdown == "+75 region EMEA\n+0 vertical Finance"
    window.undo_action.trigger()
    assert not ProfileCriterion.live().exists()
    qtbot.waitUntil(lambda: not tab.jobs.rescoring and tab.model.record(0).score is None,
                    timeout=10_000)


def test_import_previews_writes_on_confirm_and_undoes_in_one_step(tab, window, qtbot):
    data = (b"Account Name;Industry;NumberOfEmployees\nNew One;Retail;10\nBad Row;Retail;n/a\n"
            b"ACME Retail;Retail;5\n")
    dialog = tab.open_import_dialog("crm.csv", read_bytes(data), KnownCompanies.load(
        window.store))
    before = Prospect.select().count()
    dialog.show_preview()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    confirm = dialog.findChild(QPushButton, "import-confirm")
    assert not confirm.isEnabled()
    # "ACME Retail" shares only its name with a prospect: possible, for the user to tick
    possible = dialog.findChild(QListWidget, "import-possible-duplicates")
    assert dialog.possible_box.isVisibleTo(dialog)
    assert possible.count() == 1 and possible.item(0).text().startswith(
        "Row 4: ACME Retail — same name as the prospect Acme Retail")
    assert "3 rows</b>: 2 ready, 1 with errors, 0 duplicates" in dialog._summary.text()
    possible.item(0).setCheckState(Qt.CheckState.Checked)
    assert "3 rows</b>: 1 ready, 1 with errors, 1 duplicates" in dialog._summary.text()
    assert dialog.issues.data(dialog.issues.index(0, 3)).startswith("expected a whole number")
    assert Prospect.select().count() == before  # nothing written by the preview
    dialog.skip_invalid.setChecked(True)
    assert confirm.isEnabled()
    confirm.click()
    qtbot.waitUntil(lambda: Prospect.select().count() == before + 1, timeout=10_000)
    qtbot.waitUntil(lambda: "New One" in shown(tab))
    assert window.undo_stack.undoText() == "Import 1 prospects"
    window.undo_action.trigger()
    assert "New One" not in shown(tab)
    window.redo_action.trigger()
    assert "New One" in shown(tab)


def test_convert_carries_contact_and_activities_and_undoes(tab, window, qtbot, prospects):
    select(tab, qtbot, "Signed Ltd")
    assert tab.convert_action.isEnabled()

    def act(dialog):
        combo = dialog.findChild(QComboBox, "field-partner_type")
        combo.setCurrentIndex(combo.findData("msp"))
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    when_dialog_opens(act)
    tab.convert_prospect()
    prospect = window.store.get(Prospect, prospects["Signed Ltd"])
    partner = window.store.get(Partner, prospect.converted_partner_id)
    assert (partner.name, partner.status, partner.region) == ("Signed Ltd", "onboarding", "emea")
    assert [c.name for c in Contact.live().where(Contact.partner == partner.id)] == ["Ana Nowak"]
    assert [a.subject for a in Activity.live().where(Activity.partner == partner.id)] == [
        "Signing meeting"]
    assert "Converted to partner" in tab.detail._converted.text()
    assert not tab.detail._convert.isEnabled()
    window.undo_action.trigger()
    assert window.store.get(Prospect, prospect.id).converted_partner_id is None
    assert window.store.get(Partner, partner.id).deleted
    assert not Contact.live().where(Contact.partner == partner.id).exists()


def test_export_writes_the_filtered_view_without_internal_fields_in_presentation(
        tab, window, qtbot, tmp_path):
    window.presentation.set_on(True)
    assert not tab.detail._notes_box.isVisibleTo(tab.detail)
    tab.search.setText("care")
    qtbot.waitUntil(lambda: shown(tab) == ["Łódź Care"])
    target = tmp_path / "view.csv"
    tab.export_csv(str(target))
    qtbot.waitUntil(target.exists, timeout=10_000)
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 2 and rows[1][0] == "Łódź Care"
    assert "Internal notes" not in rows[0]
    assert "Secret margin talk" not in target.read_text(encoding="utf-8-sig")


def test_keyboard_delete_in_the_table_and_ctrl_f(tab, window, qtbot, answer_yes):

    window.focus_search()
    assert tab.search.hasFocus() or not window.isActiveWindow()
    select(tab, qtbot, "Acme Retail")
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    assert answer_yes and "Acme Retail" not in shown(tab)
    assert tab.count_label.text() == "2 prospects"
    window.undo_action.trigger()
    assert "Acme Retail" in shown(tab)


def test_presentation_mode_hides_the_lost_reason(tab, window, qtbot, prospects):
    prospect = window.store.get(Prospect, prospects["Acme Retail"])
    tab.move_to(prospect, "lost", "Chose a competitor")
    row = shown(tab).index("Acme Retail")
    stage_column = tab.model.column_index("stage")
    tooltip = tab.model.index(row, stage_column).data(3)  # ToolTipRole
    assert tooltip == "Chose a competitor"
    window.presentation.set_on(True)
    assert not tab.model.index(row, stage_column).data(3)
    select(tab, qtbot, "Acme Retail")
    assert "Chose a competitor" not in tab.detail._subtitle.text()
    assert "Chose a competitor" not in tab.detail._history.text()


def test_the_list_is_complete_while_another_process_holds_the_write_lock(
        prospects, window, qtbot):
    """Issue 11, finding 4: the prospects were written but never listed (stale derived
    rows); another program holds the write lock, so the list cannot catch up. All three
    show, and search finds them."""
    assert sqlite3.connect(window.store.path).execute(
        "SELECT count(*) FROM prospect_stale").fetchone()[0] == 3
    other = sqlite3.connect(window.store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        window.show_page("prospects")
        tab = window.page("prospects")
        tab.model.refresh()
        assert shown(tab) == ["Acme Retail", "Łódź Care", "Signed Ltd"]
        qtbot.keyClicks(tab.search, "lodz")
        qtbot.waitUntil(lambda: shown(tab) == ["Łódź Care"])
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_the_import_button_says_what_will_happen(tab, window, qtbot):
    """Issue 12, finding 10: five rows, of which one is a partner already and one a
    duplicate, import three; the button says so."""
    data = (b"Account Name;Industry\nNew One;Retail\nNew Two;Retail\nNew Three;Retail\n"
            b"Northwind Systems;Retail\nNew One;Retail\n")
    dialog = tab.open_import_dialog("crm.csv", read_bytes(data), KnownCompanies.load(
        window.store))
    dialog.show_preview()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    confirm = dialog.findChild(QPushButton, "import-confirm")
    # A name alone is only a possible duplicate (issue 11): imported as new until ticked.
    assert confirm.text().replace("&", "") == "Import 5 prospects"
    possible = dialog.findChild(QListWidget, "import-possible-duplicates")
    for row in range(possible.count()):
        possible.item(row).setCheckState(Qt.CheckState.Checked)
    assert confirm.text().replace("&", "") == \
        "Import 3 prospects (skip 1 already a partner, 1 duplicate)"
    dialog.reject()


def test_the_prospect_pane_labels_its_score_and_agrees_on_the_lost_reason(
        tab, window, qtbot, prospects):
    """Issue 12, finding 10: the big number says it is the fit score; the lost reason in
    the header and in the stage history are the same after the reason is edited."""
    prospect = window.store.get(Prospect, prospects["Acme Retail"])
    tab.move_to(prospect, "lost", "No budget")
    window.store.update(Prospect, prospect.id, {"lost_reason": "Chose a competitor"})
    select(tab, qtbot, "Acme Retail")
    caption = tab.detail.findChild(QLabel, "prospect-score-caption")
    assert caption is not None and "fit score" in caption.text()
    assert "Chose a competitor" in tab.detail._subtitle.text()
    history = tab.detail._history.text()
    assert "Chose a competitor" in history and "No budget" not in history


def test_the_fit_breakdown_says_what_each_criterion_asked_for(tab, window, qtbot, prospects):
    from channeldesk.domain.fit_score import Attribute, Criterion, Operator
    from channeldesk.services.prospect_operations import save_profile

    save_profile(window.store, "EMEA healthcare", [
        Criterion(Attribute.REGION, Operator.IN, 3, ("emea",)),
        Criterion(Attribute.EMPLOYEES, Operator.AT_LEAST, 1, (), 500, None)])
    select(tab, qtbot, "Łódź Care")

    def breakdown() -> str:  # re-scoring after a profile change runs in the background
        tab.detail.show_prospect(prospects["Łódź Care"])
        return tab.detail._breakdown.text()

    qtbot.waitUntil(lambda: "asked:" in breakdown(), timeout=10_000)
    text = breakdown()
    assert "asked: region is one of EMEA" in text
    assert "asked: employees at least 500" in text
