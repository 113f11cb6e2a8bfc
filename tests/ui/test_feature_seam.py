"""The feature seam: the window is built from the feature list and names no feature, tabs
are built when first needed, every record tab shares its scaffolding."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMenu

from channeldesk.features import features, resolve
from channeldesk.settings import declared_options, option
from channeldesk.store.models import synced_models
from channeldesk.ui.shell.settings import Settings
from channeldesk.ui.shell.window_part import WindowPart
from channeldesk.ui.widgets.feature_tab import FeatureTab

SHELL = Path(__file__).resolve().parents[2] / "channeldesk" / "ui" / "shell"


def test_every_feature_part_resolves():
    for feature in features():
        if feature.tab:
            assert issubclass(resolve(feature.tab), FeatureTab), feature.key
        if feature.window_part:
            assert issubclass(resolve(feature.window_part), WindowPart), feature.key
        for name in ("demo", "deadlines", "search", "cli"):
            if getattr(feature, name):
                assert callable(resolve(getattr(feature, name))), (feature.key, name)
        for module in feature.pdf_sections:
            assert resolve(module) is not None


def test_the_shell_names_no_feature():
    text = (SHELL / "main_window.py").read_text(encoding="utf-8")
    for feature in features():
        assert f'"{feature.key}"' not in text, feature.key
        assert feature.key.capitalize() + "Tab" not in text, feature.key


def test_the_conflicts_view_names_no_table():
    text = (SHELL.parent / "sync" / "conflicts_model.py").read_text(encoding="utf-8")
    for model in synced_models():
        table = model._meta.table_name
        assert f'"{table}"' not in text and f"'{table}'" not in text, table


def test_tabs_follow_the_feature_list_and_only_the_first_is_built(qtbot, seeded_db,
                                                                    tmp_path):
    from PySide6.QtCore import QSettings

    from channeldesk.app import create_main_window

    fresh = QSettings(str(tmp_path / "fresh.ini"), QSettings.Format.IniFormat)
    window = create_main_window(seeded_db[0], fresh)  # nothing remembered: the first tab
    qtbot.addWidget(window)
    window.show()
    keys = [f.key for f in features() if f.tab]
    names = [window.tabs.widget(n).objectName() for n in range(window.tabs.count())]
    assert names == [f"slot-{key}" for key in keys]
    first = next(f.key for f in features() if f.opens_first)
    assert window.tabs.currentWidget().objectName() == f"slot-{first}"
    assert [page.key for page in window.built_pages()] == [first]
    window.close()


def test_a_feature_menu_builds_its_tab_and_lists_its_actions(window):
    menu = window.findChild(QMenu, "menu-prospects")
    assert "prospects" not in [page.key for page in window.built_pages()]
    menu.aboutToShow.emit()
    assert "prospects" in [page.key for page in window.built_pages()]
    assert "action-prospect-move" in [action.objectName() for action in menu.actions()]


def test_the_file_menu_lists_each_tabs_import_and_export(window):
    window.show_page("plans")  # built before the prospects: the menu keeps feature order
    window.file_menu.aboutToShow.emit()
    names = [action.objectName() for action in window.file_menu.actions()]
    assert {"action-import-prospects", "action-export-plan", "action-sync-now"} <= set(names)
    assert names.index("action-import-prospects") < names.index("action-export-plan") \
        < names.index("action-sync-now") < names.index("action-quit")


def test_presentation_mode_reaches_a_tab_built_later(window):
    window.presentation.set_on(True)
    assert not window.page("plans")._show_internal


def test_down_in_the_search_box_goes_to_the_first_match(window, qtbot):
    tab = window.page("partners")
    names = [tab.model.data(tab.model.index(row, 0)) for row in range(tab.model.rowCount())]
    tab.select_row(names.index("Łódź Systemy Sp. z o.o."))  # in Poland: not a match
    tab.focus_search()
    qtbot.keyClicks(tab.search, "germany")  # two of three; the selected one is not
    qtbot.keyClick(tab.search, Qt.Key.Key_Down)  # applies the search at once
    assert tab.model.rowCount() == 2
    assert tab.current_id() == tab.model.id_at(0)
    assert tab.table.hasFocus()


def test_a_single_match_is_selected(window, qtbot):
    tab = window.page("partners")
    tab.search.setText("blue ridge")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert tab.detail.partner_id == tab.model.id_at(0)


def test_the_last_tab_is_opened_again(qtbot, seeded_db, settings):
    from channeldesk.app import create_main_window

    first = create_main_window(seeded_db[0], settings)
    qtbot.addWidget(first)
    first.show_page("plans")
    first.close()
    again = create_main_window(seeded_db[0], QSettings(settings.fileName(),
                                                       QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    assert again.current_page().key == "plans"
    again.close()


def test_options_are_declared_once_and_read_typed(tmp_path):
    keys = [o.key for o in declared_options()]
    assert len(keys) == len(set(keys))
    store = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    flag = option("test/flag", bool, False, "A test flag")
    count = option("test/count", int, 3, "A test number")
    assert store.get(flag) is False and store.get(count) == 3
    store.set(flag, True)
    store.set(count, 7)
    store.sync()
    again = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert again.get(flag) is True and again.get(count) == 7
    again.qsettings.setValue("test/count", "lots")  # a hand-edited file
    assert again.get(count) == 3
