"""The fund statement (its own PDF and its section of the partner pack) and the finance
CSVs, built from a real database and read back: exact figures, nothing internal, formula
cells neutralised; plus the deadline, search and plan-actual hooks."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date

import pytest
from incentive_samples import TODAY, claim_in, funded_partner
from PIL import Image
from plan_samples import add_plan
from pypdf import PdfReader

from channeldesk.services import incentive_export
from channeldesk.services import incentive_operations as ops
from channeldesk.services.lookups import deadlines_between, search_texts
from channeldesk.services.pdf.branding import load_branding
from channeldesk.services.plan_export import ExportError, export_pack
from channeldesk.store.incentive_lookups import actual as mdf_paid


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def quarter(store):
    program, partner = funded_partner(store, 10_000_00)
    claim_in(store, program, partner, reserve=4_000_00, claim=3_500_00, approve=3_000_00,
             pays=(1_000_00,), title="Spring roadshow")
    claim_in(store, program, partner, reserve=2_000_00, title="=HYPERLINK(\"x\")")
    return program, partner


def test_the_statement_pdf_adds_up_to_the_cent_and_shows_nothing_internal(store, quarter,
                                                                          tmp_path):
    out = tmp_path / "statement.pdf"
    statement = incentive_export.export_statement(store, "Acadia", "FY2026", out,
                                                  load_branding(), TODAY)
    [program] = statement.programs
    assert program.closing.as_dict()["available"] == 10_000_00 - 2_000_00 - 2_000_00 - 1_000_00
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    for expected in ("Fund statement", "Acadia Cloud", "EMEA MDF 2026 (MDF)", "€5,000.00",
                     "€10,000.00", "Spring roadshow", "80.00×", "Reserved"):
        assert expected in text
    assert "SECRET" not in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "30", str(out), str(tmp_path / "p")],
                       check=True)
        for image in sorted(tmp_path.glob("p-*.png")):
            assert Image.open(image).convert("L").getextrema()[0] < 128
    with pytest.raises(ExportError, match="not a period"):
        incentive_export.export_statement(store, "Acadia", "soon", out)


def test_the_partner_pack_carries_the_fund_statement_section(store, quarter, tmp_path):
    _program, partner = quarter
    add_plan(store, partner)
    export_pack(store, "Acadia", None, tmp_path / "pack.pdf", load_branding(),
                date(2026, 11, 27))
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "pack.pdf").pages)
    assert "Fund statement" in text and "Spring roadshow" in text


def test_finance_csvs_hold_every_claim_and_entry_with_formulas_neutralised(store, quarter,
                                                                        tmp_path):
    claims = list(csv.reader(io.StringIO(incentive_export.csv_text(store, "claims"))))
    assert claims[0][:3] == ["Claim id", "Title", "Partner"] and len(claims) == 3
    titles = {row[1] for row in claims[1:]}
    assert titles == {"Spring roadshow", "'=HYPERLINK(\"x\")"}
    roadshow = next(row for row in claims if row[1] == "Spring roadshow")
    assert roadshow[7:11] == ["4000.00", "3500.00", "3000.00", "1000.00"]
    ledger = list(csv.reader(io.StringIO(incentive_export.csv_text(store, "ledger"))))
    # header, the allocation, the roadshow's reserve/claim/approve/pay, the other's reserve
    assert len(ledger) == 1 + 1 + 4 + 1
    assert incentive_export.neutralise("-1+1") == "'-1+1"
    assert incentive_export.neutralise("\tx") == "'\tx"
    written = incentive_export.write_csv(store, "ledger", tmp_path / "ledger.csv")
    assert written == len(ledger) - 1
    assert (tmp_path / "ledger.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_deadlines_search_and_the_mdf_actual_of_plans(store, quarter):
    _program, partner = quarter
    found = [d for d in deadlines_between(store.db, date(2026, 4, 1), date(2027, 1, 31))
             if d.feature == "incentives"]
    kinds = {d.kind for d in found}
    assert kinds == {"Claim due", "Pre-approval expires", "Funds expire"}
    assert any(d.title == "EMEA MDF 2026" and d.due_on == date(2026, 12, 31) for d in found)
    texts = [t for t in search_texts(store.db) if t.feature == "incentives"]
    assert any("Spring roadshow" in t.text and "Acadia Cloud" in t.text for t in texts)
    assert mdf_paid(store.db, partner, "mdf_spend", date(2026, 1, 1),
                    date(2026, 12, 31)) == 1_000_00
    assert mdf_paid(store.db, partner, "mdf_spend", date(2025, 1, 1),
                    date(2025, 12, 31)) == 0
    assert ops.step_row_id("a", 1, "ledger") == ops.step_row_id("a", 1, "ledger")


def test_a_plans_mdf_spend_target_shows_what_was_paid_in_the_plans_currency(store, quarter):
    from plan_samples import add_plan

    from channeldesk.store.plan_queries import actual_source_name, load_plan_document

    _program, partner = quarter
    eur = add_plan(store, partner, currency="EUR",
                   targets=[("mdf_spend", "", 5_000_00, 1), ("revenue", "", 100, 50)])
    lines = {line.metric: line for line in load_plan_document(eur).targets}
    assert lines["mdf_spend"].actual == 1_000_00  # measured, not the typed-in 1
    assert lines["revenue"].actual == 50  # typed in: nothing measures revenue
    assert actual_source_name("mdf_spend") == "Incentives"
    jpy = add_plan(store, partner, period="FY2027", currency="JPY",
                   targets=[("mdf_spend", "", 500_000, None)])
    lines = {line.metric: line for line in load_plan_document(jpy).targets}
    assert lines["mdf_spend"].actual is None  # no yen fund: EUR payments are not yen


def test_a_past_periods_pack_states_that_periods_funds(store, quarter, tmp_path):
    """A FY2025 pack exported in 2026 shows FY2025's statement, not this year's."""
    from incentive_samples import add_program
    _program, partner = quarter
    old = add_program(store, "EMEA MDF 2025", period="FY2025")
    ops.allocate_funds(store, ops.AllocationRequest(old, partner, 7_500_00,
                                                     date(2025, 12, 31)), "Sam",
                       date(2025, 3, 1))
    add_plan(store, partner, period="FY2025", targets=[])
    export_pack(store, "Acadia", "FY2025", tmp_path / "pack.pdf", load_branding(),
                date(2026, 11, 27))
    pages = [p.extract_text() for p in PdfReader(tmp_path / "pack.pdf").pages]
    statement = next(page for page in pages if "\nFund statement\nAcadia Cloud · " in page)
    assert "Acadia Cloud · Fiscal year 2025 (1 Jan 2025 – 31 Dec 2025)" in statement
    assert "EMEA MDF 2025 (MDF)" in statement and "€7,500.00" in statement
    assert "Spring roadshow" not in statement and "EMEA MDF 2026" not in statement


def test_a_line_break_in_a_title_counts_as_one_row(store, quarter, tmp_path):
    program, partner = quarter
    claim_in(store, program, partner, reserve=500_00, title="Two\r\nlines")
    written = incentive_export.write_csv(store, "claims", tmp_path / "claims.csv")
    with (tmp_path / "claims.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert written == len(list(csv.DictReader(handle))) == 3


def test_the_table_the_export_and_the_statement_read_the_same_claim_sums(store, quarter,
                                                                         tmp_path):
    from channeldesk.store.incentive_queries import ClaimFilter, claim_ids, claim_rows, claim_sums
    sums = claim_sums(store.db)
    table = claim_rows(store.db, claim_ids(store.db, ClaimFilter()))
    exported = {row[0]: row for row in csv.reader(io.StringIO(
        incentive_export.csv_text(store, "claims")))}
    statement = incentive_export.export_statement(store, "Acadia", "FY2026",
                                                  tmp_path / "s.pdf", today=TODAY)
    stated = {claim.title: claim for claim in statement.programs[0].claims}
    for claim_id, row in table.items():
        totals = sums[claim_id]
        assert (row.claimed, row.approved, row.paid) == (totals.claimed, totals.approved,
                                                         totals.paid)
        assert exported[claim_id][8:11] == [f"{v / 100:.2f}" for v in
                                            (totals.claimed, totals.approved, totals.paid)]
        on_statement = stated[row.title]
        assert (on_statement.claimed, on_statement.approved, on_statement.paid) == (
            totals.claimed, totals.approved, totals.paid)
    assert sums[next(i for i, r in table.items() if r.title == "Spring roadshow")].paid == \
        1_000_00
