"""The command line finds a partner as the app's search does: "lodz" is "Łódź"
(issue 12, finding 10)."""

from __future__ import annotations

import pytest
from plan_samples import add_partner, add_plan
from pypdf import PdfReader

from channeldesk import cli
from channeldesk.store import open_store


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def test_export_finds_a_partner_without_its_accents(tmp_path, capsys):
    db = tmp_path / "plans.sqlite3"
    store = open_store(db)
    try:
        add_plan(store, add_partner(store, "Łódź Systemy Sp. z o.o."))
        add_partner(store, "Zürich IT")
    finally:
        store.close()
    out = tmp_path / "plan.pdf"
    assert cli.main(["export", "plan", "--db", str(db), "--partner", "lodz",
                     "--out", str(out)]) == 0
    assert "of Łódź Systemy Sp. z o.o." in capsys.readouterr().out
    assert "Łódź Systemy" in PdfReader(out).pages[0].extract_text()
    assert cli.main(["plan", "new", "--db", str(db), "ZURICH", "FY2027",
                     "--currency", "CHF"]) == 0
    assert "Created the FY2027 plan of Zürich IT" in capsys.readouterr().out
