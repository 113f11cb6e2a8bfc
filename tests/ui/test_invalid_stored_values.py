"""One bad row never breaks a table, a tab, a PDF or a screenshot (issue 11, finding 1):
values an older version or an older server left behind read as invalid, logged once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from channeldesk.features import features

BAD_VALUES = """
UPDATE activity SET occurred_on = 'not-a-date' WHERE id = (SELECT min(id) FROM activity);
UPDATE partner SET tier = 'diamond<script>' WHERE id = (SELECT min(id) FROM partner);
UPDATE prospect SET employees = 'lots', annual_revenue_minor = '1e308',
    next_step_on = 'soon' WHERE id = (SELECT min(id) FROM prospect);
UPDATE plan_target SET target = '1e308', actual = 'lots'
    WHERE plan_id IN (SELECT id FROM business_plan);
UPDATE business_plan SET status = 'bogus' WHERE id = (SELECT min(id) FROM business_plan);
UPDATE asset SET published_on = 'someday', kind = 42 WHERE id = (SELECT min(id) FROM asset);
UPDATE onboarding_plan SET started_on = 'last spring'
    WHERE id = (SELECT min(id) FROM onboarding_plan WHERE deleted = 0);
"""


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_STATE_HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "channeldesk", *args], env=env,
                          capture_output=True, text=True, timeout=240, check=False)


@pytest.fixture
def damaged_demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite3"
    assert _run(tmp_path, "demo", "--db", str(path)).returncode == 0
    conn = sqlite3.connect(path)
    with conn:  # written as an older version did, past the journal
        conn.execute("INSERT INTO journal_mute (reason) VALUES ('older version')")
        for statement in BAD_VALUES.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("DELETE FROM journal_mute")
    conn.close()
    return path


def test_tabs_screenshots_and_exports_survive_invalid_stored_values(tmp_path, damaged_demo):
    shots = _run(tmp_path, "-v", "screenshots", "--db", str(damaged_demo), "--size",
                 "1366x768", "--out", str(tmp_path / "shots"))
    assert shots.returncode == 0, shots.stderr[-2000:]  # was: SIGSEGV
    assert sorted(p.name for p in (tmp_path / "shots").iterdir()) == sorted(
        [f"{feature.key}.png" for feature in features() if feature.tab] + ["presentation-mode.png"])
    assert "Traceback" not in shots.stderr  # was: 88,303 exceptions in the Partners tab
    reported = [line for line in shots.stderr.splitlines()
                if "holds a value its rules do not allow" in line]
    assert reported and len(reported) == len(set(reported))  # once per column
    plans = _run(tmp_path, "export", "plans", "--db", str(damaged_demo), "--out",
                 str(tmp_path / "plans"))
    assert plans.returncode == 0, plans.stderr[-2000:]  # was: InvalidOperation
    assert len(list((tmp_path / "plans").glob("*.pdf"))) > 10
    prospects = _run(tmp_path, "export", "prospects", "--db", str(damaged_demo), "--out",
                     str(tmp_path / "prospects.csv"))
    assert prospects.returncode == 0, prospects.stderr[-2000:]


def test_packs_statements_and_the_calendar_survive_invalid_stored_values(tmp_path,
                                                                         damaged_demo):
    """The partner-facing exports read the same damaged rows: the plan whose status is
    'bogus', its targets of '1e308' and 'lots', a tier that is no tier."""
    conn = sqlite3.connect(damaged_demo)
    [damaged_partner] = conn.execute(
        "SELECT partner_id FROM business_plan WHERE status = 'bogus'").fetchone()
    [funded_partner] = conn.execute("SELECT min(partner_id) FROM claim").fetchone()
    conn.close()
    for partner in (damaged_partner, funded_partner):
        pack = tmp_path / f"pack-{partner}.pdf"
        done = _run(tmp_path, "export", "pack", "--db", str(damaged_demo), "--partner",
                    partner, "--period", "FY2026", "--out", str(pack))
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Traceback" not in done.stderr
        assert pack.read_bytes().startswith(b"%PDF")
    statement = _run(tmp_path, "export", "statement", "--db", str(damaged_demo), "--partner",
                     funded_partner, "--period", "FY2026", "--out", str(tmp_path / "st.pdf"))
    assert statement.returncode == 0, statement.stderr[-2000:]
    calendar = _run(tmp_path, "export", "calendar", "--db", str(damaged_demo), "--out",
                    str(tmp_path / "deadlines.ics"))
    assert calendar.returncode == 0, calendar.stderr[-2000:]
    assert (tmp_path / "deadlines.ics").read_text().startswith("BEGIN:VCALENDAR")


DAMAGED_RECORDS = {  # tab → the record of it BAD_VALUES damaged, and the cell that shows it
    "partners": ("SELECT min(id) FROM partner", "tier"),
    "prospects": ("SELECT min(id) FROM prospect", "employees"),
    "plans": ("SELECT min(id) FROM business_plan", "status"),
    "enablement": ("SELECT min(id) FROM asset", "published_on"),
    "onboarding": ("SELECT min(id) FROM onboarding_plan WHERE deleted = 0", "days"),
}


def test_each_tab_marks_and_opens_its_damaged_record(qtbot, tmp_path, damaged_demo):
    """Every damaged record is listed with "(invalid)" in the damaged cell, and selecting
    it fills the detail pane without an exception (pytest-qt fails on one)."""
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QLabel

    from channeldesk.app import create_main_window
    from channeldesk.store.invalid_values import INVALID_TEXT

    conn = sqlite3.connect(damaged_demo)
    wanted = {tab: (conn.execute(sql).fetchone()[0], cell)
              for tab, (sql, cell) in DAMAGED_RECORDS.items()}
    [logged_partner] = conn.execute(
        "SELECT partner_id FROM activity WHERE occurred_on = 'not-a-date'").fetchone()
    conn.close()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = create_main_window(damaged_demo, settings)
    qtbot.addWidget(window)
    window.show()
    for tab, (record_id, cell) in wanted.items():
        page = window.show_page(tab)
        qtbot.waitUntil(lambda page=page: page.model.rowCount() > 0)
        page.search.clear()
        row = page.model.row_of(record_id)
        assert row is not None, tab
        shown = page.model.data(page.model.index(row, page.model.column_index(cell)))
        assert shown == INVALID_TEXT, (tab, cell, shown)
        page.select_row(row)
        qtbot.wait(50)
        page.grab()
    partners = window.show_page("partners")
    damaged_partner = wanted["partners"][0]
    partners.select_row(partners.model.row_of(damaged_partner))
    qtbot.waitUntil(lambda: partners.detail.partner_id == damaged_partner)
    subtitle = partners.detail.findChild(QLabel, "partner-subtitle")
    assert subtitle.text().startswith(f"diamond<script> {INVALID_TEXT} · ")  # not a tier
    assert subtitle.textFormat() == Qt.TextFormat.PlainText and "tier" in subtitle.toolTip()
    title = partners.detail.findChild(QLabel, "partner-title")
    assert title.textFormat() == Qt.TextFormat.PlainText  # a name like "<b>…" stays text
    partners.select_row(partners.model.row_of(logged_partner))
    qtbot.waitUntil(lambda: partners.detail.partner_id == logged_partner)
    log = partners.detail.activities
    assert INVALID_TEXT in [log.data(log.index(n, 0)) for n in range(log.rowCount())]
