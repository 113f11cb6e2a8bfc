"""`channeldesk export plan|pack|plans`: files written, one-line errors, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from plan_samples import SECRETS, add_partner, add_plan
from pypdf import PdfReader

from channeldesk.cli import commands as cli
from channeldesk.store import open_store
from channeldesk.store.models import BusinessPlan, Partner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "plans.sqlite3"
    store = open_store(path)
    try:
        add_plan(store, add_partner(store, "Łódź Sp. z o.o."))
        add_plan(store, add_partner(store, "Acme North"), period="2026-H2")
        add_partner(store, "Acme South")
        add_partner(store, "No Plan AG")
    finally:
        store.close()
    return path


def run(*args: str) -> int:
    return cli.main(list(args))


def test_export_plan_writes_the_pdf(db, tmp_path, capsys):
    out = tmp_path / "plan.pdf"
    assert run("export", "plan", "--db", str(db), "--partner", "łódź", "--out", str(out)) == 0
    assert "Wrote the FY2026 plan of Łódź Sp. z o.o." in capsys.readouterr().out
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Łódź Sp. z o.o." in text and not any(s in text for s in SECRETS)


def test_export_plan_for_a_period_and_by_id(db, tmp_path, capsys):
    store = open_store(db)
    try:
        partner_id = Partner.get(Partner.name == "Acme North").id
    finally:
        store.close()
    out = tmp_path / "h2.pdf"
    assert run("export", "plan", "--db", str(db), "--partner", partner_id, "--period",
               "2026-h2", "--out", str(out)) == 0
    assert "Second half of 2026" in PdfReader(out).pages[0].extract_text()


def test_ambiguous_name_lists_the_partners_and_asks_for_the_id(db, tmp_path, capsys):
    code = run("export", "pack", "--db", str(db), "--partner", "acme", "--out",
               str(tmp_path / "p.pdf"))
    err = capsys.readouterr().err
    assert code == 2
    assert "'acme' matches 2 partners" in err and "Acme North" in err and "Acme South" in err
    assert "--partner set to one of these ids" in err
    assert not (tmp_path / "p.pdf").exists()


@pytest.mark.parametrize(("partner", "extra", "message"), [
    ("No Plan", [], "No Plan AG has no business plan yet"),
    ("Nobody", [], "No partner matches 'Nobody'"),
    ("Łódź", ["--period", "2025-Q1"], "has no plan for 2025-Q1; it has plans for FY2026"),
    ("Łódź", ["--period", "next year"], "is not a period"),
])
def test_refusals_exit_2_with_one_line(db, tmp_path, capsys, partner, extra, message):
    code = run("export", "plan", "--db", str(db), "--partner", partner, *extra, "--out",
               str(tmp_path / "p.pdf"))
    assert code == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.glob("*.pdf")) == []


def test_bad_out_paths(db, tmp_path, capsys):
    assert run("export", "plan", "--db", str(db), "--partner", "Łódź", "--out",
               str(tmp_path / "missing" / "p.pdf")) == 2
    assert "does not exist" in capsys.readouterr().err
    assert run("export", "plan", "--db", str(db), "--partner", "Łódź", "--out",
               str(tmp_path)) == 2
    assert "is a folder" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert run("export", "plans", "--db", str(db), "--out", str(tmp_path / "file")) == 2
    assert "is a file" in capsys.readouterr().err


def test_unwritable_out_folder(db, read_only_folder, capsys):
    code = run("export", "plan", "--db", str(db), "--partner", "Łódź", "--out",
               str(read_only_folder / "plan.pdf"))
    assert code == 2
    assert "cannot write" in capsys.readouterr().err.lower()
    assert not (read_only_folder / "plan.pdf").exists()


def test_missing_database_exit_3(tmp_path, capsys):
    (tmp_path / "broken.sqlite3").write_bytes(b"not a database at all" * 100)
    assert run("export", "plan", "--db", str(tmp_path / "broken.sqlite3"), "--partner",
               "x", "--out", str(tmp_path / "p.pdf")) == 3


def test_export_without_kind_is_a_usage_error(db, capsys):
    assert run("export", "--db", str(db)) == 2
    assert "KIND" in capsys.readouterr().err


def test_export_plans_as_a_real_command(db, tmp_path):
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_STATE_HOME": str(tmp_path / "state")}
    result = subprocess.run(
        [sys.executable, "-m", "channeldesk", "export", "plans", "--db", str(db), "--out",
         str(tmp_path / "all"), "--jobs", "2"],
        env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "Wrote 2 plan PDFs" in result.stdout
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [
        "Acme North - 2026-H2.pdf", "Łódź Sp. z o.o. - FY2026.pdf"]


def test_branding_file_sets_the_vendor(db, tmp_path, capsys):
    settings = tmp_path / "brand.json"
    settings.write_text('{"vendor_name": "Ωmega Vendor", "brand_colour": "#7B341E", '
                        '"logo": "no-such-logo.png"}', encoding="utf-8")
    out = tmp_path / "plan.pdf"
    assert run("export", "plan", "--db", str(db), "--partner", "Łódź", "--out", str(out),
               "--branding", str(settings)) == 0
    assert "vendor logo" in capsys.readouterr().err
    assert "Ωmega Vendor" in PdfReader(out).pages[0].extract_text()
    settings.write_text('{"brand_colour": "blue"}')
    assert run("export", "plan", "--db", str(db), "--partner", "Łódź", "--out", str(out),
               "--branding", str(settings)) == 2
    assert "is not a colour" in capsys.readouterr().err


def test_plan_rows_are_untouched_by_an_export(db, tmp_path):
    store = open_store(db)
    before = [(p.id, p.updated_at) for p in BusinessPlan.select()]
    store.close()
    run("export", "plans", "--db", str(db), "--out", str(tmp_path / "all"), "--quiet")
    store = open_store(db)
    try:
        assert [(p.id, p.updated_at) for p in BusinessPlan.select()] == before
    finally:
        store.close()


@pytest.mark.parametrize("kind", ["plan", "pack"])
def test_text_the_font_cannot_print_is_written_with_a_warning(db, tmp_path, capsys, kind):
    store = open_store(db)
    try:
        add_plan(store, add_partner(store, "ሰላም ቴክኖሎጂ", country="Ethiopia"))  # no font has Ethiopic
    finally:
        store.close()
    out = tmp_path / "thai.pdf"
    assert run("export", kind, "--db", str(db), "--partner", "ቴክኖ", "--out", str(out)) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "cannot be printed with the PDF's font" in err
    assert "ሰ" in err and out.exists()
    # Printable scripts give no warning.
    assert run("export", kind, "--db", str(db), "--partner", "łódź", "--out",
               str(tmp_path / "pl.pdf")) == 0
    assert "warning" not in capsys.readouterr().err
