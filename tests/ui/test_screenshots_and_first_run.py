"""`channeldesk screenshots` renders real PNGs; a first run offers the demo data."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox

from channeldesk.app import create_main_window, offer_demo_data
from channeldesk.store.models import Partner


def test_screenshots_command_renders_each_tab(tmp_path, seeded_db):
    path, _ = seeded_db
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_STATE_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "channeldesk", "screenshots", "--db", str(path),
         "--out", str(tmp_path / "shots")],
        env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    image = QImage(str(tmp_path / "shots" / "partners.png"))
    assert image.width() >= 1200 and image.height() >= 700
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37)
               for y in range(0, image.height(), 29)}
    assert len(colours) > 20  # a rendered window, not a blank canvas
    assert sorted(p.name for p in (tmp_path / "shots").iterdir()) == [
        "dashboard.png", "enablement.png", "incentives.png", "onboarding.png", "partners.png",
        "plans.png", "presentation-mode.png", "prospects.png"]


def test_first_run_offers_demo_data_and_loads_it_when_accepted(qtbot, db_path, settings,
                                                               monkeypatch):
    window = create_main_window(db_path, settings)
    qtbot.addWidget(window)
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: asked.append(args[2]) or
                        QMessageBox.StandardButton.Yes)
    offer_demo_data(window)
    assert "demo data" in asked[0] and str(db_path) in asked[0]
    qtbot.waitUntil(lambda: Partner.select().count() >= 40, timeout=20_000)
    window.close()


def test_screenshots_take_a_laptop_size_and_refuse_a_bad_one(tmp_path, seeded_db):
    path, _ = seeded_db
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_STATE_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "channeldesk", "screenshots", "--db", str(path),
               "--out", str(tmp_path / "shots")]
    result = subprocess.run([*command, "--size", "1366x768"], env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    image = QImage(str(tmp_path / "shots" / "prospects.png"))
    assert (image.width(), image.height()) == (1366, 768)
    refused = subprocess.run([*command, "--size", "big"], env=env, capture_output=True,
                             text=True, timeout=120, check=False)
    assert refused.returncode == 2 and "WIDTHxHEIGHT" in refused.stderr
