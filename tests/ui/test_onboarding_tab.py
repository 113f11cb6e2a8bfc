"""The Onboarding tab driven as a CAM would: start from a partner, work the checklist,
see what is overdue, watch the partner become active; every step undone; the templates
editor refusing bad input next to the field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dialog_driver import when_dialog_opens
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
)

from channeldesk.domain.onboarding_schedule import StepDraft
from channeldesk.services.onboarding_operations import set_task_status, start_onboarding
from channeldesk.services.onboarding_template_operations import (
    add_shipped_templates,
    save_template,
)
from channeldesk.store import open_store
from channeldesk.store.models import (
    Activity,
    Agreement,
    OnboardingPlan,
    OnboardingTemplate,
    Partner,
    Prospect,
)
from channeldesk.store.onboarding_queries import tasks_of
from channeldesk.ui.onboarding.templates_editor import TemplatesEditor

TODAY = date.today()


@pytest.fixture
def onboarding(seeded_db):
    """Northwind in onboarding for 20 days on a three-step template (one optional);
    written before the window opens, as a synced device would have."""
    path, ids = seeded_db
    store = open_store(path)
    try:
        template = save_template(store, None, {"name": "Quick start"}, [
            StepDraft("a", "Sign reseller agreement", "agreement", "partner", 0),
            StepDraft("b", "Portal access", "systems", "vendor", 3, "a"),
            StepDraft("c", "Launch webinar", "marketing", "vendor", 40, None, False)]).value
        plan = start_onboarding(store, ids["Northwind Systems"], template,
                                TODAY - timedelta(days=20), "Sam Ortega").value
    finally:
        store.close()
    return {"plan": plan, "template": template, **ids}


@pytest.fixture
def tab(onboarding, window):
    page = window.show_page("onboarding")
    page.select_plan(onboarding["plan"])
    return page


def choose_task(tab, title: str) -> None:
    detail = tab.detail
    row = next(n for n, t in enumerate(detail.checklist.tasks()) if t.title == title)
    detail.view.selectRow(row)
    assert detail.current_task().title == title


def task_status(plan_id: str, title: str) -> str:
    return next(t.status for t in tasks_of(plan_id) if t.title == title)


def test_the_list_shows_progress_overdue_and_days(tab, onboarding, qtmodeltester):
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.detail.checklist)
    model = tab.model
    row = model.record(0)
    assert (row.partner, row.finished, row.total, row.overdue) == ("Northwind Systems", 0, 3, 2)
    cells = {model.column_key(c): model.index(0, c).data() for c in range(model.columnCount())}
    assert cells["progress"] == "0 / 3" and cells["overdue"] == "2" and cells["days"] == "20"
    assert "Sign reseller agreement" in cells["next_task"]
    assert tab.count_label.text() == "1 onboarding"
    assert "2 overdue" in tab.detail.facts.text()
    overdue = tab.detail.checklist.index(0, 0)
    assert "Overdue" in overdue.data()
    assert tab.detail.checklist.data(overdue, 9) is not None  # BackgroundRole: it stands out


def test_filters_and_search_narrow_the_list(tab, onboarding, qtbot):
    tab.search.setText("nomatch")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0)
    assert "No onboardings match" in tab._empty_title.text()
    tab.search.setText("north")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    tab._overdue.setChecked(True)
    assert tab.model.rowCount() == 1
    tab._stalled.setChecked(True)  # started 20 days ago, nothing finished
    assert tab.model.rowCount() == 1
    tab._owner_box.setCurrentIndex(tab._owner_box.findData("Sam Ortega"))
    assert tab.model.rowCount() == 1
    tab._status_box.setCurrentIndex(tab._status_box.findData("completed"))
    assert tab.model.rowCount() == 0
    tab.clear_filters()
    assert tab.model.rowCount() == 1


def test_done_block_reopen_each_undo(tab, window, onboarding, qtbot):
    plan = onboarding["plan"]
    choose_task(tab, "Portal access")
    tab.detail._buttons[tab.detail.done_action].click()
    assert task_status(plan, "Portal access") == "done"
    assert window.undo_stack.undoText() == "Mark “Portal access” done"
    window.undo_action.trigger()
    assert task_status(plan, "Portal access") == "open"

    def give_no_reason_then_one(dialog):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        error = dialog.findChild(QLabel, "error-blocked_reason")
        assert error.isVisible() and "Say why" in error.text()
        dialog.findChild(QPlainTextEdit, "field-blocked_reason").setPlainText(
            "Waiting for the partner's IT")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    choose_task(tab, "Portal access")
    when_dialog_opens(give_no_reason_then_one)
    assert tab.detail.mark("blocked")
    task = next(t for t in tasks_of(plan) if t.title == "Portal access")
    assert (task.status, task.blocked_reason) == ("blocked", "Waiting for the partner's IT")
    window.undo_action.trigger()
    assert task_status(plan, "Portal access") == "open"


def test_moving_a_due_date_shows_the_dependants_and_refuses_a_date_before_the_start(
        tab, window, onboarding):
    plan = onboarding["plan"]
    before = {t.title: t.due_on for t in tasks_of(plan)}
    choose_task(tab, "Sign reseller agreement")
    seen = {}

    def act(dialog):
        edit = dialog.date
        edit.setDate(TODAY - timedelta(days=30))  # before the start
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        seen["refused"] = (dialog.error.text(), ok.isEnabled())
        edit.setDate(TODAY + timedelta(days=2))
        seen["moves"] = [dialog.moves.item(n).text() for n in range(dialog.moves.count())]
        ok.click()

    when_dialog_opens(act)
    assert tab.detail.move_due()
    assert "before the onboarding started" in seen["refused"][0] and not seen["refused"][1]
    assert len(seen["moves"]) == 2 and "Portal access" in seen["moves"][1]
    after = {t.title: t.due_on for t in tasks_of(plan)}
    assert after["Portal access"] == TODAY + timedelta(days=5)
    assert after["Launch webinar"] == before["Launch webinar"]
    window.undo_action.trigger()
    assert {t.title: t.due_on for t in tasks_of(plan)} == before


def test_the_last_required_task_makes_the_partner_active_in_one_undo_step(
        tab, window, onboarding, qtbot):
    plan, partner = onboarding["plan"], onboarding["Northwind Systems"]
    choose_task(tab, "Sign reseller agreement")

    def record_agreement(dialog):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    when_dialog_opens(record_agreement)
    assert tab.detail.mark("done")
    assert Agreement.get(Agreement.partner == partner).agreement_type == "reseller_agreement"
    choose_task(tab, "Portal access")
    with qtbot.waitSignal(tab.sig_status) as status:
        tab.detail.mark("done")
    assert "now an active partner" in status.args[0]
    assert Partner.get_by_id(partner).status == "active"
    assert OnboardingPlan.get_by_id(plan).status == "completed"
    assert Activity.live().where(Activity.partner == partner,
                                 Activity.subject.startswith("Onboarding complete")).exists()
    assert tab.median.text() == "Median time to onboard: 20 days (1 partner)"
    window.undo_action.trigger()
    assert Partner.get_by_id(partner).status == "onboarding"
    assert OnboardingPlan.get_by_id(plan).status == "active"
    assert task_status(plan, "Portal access") == "open"


def test_evidence_a_missing_file_is_said_and_a_real_one_listed(tab, onboarding, tmp_path):
    choose_task(tab, "Sign reseller agreement")
    panel = tab.detail.task_panel
    assert not panel.attach_file(str(tmp_path / "gone.pdf"))
    assert "not there any more" in panel.error.text() and panel.error.isVisibleTo(tab)
    proof = tmp_path / "countersigned.pdf"
    proof.write_bytes(b"%PDF signed")
    assert panel.attach_file(str(proof))
    assert panel.files.count() == 1 and "countersigned.pdf" in panel.files.item(0).text()


def test_notes_are_undoable_and_presentation_mode_hides_them(tab, window, onboarding):
    detail = tab.detail
    detail.plan_notes.setPlainText("They want a better margin; hold until Q2")
    detail.flush_plan_notes()
    assert OnboardingPlan.get_by_id(onboarding["plan"]).internal_notes.startswith("They want")
    choose_task(tab, "Portal access")
    detail.task_panel.notes.setPlainText("IT lead is on leave")
    detail.task_panel.flush_notes()
    assert next(t.notes for t in tasks_of(onboarding["plan"])
                if t.title == "Portal access") == "IT lead is on leave"
    window.presentation.set_on(True)
    assert not detail.task_panel.notes.isVisibleTo(tab)
    assert not detail.tabs.isTabVisible(2)
    assert not tab.median.isVisibleTo(tab)  # it names every partner's onboarding time
    window.presentation.set_on(False)
    assert detail.task_panel.notes.isVisibleTo(tab) and detail.tabs.isTabVisible(2)
    assert tab.median.isVisibleTo(tab)
    window.undo_action.trigger()
    assert next(t.notes for t in tasks_of(onboarding["plan"]) if t.title == "Portal access") == ""


def test_start_from_the_partners_tab_offers_the_shipped_templates_first(
        window, seeded_db, qtbot, monkeypatch):
    _path, ids = seeded_db
    partners = window.show_page("partners")
    partners.select_record(ids["Blue Ridge MSP"])
    action = next(a for a in partners.menu_actions()
                  if a.objectName() == "action-partner-start-onboarding")
    assert action.isEnabled()
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    previewed = {}

    def start(dialog):
        previewed["rows"] = dialog.preview.rowCount()
        previewed["template"] = dialog.template.currentText()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_dialog_opens(start)
    action.trigger()
    assert previewed == {"rows": 8, "template": "MSP"}  # suggested for an MSP
    assert OnboardingTemplate.live().count() == 3
    plan = OnboardingPlan.get(OnboardingPlan.partner == ids["Blue Ridge MSP"])
    assert len(tasks_of(plan.id)) == 8
    assert Partner.get_by_id(ids["Blue Ridge MSP"]).status == "onboarding"
    window.undo_action.trigger()
    assert OnboardingPlan.get_by_id(plan.id).deleted


def test_the_offer_after_a_conversion_starts_onboarding(window, seeded_db, qtbot):
    from channeldesk.ui.onboarding.entry_points import offer_after_conversion

    _path, ids = seeded_db
    add_shipped_templates(window.store)
    prospects = window.show_page("prospects")
    offer_after_conversion(prospects, ids["Łódź Systemy Sp. z o.o."])
    box = prospects.findChild(QMessageBox, "onboarding-offer")
    assert box is not None and "Start its onboarding now" in box.text()
    when_dialog_opens(lambda dialog: dialog.buttons.button(
        QDialogButtonBox.StandardButton.Ok).click())
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: OnboardingPlan.live().where(
        OnboardingPlan.partner == ids["Łódź Systemy Sp. z o.o."]).exists())


def test_template_editor_says_what_is_wrong_next_to_the_field(onboarding, window, qtbot,
                                                              answer_yes):
    editor = TemplatesEditor(window.store, window.undo_stack, window)
    qtbot.addWidget(editor)
    assert editor.name.text() == "Quick start"
    # A circle: the first step waits for the second, which waits for the first.
    editor.steps.setCurrentCell(0, 0)
    form = editor.form
    form.after.setCurrentIndex(form.after.findData(editor.drafts[1].key))
    form.after.activated.emit(form.after.currentIndex())
    assert "circle" in form.error.text() and form.error.isVisibleTo(editor)
    assert not editor.save()
    assert "circle" in editor.steps_error.text()
    form.after.setCurrentIndex(0)
    form.after.activated.emit(0)
    form.findChild(QSpinBox, "step-offset_days").setValue(-4)
    assert "cannot be negative" in form.error.text()
    form.offset.setValue(2)
    editor.findChild(QLineEdit, "template-name").setText("")
    assert not editor.save()
    assert "Name is required" in editor.name_error.text()
    editor.name.setText("Quick start v2")
    assert editor.save()
    assert OnboardingTemplate.get_by_id(onboarding["template"]).revision == 2
    # In use: the refusal is said beside the list and nothing goes.
    editor.findChild(QPushButton, "templates-delete").click()
    assert "in use by 1 running onboarding" in editor.list_error.text()
    assert not OnboardingTemplate.get_by_id(onboarding["template"]).deleted


def test_a_template_without_steps_is_refused(onboarding, window, qtbot, answer_yes):
    editor = TemplatesEditor(window.store, window.undo_stack, window)
    qtbot.addWidget(editor)
    editor.new_template()
    editor.name.setText("Empty")
    editor.remove_step()
    assert not editor.save()
    assert "at least one step" in editor.steps_error.text()
    assert editor.findChild(QTableWidget, "template-steps").rowCount() == 0
    assert not OnboardingTemplate.select().where(OnboardingTemplate.name == "Empty").exists()


def test_a_changed_template_is_offered_to_the_running_checklist(tab, window, onboarding,
                                                                answer_yes):
    store = window.store
    steps = [StepDraft(t.step_id, t.title, t.category, t.owner_side, t.offset_days,
                       None, t.required) for t in tasks_of(onboarding["plan"])]
    steps.append(StepDraft("new", "Certification", "training", "partner", 30))
    save_template(store, onboarding["template"], {"name": "Quick start"}, steps)
    store.notify_changed({"onboarding_template": [onboarding["template"]]})
    tab.detail.show_plan(onboarding["plan"])
    assert tab.detail.banner.isVisibleTo(tab) and "1 new" in tab.detail.banner_text.text()
    assert tab.detail.apply_template()
    assert "Certification" in [t.title for t in tasks_of(onboarding["plan"])]
    assert not tab.detail.banner.isVisibleTo(tab)


def test_finishing_work_in_the_service_refreshes_the_open_tab(tab, window, onboarding):
    plan = onboarding["plan"]
    task = next(t for t in tasks_of(plan) if t.title == "Sign reseller agreement")
    set_task_status(window.store, task.id, "done", TODAY)
    assert tab.model.record(0).finished == 1


def test_start_from_the_tab_picks_a_partner_not_yet_in_onboarding(tab, window, onboarding):
    chosen = {}

    def start(dialog):
        names = [dialog.partner.itemText(n) for n in range(dialog.partner.count())]
        chosen["names"] = names
        dialog.partner.setCurrentIndex(names.index("Blue Ridge MSP"))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_dialog_opens(start)
    tab.start_onboarding()
    assert "Northwind Systems" not in chosen["names"]  # already in onboarding
    plan = OnboardingPlan.get(OnboardingPlan.partner == onboarding["Blue Ridge MSP"])
    assert tab.detail.plan_id == plan.id and tab.model.rowCount() == 2


@pytest.fixture
def signed_prospect(seeded_db):
    path, _ = seeded_db
    store = open_store(path)
    try:
        with store.transaction():
            prospect = store.insert(Prospect, {
                "company": "Signed Ltd", "stage": "signed", "region": "emea",
                "partner_type": "referral", "owner": "Sam", "next_step": "Kick-off"})
        add_shipped_templates(store)
    finally:
        store.close()
    return prospect


def test_converting_a_prospect_offers_to_start_its_onboarding(signed_prospect, window):
    prospects = window.show_page("prospects")
    prospects.select_record(signed_prospect)

    def convert(dialog):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    when_dialog_opens(convert)
    prospects.convert_prospect()
    partner = Prospect.get_by_id(signed_prospect).converted_partner_id
    box = prospects.findChild(QMessageBox, "onboarding-offer")
    assert partner and box is not None and "Signed Ltd is now a partner" in box.text()
    previewed = {}

    def start(dialog):
        previewed["template"] = dialog.template.currentText()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_dialog_opens(start)
    box.button(QMessageBox.StandardButton.Yes).click()
    assert previewed["template"] == "Referral"
    assert OnboardingPlan.live().where(OnboardingPlan.partner == partner).exists()
