"""Presentation mode is scoped to the partner in the room (issue 12, finding 6): asked
for on entry, every list shows that partner's records only, internal windows close, the
badge names the partner, and leaving restores the view exactly."""

from __future__ import annotations

import pytest
from dialog_driver import when_dialog_opens
from plan_samples import add_plan
from PySide6.QtWidgets import QComboBox, QDialog, QLabel

from channeldesk.app import create_main_window
from channeldesk.store import open_store


@pytest.fixture
def main(qtbot, seeded_db, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    path, ids = seeded_db
    store = open_store(path)
    try:
        for name in ids:
            add_plan(store, ids[name], status="draft")
    finally:
        store.close()
    window = create_main_window(path, settings)
    window.resize(1366, 768)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


def shown(tab, column="partner"):
    model = tab.model
    index = model.column_index(column)
    return [model.index(r, index).data() for r in range(model.rowCount())]


def present(main, partner_name=None):
    seen = {}

    def choose(dialog):
        box = dialog.findChild(QComboBox, "presentation-partner")
        seen["preselected"] = box.currentText()
        if partner_name:
            box.setCurrentIndex(box.findText(partner_name))
        dialog.accept()

    when_dialog_opens(choose)
    main.presentation_action.trigger()
    return seen


def test_presenting_shows_only_the_partner_in_the_room(main, qtbot):
    plans = main.show_page("plans")
    plans.select_record(plans.model.id_at(0))
    preselected_plan = plans.editor.plan().partner.name
    assert preselected_plan != "Northwind Systems"
    partners = main.page("partners")
    partners.search.setText("o")
    partners.go_to_results()
    before = (shown(partners, "name"), partners.current_id(), plans.current_id())
    stray = QDialog(main)
    stray.setWindowTitle("Conflicts")
    stray.show()

    seen = present(main, "Northwind Systems")

    assert seen["preselected"] == preselected_plan
    assert main.presentation.on and main.presentation.partner_name == "Northwind Systems"
    badge = main.findChild(QLabel, "presentation-badge")
    assert "Presenting to Northwind Systems" in badge.text()
    assert shown(plans) == ["Northwind Systems"]
    assert plans.editor.plan().partner.name == "Northwind Systems"  # not the one shown before
    assert not any(action.isEnabled() for action in main.part("sync").file_actions())
    assert plans.count_label.text() == "1 plan"
    assert shown(partners, "name") == ["Northwind Systems"]
    assert partners.table.isColumnHidden(partners.model.column_index("engagement"))
    assert not partners.detail._facts["engagement"].isVisible()
    assert not stray.isVisible()
    prospects = main.tabs.indexOf(main.findChild(type(main.tabs.currentWidget()),
                                                 "slot-prospects"))
    assert not main.tabs.isTabEnabled(prospects)
    # A new plan can only be for the partner in the room.
    offered = {}

    def look(dialog):
        box = dialog.findChild(QComboBox, "field-partner")
        offered["names"] = [box.itemText(n) for n in range(1, box.count())]
        dialog.reject()

    when_dialog_opens(look)
    plans.new_plan()
    assert offered["names"] == ["Northwind Systems"]
    # Searching cannot reach another partner.
    partners.search.setText("Blue")
    partners.go_to_results()
    assert shown(partners, "name") == []

    main.presentation_action.trigger()
    assert not main.presentation.on and main.tabs.isTabEnabled(prospects)
    assert main.tabs.currentWidget().objectName() == "slot-plans"
    assert (shown(partners, "name"), partners.current_id(), plans.current_id()) == before
    assert partners.search.text() == "o"
    assert not partners.table.isColumnHidden(partners.model.column_index("engagement"))


def test_cancelling_the_question_leaves_presentation_off(main):
    when_dialog_opens(lambda dialog: dialog.reject())
    main.presentation_action.trigger()
    assert not main.presentation.on and not main.presentation_action.isChecked()
