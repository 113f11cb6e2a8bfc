"""The Enablement tab driven as a CAM uses it: search the library, add assets and
versions by dialog and by dropping files (copied in a worker), open a version, share with
a filtered set of partners, re-share what a partner is behind on, campaigns, courses,
presentation mode; every edit undoes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from dialog_driver import when_dialog_opens
from enablement_samples import TODAY, build_world
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QLineEdit, QMessageBox

from channeldesk.app import create_main_window
from channeldesk.store import open_store
from channeldesk.store.models import Asset, AssetShare, AssetVersion
from channeldesk.ui.enablement.tab import EnablementTab


@pytest.fixture
def world(db_path):
    store = open_store(db_path)
    try:
        made = build_world(store)
    finally:
        store.close()
    return made


@pytest.fixture
def window(qtbot, db_path, world, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    main = create_main_window(db_path, settings)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()


@pytest.fixture
def tab(window, monkeypatch) -> EnablementTab:
    page = window.show_page("enablement")
    # The sample world's dates are judged on a fixed day, never the clock.
    for part in (page, page.partner_page, page.campaigns_page, page.courses_page):
        monkeypatch.setattr(part, "_today", TODAY)
    page.model._today = TODAY
    page.detail._today = TODAY
    page.clear_filters()
    return page


def titles(tab: EnablementTab) -> list[str]:
    return [tab.model.data(tab.model.index(row, 0)) for row in range(tab.model.rowCount())]


def search(qtbot, tab: EnablementTab, text: str) -> None:
    tab.search.setText(text)
    qtbot.waitUntil(lambda: not tab._search_timer.isActive())


FAILURES: list[BaseException] = []


def when_open(handle) -> None:
    """Like when_dialog_opens, but a failed check closes the dialog (instead of leaving
    the test waiting on it) and fails the test afterwards (see ``checked``)."""
    def guarded(dialog) -> None:
        try:
            handle(dialog)
        except BaseException as error:
            FAILURES.append(error)
            dialog.reject()
    when_dialog_opens(guarded)


@pytest.fixture(autouse=True)
def checked():
    FAILURES.clear()
    yield
    if FAILURES:
        raise FAILURES[0]


def accept(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_library_lists_searches_and_flags_expired_assets(tab, qtbot, qtmodeltester):
    assert tab.objectName() == "tab-enablement"
    assert tab.table.objectName() == "enablement-table"
    assert tab.search.objectName() == "enablement-search"
    assert titles(tab) == ["2025 price list", "Vault battlecard", "Vault datasheet"]
    qtmodeltester.check(tab.model)
    expiry = tab.model.column_index("expires_on")
    cell = tab.model.index(0, expiry)
    assert tab.model.data(cell) == "2026-03-31 (expired)"
    assert tab.model.data(cell, Qt.ItemDataRole.ForegroundRole) == QColor("#c62828")
    search(qtbot, tab, "backup")  # a tag
    assert titles(tab) == ["Vault datasheet"]
    assert tab.count_label.text() == "1 of 3 assets shown"
    search(qtbot, tab, "nothing like this")
    assert tab.findChild(type(tab.count_label), "enablement-empty-title").text() \
        .startswith("No assets match")


def test_the_detail_shows_versions_and_who_is_behind(tab, qtmodeltester):
    tab.select_record(tab.model.ids()[2])  # Vault datasheet
    detail = tab.detail
    assert detail.title.text() == "Vault datasheet"
    assert [detail.versions.data(detail.versions.index(r, 0)) for r in range(2)] == ["v2", "v1"]
    assert detail.holders_box.title() == "Who has it: 2 partner(s), 1 with an old version"
    qtmodeltester.check(detail.versions)
    qtmodeltester.check(detail.holders)


def test_a_new_asset_with_a_link_is_one_undo_step(tab, window, qtbot):
    def fill(dialog) -> None:
        dialog.form.field("title").setText("Relay pitch deck")
        dialog.source_section.picker.url.setText("https://partners.example.com/relay")
        dialog.source_section.picker.link_choice.setChecked(True)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    when_open(fill)
    tab.new_asset()
    assert "Relay pitch deck" in titles(tab)
    assert tab.detail.title.text() == "Relay pitch deck"
    window.undo_stack.undo()
    assert "Relay pitch deck" not in titles(tab)
    window.undo_stack.redo()
    assert "Relay pitch deck" in titles(tab)


def test_a_link_that_is_not_a_link_is_refused_in_the_dialog(tab, qtbot):
    seen = {}

    def fill(dialog) -> None:
        dialog.form.field("title").setText("Broken link")
        dialog.source_section.picker.url.setText("not a link")
        dialog.source_section.picker.link_choice.setChecked(True)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        seen["error"] = dialog.source_section.error.text()
        seen["open"] = dialog.isVisible()
        dialog.reject()
    when_open(fill)
    tab.new_asset()
    assert seen == {"error": "Enter the whole address, starting with https:// (e.g. "
                             "https://example.com/deck).", "open": True}
    assert "Broken link" not in titles(tab)


def test_dropped_files_become_assets_copied_in_a_worker(tab, window, qtbot, tmp_path):
    deck, sheet = tmp_path / "Atlas_pitch_deck.pptx", tmp_path / "Atlas datasheet.pdf"
    deck.write_bytes(b"deck" * 100_000)
    sheet.write_bytes(b"%PDF-1.4 sheet")
    with qtbot.waitSignal(tab.files.sig_assets_added, timeout=10_000):
        tab.drop_files([deck, sheet], on_detail=False)
    assert {"Atlas pitch deck", "Atlas datasheet"} <= set(titles(tab))
    added = Asset.get(Asset.title == "Atlas pitch deck")
    assert added.kind == "pitch_deck"
    version = AssetVersion.get(AssetVersion.asset == added.id)
    assert (version.file_name, version.file_size) == ("Atlas_pitch_deck.pptx", 400_000)
    assert window.store.blobs.verify(version.file_sha)
    window.undo_stack.undo()  # both assets, one step
    assert "Atlas pitch deck" not in titles(tab) and "Atlas datasheet" not in titles(tab)


def test_a_vanished_file_is_reported_and_nothing_added(tab, qtbot, tmp_path, monkeypatch):
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warned.append(args[2]))
    before = titles(tab)
    tab.files.add_assets_from_files([tmp_path / "gone.pdf"])
    qtbot.waitUntil(lambda: bool(warned), timeout=10_000)
    assert "no longer at" in warned[0]
    assert titles(tab) == before


def test_a_new_version_from_a_file_and_the_same_file_again(tab, window, qtbot, tmp_path,
                                                           monkeypatch):
    errors = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: errors.append(args[2]))
    tab.select_record(tab.model.ids()[1])  # Vault battlecard, v1 a link
    card = tmp_path / "card v2.pdf"
    card.write_bytes(b"%PDF battlecard two")
    with qtbot.waitSignal(window.undo_stack.indexChanged, timeout=10_000):
        tab.files.add_version(tab.detail.asset_id, "Vault battlecard", card, "New claims")
    assert tab.detail.versions.rowCount() == 2
    tab.files.add_version(tab.detail.asset_id, "Vault battlecard", card, "again")
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert "already v2 of 'Vault battlecard'" in errors[0]
    assert tab.detail.versions.rowCount() == 2


def test_a_version_opens_with_the_default_application(tab, window, qtbot, tmp_path,
                                                      monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    tab.select_record(tab.model.ids()[2])
    tab.detail.open_selected_version()
    assert opened[-1].toString() == "https://example.com/vault-v2.pdf"
    sheet = tmp_path / "Vault v3.pdf"
    sheet.write_bytes(b"%PDF vault three")
    with qtbot.waitSignal(window.undo_stack.indexChanged, timeout=10_000):
        tab.files.add_version(tab.detail.asset_id, "Vault datasheet", sheet, "")
    tab.detail.versions_table.selectRow(0)
    tab.detail.open_selected_version()
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=10_000)
    path = Path(opened[-1].toLocalFile())
    assert path.name == "Vault v3.pdf" and path.read_bytes() == b"%PDF vault three"


def test_a_damaged_file_is_not_opened(tab, window, qtbot, tmp_path, monkeypatch):
    opened, errors = [], []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: errors.append(args[2]))
    tab.select_record(tab.model.ids()[2])
    sheet = tmp_path / "damaged.pdf"
    sheet.write_bytes(b"%PDF soon damaged")
    with qtbot.waitSignal(window.undo_stack.indexChanged, timeout=10_000):
        tab.files.add_version(tab.detail.asset_id, "Vault datasheet", sheet, "")
    version = tab.detail.selected_version()
    window.store.blobs.path_of(version.file_sha).write_bytes(b"tampered")
    tab.detail.open_selected_version()
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert "damaged" in errors[0] and opened == []


def test_share_with_all_gold_resellers_in_emea(tab, window, world, qtbot):
    def fill(dialog) -> None:
        assert dialog.assets.checked() == [world.assets["card"]]
        shown = [dialog.assets.list.item(n).text() for n in range(dialog.assets.list.count())]
        assert not any("price list" in text for text in shown)  # expired: left out
        for key, code in (("types", "reseller"), ("tiers", "gold"), ("regions", "emea")):
            box = dialog._filters[key]
            box.setCurrentIndex(box.findData(code))
        dialog.partners.set_all_shown(True)
        assert dialog.partners.checked() == [world.partners["northwind"]]
        accept(dialog)
    tab.select_record(world.assets["card"])
    before = AssetShare.live().count()
    when_open(fill)
    tab.share_current()
    assert AssetShare.live().count() == before + 1
    window.undo_stack.undo()
    assert AssetShare.live().count() == before


def test_a_partner_behind_is_brought_up_to_date_in_one_click(tab, window, world, qtbot):
    tab.views.setCurrentWidget(tab.partner_page)
    page = tab.partner_page
    assert page.select_partner(world.partners["northwind"])
    assert page.reshare_button.text() == "Re-share current versions (1)"
    assert "1" in page.headcount.text() or "0 of 2" in page.headcount.text()
    page.reshare_outdated()
    qtbot.waitUntil(lambda: not page.reshare_button.isEnabled())
    assert [page.holdings.data(page.holdings.index(r, 3))
            for r in range(page.holdings.rowCount())] == ["Up to date", "Up to date"]
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: page.reshare_button.isEnabled())


def test_presentation_mode_hides_other_partners_and_internal_notes(tab, window, world):
    tab.select_record(world.assets["sheet"])
    window.presentation.set_on(True)
    assert not tab.detail.holders_box.isVisibleTo(tab)
    assert tab.detail.holders.rowCount() == 0
    assert tab.detail.holders_hidden.isVisibleTo(tab)
    assert tab.table.isColumnHidden(tab.model.column_index("holders"))
    assert not tab.partner_page.list_column.isVisibleTo(tab.partner_page)
    assert not tab.courses_page.people_box.isVisibleTo(tab.courses_page)
    assert not tab.campaigns_page.progress_box.isVisibleTo(tab.campaigns_page)
    window.presentation.set_on(False)
    assert tab.detail.holders.rowCount() == 2


def test_enrol_complete_and_certify_from_the_courses_view(tab, window, world, qtbot,
                                                        monkeypatch):
    page = tab.courses_page
    tab.views.setCurrentWidget(page)
    page.refresh()

    def enrol(dialog) -> None:
        dialog.partner.setCurrentIndex(dialog.partner.findData(world.partners["northwind"]))
        dialog.people.set_all_shown(True)
        dialog.day.setDate(date(2026, 10, 1))
        accept(dialog)
    when_open(enrol)
    page.enrol_people()
    assert page.people.rowCount() == 2
    page.people_table.selectRow(0)

    def complete(dialog) -> None:
        dialog.day.setDate(date(2026, 11, 1))
        dialog.score.setValue(93)
        assert dialog.outcome.text() == "Certified until 2028-11-01."
        accept(dialog)
    when_open(complete)
    page.record_completion()
    statuses = [page.people.data(page.people.index(r, page.people.column_index("status")))
                for r in range(2)]
    assert statuses == ["Certified", "Enrolled"]
    assert page.courses.record(0).certified == 1
    window.undo_stack.undo()
    assert page.courses.record(0).certified == 0
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args: QMessageBox.StandardButton.Yes)
    page.people_table.selectRow(1)
    page.remove_person()
    assert page.people.rowCount() == 1
    window.undo_stack.undo()
    assert page.people.rowCount() == 2


def test_a_campaign_is_made_and_sent_to_its_targets(tab, window, world, qtbot):
    page = tab.campaigns_page
    tab.views.setCurrentWidget(page)

    def fill(dialog) -> None:
        dialog.form.field("title").setText("Vault 6 launch")
        for box in dialog.form.field("target_tiers").findChildren(QCheckBox):
            box.setChecked(box.objectName() == "code-gold")
        dialog.assets.set_all_shown(True)
        assert dialog.targets.text().startswith("Targets 2 partner(s)")
        accept(dialog)
    when_open(fill)
    page.new_campaign()
    assert page.current().title == "Vault 6 launch"
    assert {row.partner.name for row in page.progress.rows()} == {"Northwind Systems",
                                                                  "Bluebird Reseller"}
    before = AssetShare.live().count()
    page.send_to_targets()
    assert AssetShare.live().count() > before
    assert "Left out, expired: 2025 price list." in page.summary.text()
    qtbot.waitUntil(lambda: all(row.received == row.assets - 1  # all but the expired one
                                for row in page.progress.rows()))
    window.undo_stack.undo()
    assert AssetShare.live().count() == before


def test_the_search_box_is_a_line_edit_with_its_accessible_name(tab):
    assert isinstance(tab.search, QLineEdit)
    assert tab.search.accessibleName() == "Search assets"


def test_the_partners_tab_offers_share_assets_on_its_partner(window, world, qtbot):
    from channeldesk.features import parts

    partners = window.show_page("partners")
    partners.select_record(world.partners["bluebird"])
    (_feature, provider), = [(f, p) for f, p in parts("partner_actions")
                            if f.key == "enablement"]
    share, = provider(partners)
    assert share.objectName() == "action-partner-share-assets"

    def fill(dialog) -> None:
        assert dialog.partners.checked() == [world.partners["bluebird"]]
        dialog.assets.list.item(0).setCheckState(Qt.CheckState.Checked)
        accept(dialog)
    before = AssetShare.live().count()
    when_open(fill)
    share.trigger()
    assert AssetShare.live().count() == before + 1
    window.undo_stack.undo()
    assert AssetShare.live().count() == before


def test_record_completion_asks_for_an_enrolled_person(tab, monkeypatch):
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: told.append(args[2]))
    tab.views.setCurrentWidget(tab.courses_page)
    tab.courses_page.record_completion()
    assert told and told[0].startswith("Select someone who is enrolled")


def test_a_file_dropped_on_the_detail_pane_is_a_new_version(tab, window, world, qtbot,
                                                            tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    tab.select_record(world.assets["card"])
    card = tmp_path / "battlecard v2.pdf"
    card.write_bytes(b"%PDF battlecard, second edition")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(card))])
    centre = tab.detail.mapTo(tab, tab.detail.rect().center())

    def fill(dialog) -> None:
        assert dialog.objectName() == "version-dialog"
        assert dialog.source() == card
        dialog.section.note.setPlainText("Second edition")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    when_open(fill)
    with qtbot.waitSignal(window.undo_stack.indexChanged, timeout=10_000):
        tab.dropEvent(QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime,
                                 Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    newest = tab.detail.versions.record(0)
    assert (newest.version_no, newest.file_name, newest.change_note) == (
        2, "battlecard v2.pdf", "Second edition")
