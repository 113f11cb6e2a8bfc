"""Keyboard first (issue 12, finding 9): from the search box to the first match in every
tab, Log activity from anywhere in the Partners tab, and shortcuts scoped to the tab on
screen."""

from __future__ import annotations

import pytest
from plan_samples import add_plan
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu

from channeldesk.app import create_main_window
from channeldesk.store import open_store
from channeldesk.store.models import Prospect
from channeldesk.ui.widgets.record_tab import RecordTab


@pytest.fixture
def main(qtbot, seeded_db, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    path, ids = seeded_db
    store = open_store(path)
    try:
        add_plan(store, ids["Northwind Systems"], status="draft")
        with store.transaction():
            store.insert(Prospect, {"company": "Nordic Cloud Oy", "stage": "identified",
                                    "country": "Finland"})
    finally:
        store.close()
    window = create_main_window(path, settings)
    window.resize(1366, 768)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


def record_tabs(main):
    return [page for page in main.tab_pages() if isinstance(page, RecordTab)]


@pytest.mark.parametrize("key", [Qt.Key.Key_Down, Qt.Key.Key_Return])
def test_after_ctrl_f_and_typing_the_key_goes_to_the_first_match(main, qtbot, key):
    seeded = {"partners", "prospects", "plans"}  # the tabs this fixture gives a "nor" match
    tabs = [tab for tab in record_tabs(main) if tab.key in seeded]
    assert {tab.key for tab in tabs} == seeded
    for tab in tabs:
        main.show_page(tab.key)
        qtbot.keyClick(main, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        assert QApplication.focusWidget() is tab.search, tab.key
        qtbot.keyClicks(tab.search, "nor")
        qtbot.keyClick(tab.search, key)
        assert tab.model.rowCount() >= 1, tab.key
        focused = QApplication.focusWidget()
        assert focused is not tab.search and tab.current_id() == tab.model.id_at(0), tab.key


def test_ctrl_l_logs_an_activity_from_anywhere_in_the_partners_tab(main, qtbot,
                                                                    monkeypatch):
    partners = main.show_page("partners")
    partners.select_first()
    item = main.findChild(QAction, "action-partner-log")
    assert item is not None and item.text().replace("&", "").startswith("Log activity")
    assert item in main.findChild(QMenu, "menu-partners").actions()
    opened = []
    monkeypatch.setattr(type(partners.detail.log), "add", lambda self: opened.append(True))
    partners.table.setFocus()
    qtbot.keyClick(partners.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert opened == [True]


def test_ctrl_e_on_the_prospects_tab_does_not_edit_the_hidden_partner(main, qtbot,
                                                                       monkeypatch):
    partners = main.show_page("partners")
    partners.select_first()
    edited = []
    monkeypatch.setattr(type(partners), "edit_partner", lambda self: edited.append(True))
    partners.edit_action.triggered.disconnect()
    partners.edit_action.triggered.connect(lambda: edited.append(True))
    prospects = main.show_page("prospects")
    prospects.table.setFocus()
    qtbot.keyClick(prospects.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert edited == []
    main.show_page("partners")
    partners.table.setFocus()
    qtbot.keyClick(partners.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert edited == [True]


def test_in_the_board_the_key_goes_to_the_first_matching_card(main, qtbot):
    prospects = main.show_page("prospects")
    prospects.set_view(1)
    qtbot.keyClick(main, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(prospects.search, "nordic")
    qtbot.keyClick(prospects.search, Qt.Key.Key_Return)
    card = prospects.board.views["identified"]
    assert QApplication.focusWidget() is card
    assert card.model().id_at(card.currentIndex().row()) == prospects.model.id_at(0)
    assert prospects.detail.prospect_id == prospects.model.id_at(0)
