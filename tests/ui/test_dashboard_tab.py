"""The Dashboard tab, the deadline radar and search everywhere, as real widgets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from icalendar import Calendar
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from channeldesk.app import create_main_window
from channeldesk.domain.lookups import Link
from channeldesk.services.demo_data import load_demo_data
from channeldesk.services.search_index import refresh
from channeldesk.store import open_store
from channeldesk.store.models import Prospect
from channeldesk.ui.dashboard.notice import overdue_count

TODAY = date.today()


@pytest.fixture
def demo_window(qtbot, db_path, settings):
    store = open_store(db_path)
    load_demo_data(store, today=TODAY)
    store.close()
    window = create_main_window(db_path, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def test_the_dashboard_opens_first_with_every_features_panels(demo_window):
    tab = demo_window.current_page()
    assert tab.key == "dashboard"
    assert {"funnel", "quiet", "attainment"} <= set(tab.cards)
    assert tab.cards["funnel"].bar_labels()[:2] == ["Identified", "Contacted"]
    assert "win rate" in tab.cards["funnel"].headline.text()


def test_clicking_a_funnel_bar_opens_the_prospects_filtered_to_that_stage(demo_window):
    tab = demo_window.current_page()
    tab.cards["funnel"].click_bar(2)  # Qualified
    prospects = demo_window.current_page()
    assert prospects.key == "prospects"
    qualified = Prospect.live().where(Prospect.stage == "qualified").count()
    assert prospects.model.rowCount() == qualified


def test_the_radar_groups_deadlines_and_opens_the_record(demo_window, qtbot):
    radar = demo_window.current_page().radar
    overdue = radar.groups[0]
    assert overdue.childCount() == overdue_count(demo_window.store.db, TODAY)
    week = radar.groups[1]
    assert week.childCount() > 0
    row = week.child(0)
    link: Link = row.data(0, Qt.ItemDataRole.UserRole)
    radar.itemActivated.emit(row, 0)
    page = demo_window.current_page()
    assert page.key == link.feature
    if link.table == "prospect":
        assert page.current_id() == link.record_id


def test_the_radar_follows_an_edit(demo_window, qtbot):
    tab = demo_window.current_page()
    store = demo_window.store
    prospect = store.insert(Prospect, {"company": "Radar Test GmbH", "stage": "contacted",
                                       "next_step": "Send the radar deck",
                                       "next_step_on": TODAY + timedelta(days=1)})
    assert prospect
    qtbot.waitUntil(lambda: any("Send the radar deck" in text
                                for text in tab.radar.rows_in(1)), timeout=5000)


def test_export_to_calendar_writes_an_ics_the_parser_reads(demo_window, tmp_path):
    out = tmp_path / "radar.ics"
    assert demo_window.current_page().export_calendar(out)
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert len(events) > 0


def test_presentation_mode_hides_the_portfolio_figures(demo_window):
    tab = demo_window.current_page()
    demo_window.presentation.set_on(True)
    assert tab._pages.currentWidget().objectName() == "dashboard-presenting"
    demo_window.presentation.set_on(False)
    assert tab._pages.currentWidget() is tab.splitter


def test_presenting_to_one_partner_shows_only_their_figures(demo_window):
    from channeldesk.store.models import Partner

    tab = demo_window.current_page()
    partner = Partner.live().order_by(Partner.name).first()
    demo_window.presentation.set_on(True, partner.id, partner.name)
    tab.set_partner_scope(partner.id)  # as the window does for every tab
    assert "funnel" not in tab.cards and tab._pages.currentWidget() is tab.splitter
    assert not tab._radar_box.isVisible()
    rows = [bar.link.record_id for bar in tab.cards["quiet"]._bars]
    assert set(rows) <= {partner.id}
    tab.set_partner_scope(None)
    demo_window.presentation.set_on(False)
    assert "funnel" in tab.cards and tab._radar_box.isVisible()


def test_ctrl_k_finds_a_record_by_an_unaccented_word_and_enter_opens_it(demo_window, qtbot):
    refresh(demo_window.store.db)
    dialog = demo_window.search_everywhere()
    qtbot.keyClicks(dialog.box, "lodz")
    titles = [dialog.results.topLevelItem(i).text(0).strip()
              for i in range(dialog.results.topLevelItemCount())]
    assert any("Łódź" in title for title in titles), titles
    current = dialog.results.currentItem()
    link: Link = current.data(0, Qt.ItemDataRole.UserRole)
    qtbot.keyClick(dialog.box, Qt.Key.Key_Return)
    page = demo_window.current_page()
    assert page.key == link.feature
    assert not dialog.isVisible()


def test_search_everywhere_says_when_nothing_matches(demo_window, qtbot):
    dialog = demo_window.search_everywhere()
    qtbot.keyClicks(dialog.box, "zzqxj")
    assert dialog.status.text() == "No records match."
    dialog.close()


def test_the_start_up_notice_counts_whats_overdue_and_opens_the_dashboard(demo_window,
                                                                          qtbot):
    notice = demo_window.part("dashboard")
    qtbot.waitUntil(lambda: notice.count is not None, timeout=5000)
    assert notice.count == overdue_count(demo_window.store.db, TODAY)
    if notice.count:
        demo_window.show_page("partners")
        notice.button.click()
        assert demo_window.current_page().key == "dashboard"


def test_a_fund_row_opens_the_claims_of_its_program(demo_window):
    tab = demo_window.current_page()
    card = tab.cards["funds"]
    card.click_bar(0)
    incentives = demo_window.current_page()
    assert incentives.key == "incentives"
    program = incentives.findChild(QComboBox, "incentives-filter-program")
    assert program.currentData() == card._bars[0].link.filters[0][1]


def test_search_everywhere_is_not_offered_while_presenting(demo_window):
    demo_window.presentation.set_on(True)
    assert not demo_window.search_everywhere_action.isEnabled()
    assert demo_window.search_everywhere() is None
    demo_window.presentation.set_on(False)
    assert demo_window.search_everywhere_action.isEnabled()


def test_the_overdue_notice_hides_while_presenting(demo_window, qtbot):
    notice = demo_window.part("dashboard")
    qtbot.waitUntil(lambda: notice.count is not None, timeout=5000)
    notice.show_count(3)
    assert notice.button.isVisible()
    demo_window.presentation.set_on(True)
    assert not notice.button.isVisible()
    demo_window.presentation.set_on(False)
    assert notice.button.isVisible()
