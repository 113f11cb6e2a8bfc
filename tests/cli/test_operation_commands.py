"""`channeldesk prospect move` and `channeldesk plan copy`: the app's operations from the
command line, run in-process: what was written, one-line refusals, exit codes."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from plan_samples import add_partner, add_plan

from channeldesk.cli import commands as cli
from channeldesk.store import open_store
from channeldesk.store.models import BusinessPlan, Change, PlanTarget, Prospect, ProspectStageChange


@pytest.fixture(autouse=True)
def own_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "cam.sqlite3"
    store = open_store(path)
    try:
        with store.transaction():
            for company in ("Acme Retail", "Acme Retail Group", "Łódź Care"):
                store.insert(Prospect, {"company": company})
        add_plan(store, add_partner(store, "Acadia Cloud"), period="FY2026")
        add_partner(store, "Acadia Systems")
    finally:
        store.close()
    return path


def run(*args: str) -> int:
    return cli.main(list(args))


def read(db: Path, query):
    store = open_store(db)
    try:
        return query()
    finally:
        store.close()


def journal(db: Path) -> int:
    return read(db, lambda: Change.select().count())


def test_prospect_move_writes_the_stage_and_its_history(db, capsys):
    assert run("prospect", "move", "lodz care", "Qualified", "--db", str(db)) == 0
    assert capsys.readouterr().out.strip() == "Moved Łódź Care from Identified to Qualified."
    stage, history = read(db, lambda: (
        Prospect.get(Prospect.company == "Łódź Care").stage,
        [(c.from_stage, c.to_stage, bool(c.changed_by)) for c in ProspectStageChange.live()]))
    assert stage == "qualified" and history == [("identified", "qualified", True)]


def test_prospect_move_to_lost_needs_a_reason(db, capsys):
    before = journal(db)
    assert run("prospect", "move", "Acme Retail", "lost", "--db", str(db)) == 2
    err = capsys.readouterr().err.strip()
    assert err == "Acme Retail: Say why the prospect was lost. Nothing was changed."
    assert journal(db) == before
    assert run("prospect", "move", "Acme Retail", "lost", "--reason", "No budget",
               "--db", str(db)) == 0
    assert "to Lost (No budget)." in capsys.readouterr().out
    assert read(db, lambda: Prospect.get(Prospect.company == "Acme Retail").lost_reason) \
        == "No budget"


def test_prospect_move_refusals_are_one_line_and_change_nothing(db, capsys):
    before = journal(db)
    assert run("prospect", "move", "acme", "qualified", "--db", str(db)) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("'acme' matches 2 prospects: Acme Retail (")
    assert "Acme Retail Group (" in err
    assert run("prospect", "move", "Nobody", "qualified", "--db", str(db)) == 2
    assert "No prospect matches 'Nobody'" in capsys.readouterr().err
    assert run("prospect", "move", "Acme Retail", "banana", "--db", str(db)) == 2
    assert capsys.readouterr().err.strip() == (
        "'banana' is not a pipeline stage. Use one of: identified, contacted, qualified, "
        "proposal, negotiation, signed, lost.")
    assert run("prospect", "move", "Acme Retail", "identified", "--db", str(db)) == 2
    assert "already identified" in capsys.readouterr().err
    assert journal(db) == before


def test_prospect_move_on_a_bad_database_is_exit_3(tmp_path, capsys):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    assert run("prospect", "move", "Acme", "qualified", "--db", str(bad)) == 3
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_prospect_move_on_a_locked_database_is_exit_3(db, capsys, monkeypatch):
    from channeldesk.store import probe

    monkeypatch.setattr(probe, "BUSY_TIMEOUT_S", 0.2, raising=False)
    holder = sqlite3.connect(db, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert run("prospect", "move", "Acme Retail", "qualified", "--db", str(db)) == 3
    finally:
        holder.rollback()
        holder.close()
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert read(db, lambda: Prospect.get(Prospect.company == "Acme Retail").stage) \
        == "identified"


def test_plan_copy_starts_next_period(db, capsys):
    assert run("plan", "copy", "Acadia Cloud", "fy2026", "--db", str(db)) == 0
    assert capsys.readouterr().out.startswith(
        "Copied the FY2026 plan of Acadia Cloud to FY2027")
    periods, actuals = read(db, lambda: (
        sorted(p.period for p in BusinessPlan.live()),
        {t.actual for t in PlanTarget.live().join(BusinessPlan).where(
            BusinessPlan.period == "FY2027")}))
    assert periods == ["FY2026", "FY2027"] and actuals == {None}


def test_plan_copy_refusals(db, capsys):
    before = journal(db)
    assert run("plan", "copy", "Acadia", "FY2026", "--db", str(db)) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("'Acadia' matches 2 partners: Acadia Cloud (")
    assert run("plan", "copy", "Nobody", "FY2026", "--db", str(db)) == 2
    assert "No partner matches 'Nobody'" in capsys.readouterr().err
    assert run("plan", "copy", "Acadia Cloud", "FY2030", "--db", str(db)) == 2
    assert capsys.readouterr().err.strip() == (
        "Acadia Cloud has no plan for FY2030; it has plans for FY2026.")
    assert run("plan", "copy", "Acadia Cloud", "someday", "--db", str(db)) == 2
    assert "'someday' is not a period" in capsys.readouterr().err
    assert journal(db) == before
    assert run("plan", "copy", "Acadia Cloud", "FY2026", "--db", str(db)) == 0
    capsys.readouterr()
    assert run("plan", "copy", "Acadia Cloud", "FY2026", "--db", str(db)) == 2
    assert capsys.readouterr().err.strip() == (
        "Acadia Cloud already has a plan for FY2027. Nothing was changed.")


def test_prospect_and_plan_need_an_action(db, capsys):
    assert run("prospect", "--db", str(db)) == 2
    assert "ACTION" in capsys.readouterr().err
    assert run("plan", "--db", str(db)) == 2


@pytest.mark.parametrize("module", ["registry", "database", "sync", "prospects", "plans",
                                    "commands"])
def test_each_cli_module_imports_first_without_a_cycle(module):
    """A feature's commands never import commands.py, so any of them can load first."""
    result = subprocess.run([sys.executable, "-c", f"import channeldesk.cli.{module}"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


def test_plan_new_creates_a_draft_with_signature_lines(db, capsys):
    assert run("plan", "new", "Acadia Systems", "2027-h1", "--currency", "usd",
               "--db", str(db)) == 0
    assert capsys.readouterr().out.strip() == (
        "Created the 2027-H1 plan of Acadia Systems (a draft in USD).")
    plan = read(db, lambda: [(p.period, p.status, p.currency, len(list(p.signatures)))
                             for p in BusinessPlan.live().where(BusinessPlan.period == "2027-H1")])
    assert plan == [("2027-H1", "draft", "USD", 2)]
    before = journal(db)
    assert run("plan", "new", "Acadia Systems", "2027-H1", "--db", str(db)) == 2
    assert capsys.readouterr().err.strip() == (
        "Acadia Systems already has a plan for 2027-H1. Nothing was changed.")
    assert run("plan", "new", "Acadia Systems", "FY2028", "--currency", "EURO",
               "--db", str(db)) == 2
    assert "'EURO' is not a currency code" in capsys.readouterr().err
    assert journal(db) == before
