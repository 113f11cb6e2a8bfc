"""The window around the tabs: models, remembered state, About, empty state, demo data."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QPushButton

from channeldesk import __version__
from channeldesk.app import create_main_window
from channeldesk.services.health_check import check_database
from channeldesk.store.models import Partner


def test_every_table_model_passes_the_model_tester(window, qtbot, qtmodeltester):
    partners = window.page("partners")
    qtmodeltester.check(partners.model)
    northwind = partners.model.ids()[partners.model.rowCount() - 1]
    partners.detail.show_partner(northwind)
    qtmodeltester.check(partners.detail.contacts)
    qtmodeltester.check(partners.detail.activities)
    window.presentation.set_on(True)
    qtmodeltester.check(partners.detail.activities)


def test_tabs_and_tables_have_stable_object_names(window):
    partners = window.page("partners")
    assert window.findChild(type(partners), "tab-partners") is partners
    for name in ("partners-table", "partners-search", "contacts-table", "activities-table"):
        assert window.findChild(object, name) is not None, name


def test_window_size_splitter_and_columns_are_remembered(qtbot, seeded_db, settings):
    path, _ = seeded_db
    first = create_main_window(path, settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(760, 540)  # within the offscreen screen, which caps window sizes
    first.page("partners").splitter.setSizes([450, 300])
    first.page("partners").table.setColumnWidth(0, 333)
    qtbot.wait(10)
    size, splitter = (first.width(), first.height()), first.page("partners").splitter.sizes()
    first.close()

    again = create_main_window(path, QSettings(settings.fileName(), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.show()
    assert again.height() == size[1] == 540  # (the width is held at the layout's minimum)
    assert again.page("partners").table.columnWidth(0) == 333
    assert again.page("partners").splitter.sizes() == splitter
    again.close()


def test_about_names_version_database_and_schema(window):
    text = window.about_text()
    assert __version__ in text
    assert str(window.store.path) in text
    assert f"Schema version: {window.store.schema_version}" in text


def test_empty_database_offers_demo_data_which_loads_in_the_background(
        qtbot, db_path, settings):
    window = create_main_window(db_path, settings)
    qtbot.addWidget(window)
    window.show()
    first = window.findChild(QLabel, "dashboard-empty-title")
    assert first.isVisible() and "Nothing to measure yet" in first.text()
    assert window.findChild(QPushButton, "dashboard-load-demo").isVisible()
    window.show_page("partners")
    title = window.findChild(QLabel, "partners-empty-title")
    qtbot.waitUntil(title.isVisible, timeout=2000)
    assert "No partners yet" in title.text()
    demo = window.findChild(QPushButton, "partners-load-demo")
    assert demo.isVisible()

    demo.click()
    qtbot.waitUntil(lambda: window.page("partners").model.rowCount() >= 40, timeout=20_000)
    assert not title.isVisible()
    assert Partner.select().count() == window.page("partners").model.rowCount()
    window.close()


def test_demo_data_on_a_database_with_partners_asks_first(window, monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: asked.append(args[2])
                        or QMessageBox.StandardButton.No)
    before = Partner.select().count()
    window.demo_action.trigger()
    assert "already holds partners" in asked[0]
    assert Partner.select().count() == before


def test_back_up_from_the_file_menu_writes_a_healthy_copy(window, qtbot, tmp_path,
                                                          monkeypatch):
    target = tmp_path / "copy.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), ""))
    window.findChild(QAction, "action-backup").trigger()
    qtbot.waitUntil(target.exists, timeout=10_000)
    qtbot.waitUntil(lambda: "Backed up" in window.statusBar().currentMessage())
    assert check_database(target).ok
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM partner").fetchone() == (3,)
    copy.close()
