"""`channeldesk export calendar`: an .ics of every deadline, one-line errors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from icalendar import Calendar

from channeldesk.cli import commands as cli
from channeldesk.store import open_store
from channeldesk.store.models import Prospect


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "calendar.sqlite3"
    store = open_store(path)
    for offset in (-5, 2, 40, 500):
        store.insert(Prospect, {"company": f"Due {offset}", "stage": "contacted",
                                "next_step": "Call", "next_step_on":
                                date.today() + timedelta(days=offset)})
    store.close()
    return path


def test_the_calendar_holds_what_is_due_in_the_window_asked(db, tmp_path, capsys):
    out = tmp_path / "deadlines.ics"
    assert cli.main(["export", "calendar", "--db", str(db), "--out", str(out),
                     "--days", "60"]) == 0
    assert "Wrote 3 deadlines" in capsys.readouterr().out
    summaries = sorted(str(e["SUMMARY"]) for e in
                       Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    assert summaries == ["Call — Due -5", "Call — Due 2", "Call — Due 40"]


def test_a_folder_or_a_negative_window_is_refused_in_one_line(db, tmp_path, capsys):
    assert cli.main(["export", "calendar", "--db", str(db), "--out", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert cli.main(["export", "calendar", "--db", str(db), "--out",
                     str(tmp_path / "x.ics"), "--days", "-1"]) == 2
    assert "cannot be negative" in capsys.readouterr().err
    assert not (tmp_path / "x.ics").exists()
