"""``channeldesk --self-test`` covers every tab of the feature list, and a first start
offscreen or without a display never waits on a dialog nobody can see."""

from __future__ import annotations

import os
import subprocess
import sys
import types

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from channeldesk import features as feature_list
from channeldesk.app import run_gui
from channeldesk.features import Feature
from channeldesk.self_test import run_self_test
from channeldesk.ui.widgets.feature_tab import FeatureTab


class ExtraTab(FeatureTab):
    """A tab another feature adds later: the self-test must open it without being told."""

    opened: list[str] = []  # noqa: RUF012 (a record shared by the test)

    def __init__(self, store, undo_stack, parent=None) -> None:
        super().__init__(store, undo_stack, "extra", parent)

    def select_first(self) -> None:
        ExtraTab.opened.append("extra")


class BrokenTab(ExtraTab):
    def select_first(self) -> None:
        raise RuntimeError("the broken tab's model failed")


@pytest.fixture
def extra_feature(monkeypatch):
    """Adds a feature with a tab to the feature list, as a later issue would."""
    module = types.ModuleType("self_test_extra_tabs")
    module.ExtraTab, module.BrokenTab = ExtraTab, BrokenTab
    monkeypatch.setitem(sys.modules, module.__name__, module)

    def add(class_name: str) -> None:
        extra = Feature("extra", "E&xtra", 95, tab=f"{module.__name__}:{class_name}")
        monkeypatch.setattr(feature_list, "FEATURES", (*feature_list.FEATURES, extra))

    ExtraTab.opened.clear()
    return add


def run_and_capture(qapp) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = run_self_test(lines.append)
    return code, lines


def test_self_test_opens_every_tab_of_the_feature_list_and_exports(qapp, extra_feature):
    extra_feature("ExtraTab")
    code, lines = run_and_capture(qapp)
    assert code == 0, "\n".join(lines)
    tabs = [f.title.replace("&", "") for f in feature_list.features() if f.tab]
    assert "Extra" in tabs
    for title in tabs:
        assert any(line.startswith(f"  ok   tab {title}") for line in lines), (title, lines)
    assert ExtraTab.opened == ["extra"]
    assert any(line.startswith("  ok   demo data: ") and " business plans" in line
               for line in lines)
    assert any(line.startswith("  ok   plan PDF: ") for line in lines)
    assert any(line.startswith("  ok   partner pack PDF: ") for line in lines)
    assert lines[-1].startswith("self-test passed")


def test_self_test_fails_when_a_tab_fails_and_still_runs_the_rest(qapp, extra_feature,
                                                                   caplog):
    extra_feature("BrokenTab")
    code, lines = run_and_capture(qapp)
    assert code == 1
    [failed] = [line for line in lines if line.startswith("  FAIL")]
    assert failed.startswith("  FAIL tab Extra: RuntimeError: the broken tab's model failed")
    # One line for the user, naming the log; the traceback is in the log, not the console.
    assert "\n" not in failed and "the traceback is in " in failed
    assert not any("Traceback" in line or 'File "' in line for line in lines)
    [record] = [r for r in caplog.records if "tab Extra" in r.getMessage()]
    assert record.exc_info and "the broken tab's model failed" in str(record.exc_info[1])
    assert any(line.startswith("  ok   partner pack PDF") for line in lines)
    assert lines[-1].startswith("self-test FAILED: 1 of ") and "tab Extra" in lines[-1]


def test_the_self_test_command_exits_0_from_the_command_line(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("QT_QPA_PLATFORM", None)  # the self-test goes offscreen by itself
    env.pop("DISPLAY", None)
    done = subprocess.run([sys.executable, "-m", "channeldesk", "--self-test"], env=env,
                          capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "self-test passed" in done.stdout
    assert not (tmp_path / "data" / "ChannelDesk").exists()  # the user's data untouched


def test_first_start_offscreen_shows_no_welcome_box_and_says_how_to_load_the_demo(
        qapp, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # the log file
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or
                        QMessageBox.StandardButton.No)
    monkeypatch.setattr(QApplication, "exec", lambda *a: 0)  # return at once, not the loop
    QTimer.singleShot(0, lambda: [w.close() for w in QApplication.topLevelWidgets()])
    path = tmp_path / "new.sqlite3"
    assert run_gui(path) == 0
    assert asked == []
    err = capsys.readouterr().err
    assert "no welcome dialog offscreen" in err and f"channeldesk demo --db '{path}'" in err
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    qapp.processEvents()  # the window's store closes with it
