"""What a partner receives must be right (issue 12, the PDF half; issue 11's long text):
the pack for the period asked, money in every currency's minor unit, every script set in
a font that has it, headline figures that mean something, no filler, and long text that
never stops an export. Real database, real PDFs parsed back with pypdf and rasterised
with pdftoppm where layout matters."""

from __future__ import annotations

import shutil
import subprocess
import sys
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from plan_samples import add_engagement, add_partner, add_plan
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from channeldesk.domain.money import Money, compact_money, format_money
from channeldesk.domain.plan import MetricUnit, TargetLine, format_percent, headline
from channeldesk.services.pdf.branding import load_branding
from channeldesk.services.pdf.charts import balanced_columns, compact
from channeldesk.services.pdf.fonts import FILES, glyphs_of, register_fonts, visual_order
from channeldesk.services.plan_export import (
    ExportError,
    export_pack,
    export_plan,
    pack_period_for,
    pack_periods,
)
from channeldesk.store.models import Activity, Contact, PlanActivity, PlanCommitment, PlanTarget

TODAY = date(2026, 11, 27)

SCRIPTS = {
    "japanese": "株式会社さくらテクノロジー",
    "chinese": "北京云端科技有限公司",
    "korean": "서울테크 주식회사",
    "arabic": "شركة النور للتقنية",
    "hebrew": "חברת אור טכנולוגיות",
    "thai": "บริษัท ไทยเทค โซลูชั่น จำกัด",
    "greek": "Ελληνική Εταιρεία",
    "cyrillic": "ООО Москва",
    "mixed": "Nordic 北京 שלום Москва สวัสดี شركة",
}


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def branding():
    return load_branding()


def pages_of(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def flat(text: str) -> str:
    """Text compared by letters: presentation forms folded back (NFKC), spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def shows(name: str, page_text: str) -> bool:
    """The name is on the page, in logical or visual (right-to-left) order."""
    page = flat(page_text)
    return flat(name) in page or flat(visual_order(name)) in page \
        or flat(visual_order(name))[::-1] in page


def glyphs_missing(path: Path) -> list[tuple[str, str]]:
    """(font, character) for every character set in a font that has no glyph for it."""
    register_fonts()
    by_postscript = {}
    for name in FILES:
        face_name = pdfmetrics.getFont(name).face.name
        by_postscript[face_name.decode() if isinstance(face_name, bytes) else face_name] = name
    missing: list[tuple[str, str]] = []

    def visit(text, _cm, _tm, font_dict, _size):
        if not font_dict or not text.strip():
            return
        base = str(font_dict.get("/BaseFont", "")).lstrip("/").split("+")[-1]
        font = by_postscript.get(base)
        if font is None:
            missing.extend((base, char) for char in text if not char.isspace())
            return
        missing.extend((base, char) for char in text
                       if not char.isspace() and ord(char) not in glyphs_of(font))

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return missing


def rasterise(pdf: Path, out: Path, page: int) -> Image.Image:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(page), "-l", str(page),
                    str(pdf), str(out)], check=True)
    return Image.open(next(out.parent.glob(f"{out.name}-*{page}.png"))).convert("L")


# -- 2. the pack is for a period you choose -------------------------------------------------

def test_a_quarter_of_a_yearly_plan_gets_its_own_pack(store, tmp_path, branding):
    partner = add_partner(store, "Quarter Works GmbH")
    add_plan(store, partner)  # FY2026, revenue per quarter (Q3 has no actual yet)
    add_engagement(store, partner)  # QBR 3 Sep, meeting 8 Oct (shared), call 2 Nov (internal)
    pack, out = export_pack(store, "Quarter Works", None, tmp_path / "q3.pdf", branding,
                            TODAY, quarter="Q3")
    assert pack.period == "2026-Q3" and pack.plan.period == "FY2026"
    assert [key for key, _ in pack.engagement.per_month] == ["2026-07", "2026-08", "2026-09"]
    assert pack.engagement.last_qbr == date(2026, 9, 3)
    pages = pages_of(out)
    assert "QUARTERLY PARTNER REVIEW" in pages[0] and "Q3 2026" in pages[0]
    scorecard = next(page for page in pages if "Scorecard" in page and "Touchpoints" in page)
    assert "Targets for Q3 2026" in scorecard
    assert "€700,000" in scorecard  # Q3's revenue target, not the year's €1,800,000
    assert "Touchpoints in Q3 2026" in scorecard
    assert "Set for the whole of FY2026 only" in scorecard  # new customers, certified people


def test_a_yearly_pack_is_an_annual_review_over_the_plans_year(store, tmp_path, branding):
    partner = add_partner(store, "Annual Review BV")
    add_plan(store, partner, period="FY2025", status="archived",
             targets=[("revenue", "", 100_000_00, 120_000_00)])
    add_plan(store, partner, period="FY2026")
    pack, out = export_pack(store, "Annual Review", "FY2025", tmp_path / "fy.pdf", branding,
                            TODAY)
    assert pack.plan.period == "FY2025"
    # The touchpoints are counted over the plan's year, not the twelve months to today.
    assert pack.engagement.per_month[0][0] == "2025-01"
    assert pack.engagement.per_month[-1][0] == "2025-12"
    cover = pages_of(out)[0]
    assert "ANNUAL PARTNER REVIEW" in cover and "QUARTERLY" not in cover
    assert "Archived" in cover
    assert "1 of 1" in cover  # 120k of 100k revenue: met


def test_an_archived_plan_is_never_picked_silently(store, tmp_path, branding):
    partner = add_partner(store, "Old Plans Only SA")
    add_plan(store, partner, period="FY2025", status="archived")
    with pytest.raises(ExportError, match="archived"):
        export_pack(store, "Old Plans Only", None, tmp_path / "pack.pdf", branding, TODAY)
    assert not (tmp_path / "pack.pdf").exists()
    export_pack(store, "Old Plans Only", "FY2025", tmp_path / "pack.pdf", branding, TODAY)


def test_a_quarter_asked_as_a_period_finds_the_plan_holding_it(store, tmp_path, branding):
    partner = add_partner(store, "Holding Plan Ltd")
    add_plan(store, partner)
    pack, _ = export_pack(store, "Holding Plan", "2026-Q2", tmp_path / "q2.pdf", branding,
                          TODAY)
    assert (pack.plan.period, pack.period) == ("FY2026", "2026-Q2")
    assert pack.targets[0].target == 60_000_000 and pack.targets[0].actual == 61_000_000


def test_the_periods_a_chooser_offers(store):
    partner = add_partner(store, "Chooser Inc.")
    year = add_plan(store, partner)
    half = add_plan(store, partner, period="2027-H1", targets=[])
    assert [c.period for c in pack_periods(year)] == [
        "FY2026", "2026-H1", "2026-H2", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert pack_periods(year)[0].whole_plan and pack_periods(year)[0].label.endswith(
        "(whole plan)")
    assert [c.period for c in pack_periods(half)] == ["2027-H1", "2027-Q1", "2027-Q2"]
    assert pack_period_for(year, "q3") == "2026-Q3"
    assert pack_period_for(year, None) == "FY2026"
    with pytest.raises(ExportError, match="not inside the 2027-H1 plan"):
        pack_period_for(half, "Q3")


def test_cli_pack_takes_period_and_quarter(store, db_path, tmp_path):
    partner = add_partner(store, "Command Line Oy")
    add_plan(store, partner)
    store.close()
    out = tmp_path / "q1.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "channeldesk", "--db", str(db_path), "export", "pack",
         "--partner", "Command Line", "--period", "FY2026", "--quarter", "Q1",
         "--out", str(out)],
        capture_output=True, text=True, env=_env(tmp_path), timeout=120)
    assert result.returncode == 0, result.stderr
    assert "quarterly partner review" in result.stdout and "2026-Q1" in result.stdout
    assert "Q1 2026" in pages_of(out)[0]
    refused = subprocess.run(
        [sys.executable, "-m", "channeldesk", "--db", str(db_path), "export", "pack",
         "--partner", "Command Line", "--quarter", "Q5", "--out", str(out)],
        capture_output=True, text=True, env=_env(tmp_path), timeout=120)
    assert refused.returncode == 2 and "Q5" in refused.stderr


def _env(tmp_path: Path) -> dict[str, str]:
    import os

    return {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


# -- 3. money by ISO 4217 minor units in every section -----------------------------------

@pytest.mark.parametrize(("currency", "minor", "table", "chart"), [
    ("JPY", 50_000_000, "¥50,000,000", "¥100M"),     # no minor unit
    ("EUR", 50_000_000, "€500,000", "€1M"),          # cents
    ("KWD", 50_000_000, "50,000 KWD", "100k KWD"),   # 1,000 fils to a dinar
])
def test_money_in_every_section_follows_the_currency(store, tmp_path, branding, currency,
                                                      minor, table, chart):
    partner = add_partner(store, f"Money {currency} AG")
    add_plan(store, partner, currency=currency,
             targets=[("revenue", "2026-Q1", minor, minor // 2),
                      ("revenue", "2026-Q2", minor, None), ("new_customers", "", 4, 1)])
    add_engagement(store, partner)
    export_plan(store, f"Money {currency}", None, tmp_path / "plan.pdf", branding, TODAY)
    export_pack(store, f"Money {currency}", None, tmp_path / "pack.pdf", branding, TODAY,
                quarter="Q1")
    plan_text = "\n".join(pages_of(tmp_path / "plan.pdf"))
    pack_text = "\n".join(pages_of(tmp_path / "pack.pdf"))
    total = format_money(Money.from_minor(2 * minor, currency))
    for text in (plan_text, pack_text):
        assert table in text          # the quarter rows of the targets table
        assert total in text          # the total row and the cover tile
        assert chart in text          # the bar chart's label of the year's total
    budget = format_money(Money.from_minor(2 * 150_000, currency))  # activities 1 and 4
    assert f"budget {format_money(Money.from_minor(150_000, currency))}" in plan_text
    assert budget in plan_text        # the cover tile: the plan's whole activity budget
    assert table in pack_text.split("Scorecard")[-1]  # the Q1 scorecard table
    assert not glyphs_missing(tmp_path / "plan.pdf")


def test_money_helpers_use_the_minor_unit():
    assert compact(50_000_000, MetricUnit.MONEY, "JPY") == "¥50M"
    assert compact(50_000_000, MetricUnit.MONEY, "EUR") == "€500k"
    assert compact(1_250_500, MetricUnit.MONEY, "KWD") == "1.25k KWD"
    assert compact_money(Money(Decimal("980"), "KWD")) == "980 KWD"
    assert format_money(Money.from_minor(1_250_500, "KWD"), whole=False) == "1,250.500 KWD"
    assert format_money(Money.from_minor(-147_900_000, "EUR")) == "-€1,479,000"


# -- 4. every script prints, in every place a name appears ------------------------------

@pytest.mark.parametrize("script", list(SCRIPTS))
def test_every_script_prints_with_no_missing_glyph(store, tmp_path, branding, script):
    name = SCRIPTS[script]
    partner = add_partner(store, name)
    plan = add_plan(store, partner)
    with store.transaction():
        store.insert(PlanTarget, {"plan": plan, "position": 9, "metric": "custom",
                                  "label": name, "target": 10, "actual": 4})
        store.insert(PlanActivity, {"plan": plan, "position": 9, "activity_group": "sales",
                                    "title": f"Workshop {name}", "owner_side": "partner",
                                    "owner_name": name, "status": "planned"})
    add_engagement(store, partner)
    with store.transaction():
        store.insert(Contact, {"partner": partner, "name": name, "role": name})
    export_plan(store, partner, None, tmp_path / "plan.pdf", branding, TODAY)
    export_pack(store, partner, None, tmp_path / "pack.pdf", branding, TODAY)
    for pdf in (tmp_path / "plan.pdf", tmp_path / "pack.pdf"):
        assert glyphs_missing(pdf) == []
        pages = pages_of(pdf)
        assert shows(name, pages[0])                       # cover title and facts
        assert all(shows(name, page) for page in pages[1:])  # every running header
    plan_text = "\n".join(pages_of(tmp_path / "plan.pdf"))
    signatures = plan_text.split("Signatures")[-1]
    assert shows(name, signatures)                          # "For <partner>"
    assert shows(f"{name} commits to", plan_text) or "commits to" in plan_text


def test_a_right_to_left_name_keeps_the_sentence_in_order(store, tmp_path, branding):
    name = SCRIPTS["arabic"]
    partner = add_partner(store, name)
    add_plan(store, partner, summary=f"{name} and Nimbus Systems agree this plan.")
    export_plan(store, partner, None, tmp_path / "plan.pdf", branding, TODAY)
    text = "\n".join(pages_of(tmp_path / "plan.pdf"))
    # An English sentence that starts with an Arabic name still reads left to right.
    assert any(line.rstrip().endswith("and Nimbus Systems agree this plan.")
               for line in text.splitlines())
    # English reads left to right around the name: "For" before it, "commits to" after.
    for line in text.splitlines():
        if "commits to" in line:
            assert line.strip().endswith("commits to")
        if (line.startswith("For ") and flat(name)[:3] in flat(line)) or \
                (flat(visual_order(name))[:3] in flat(line) and "For" in line):
            assert line.strip().startswith("For")


def test_arabic_letters_are_joined(store, tmp_path, branding):
    name = SCRIPTS["arabic"]
    partner = add_partner(store, name)
    add_plan(store, partner)
    export_plan(store, partner, None, tmp_path / "plan.pdf", branding, TODAY)
    cover = pages_of(tmp_path / "plan.pdf")[0]
    # Joined letters are set as their contextual presentation forms (U+FE70-U+FEFF).
    assert any(0xFE70 <= ord(char) <= 0xFEFF for char in cover)


def test_hebrew_is_drawn_right_to_left(store, tmp_path, branding):
    """A PDF reader puts right-to-left runs back in reading order, so drawn in visual
    order each Hebrew word reads as typed (drawn as typed, each came back reversed)."""
    name = SCRIPTS["hebrew"]
    partner = add_partner(store, name)
    add_plan(store, partner)
    export_plan(store, partner, None, tmp_path / "plan.pdf", branding, TODAY)
    cover = pages_of(tmp_path / "plan.pdf")[0]
    assert all(word in cover for word in name.split())


def test_the_cover_title_in_cjk_is_drawn(store, tmp_path, branding):
    """Rasterised: the title row of a Japanese name holds ink (not empty boxes)."""
    partner = add_partner(store, SCRIPTS["japanese"])
    add_plan(store, partner)
    export_plan(store, partner, None, tmp_path / "plan.pdf", branding, TODAY)
    image = rasterise(tmp_path / "plan.pdf", tmp_path / "cover", 1)
    width, height = image.size
    title_band = image.crop((int(width * 0.08), int(height * 0.36), int(width * 0.7),
                             int(height * 0.40)))
    dark = sum(1 for value in title_band.tobytes() if value < 100)
    # Empty boxes (the font has no glyph) give about 170 dark pixels here, the glyphs 350.
    assert dark > 260


# -- 5. headline numbers that mean something ----------------------------------------------

def test_headline_is_the_primary_metric_and_targets_met():
    lines = [TargetLine("mdf_spend", "MDF spend", MetricUnit.MONEY, 100, 200),
             TargetLine("revenue", "Revenue", MetricUnit.MONEY, 1000, 655),
             TargetLine("new_customers", "New customers", MetricUnit.COUNT, 10, 10),
             TargetLine("deals_registered", "Deals registered", MetricUnit.COUNT, 0, 3)]
    top = headline(lines)
    assert top.primary.metric == "revenue" and top.attainment == Decimal("65.5")
    assert (top.met, top.measured) == (2, 3) and top.met_text == "2 of 3 targets met"
    assert headline(lines[2:]).primary.metric == "new_customers"
    assert headline([]).met_text == "–"
    assert format_percent(Decimal("65.5")) == "65.5%"


def test_cover_and_scorecard_lead_with_revenue_attainment(store, tmp_path, branding):
    partner = add_partner(store, "Headline SARL")
    add_plan(store, partner, targets=[("revenue", "", 1_000_000_00, 655_000_00),
                                      ("mdf_spend", "", 10_000_00, 20_000_00),
                                      ("new_customers", "", 10, 10)])
    export_plan(store, "Headline", None, tmp_path / "plan.pdf", branding, TODAY)
    export_pack(store, "Headline", None, tmp_path / "pack.pdf", branding, TODAY)
    for pdf in ("plan.pdf", "pack.pdf"):
        pages = pages_of(tmp_path / pdf)
        text = "\n".join(pages)
        assert "Average attainment" not in text
        assert "Revenue attainment" in pages[0] and "2 of 3" in pages[0]
        # One rounding rule: the gauge says what the table says.
        assert text.count("65.5%") >= 3 and "66%" not in text
    scorecard = "\n".join(pages_of(tmp_path / "pack.pdf")).split("Scorecard")[-1]
    assert "Revenue attainment" in scorecard and "2 of 3" in scorecard


def test_cancelled_activities_spend_nothing(store, tmp_path, branding):
    partner = add_partner(store, "Budget Kft")
    plan = add_plan(store, partner, activities=0)
    with store.transaction():
        for n, (status, budget) in enumerate((("planned", 100_000_00),
                                              ("cancelled", 900_000_00))):
            store.insert(PlanActivity, {"plan": plan, "position": n,
                                        "activity_group": "marketing",
                                        "title": f"Campaign {n}", "owner_side": "vendor",
                                        "owner_name": "Sam Carter", "status": status,
                                        "budget": budget})
    export_plan(store, "Budget", None, tmp_path / "plan.pdf", branding, TODAY)
    text = "\n".join(pages_of(tmp_path / "plan.pdf"))
    assert "budget €100,000" in text and "€1,000,000" not in text
    assert "€100,000" in pages_of(tmp_path / "plan.pdf")[0]  # the cover tile


def test_commitments_past_due_are_marked_overdue(store, tmp_path, branding):
    partner = add_partner(store, "Overdue AB")
    plan = add_plan(store, partner)
    with store.transaction():
        store.insert(PlanCommitment, {"plan": plan, "position": 5, "side": "partner",
                                      "text": "Late promise", "due_on": date(2026, 6, 30),
                                      "done": False})
        store.insert(PlanCommitment, {"plan": plan, "position": 6, "side": "partner",
                                      "text": "Future promise", "due_on": date(2027, 1, 31),
                                      "done": False})
    export_plan(store, "Overdue", None, tmp_path / "plan.pdf", branding, TODAY)
    text = "\n".join(pages_of(tmp_path / "plan.pdf"))
    assert "Late promise\n30 Jun 2026\nOverdue" in text
    assert "Future promise\n31 Jan 2027\nOpen" in text


# -- 7. the pack without filler -----------------------------------------------------------

def test_the_pack_has_no_filler(store, tmp_path, branding):
    partner = add_partner(store, "Filler Free SpA")
    plan = add_plan(store, partner, targets=[
        ("revenue", "", 100, 50), ("new_customers", "", 10, 5), ("pipeline", "", 100, 20),
        ("certified_people", "", 3, 3), ("mdf_spend", "", 100, 90)])
    with store.transaction():
        store.insert(PlanActivity, {"plan": plan, "position": 20,
                                    "activity_group": "sales", "title": "Vendor day",
                                    "owner_side": "vendor", "owner_name": "Sam Carter"})
    add_engagement(store, partner)
    export_pack(store, "Filler Free", None, tmp_path / "pack.pdf", branding, TODAY)
    pages = pages_of(tmp_path / "pack.pdf")
    text = "\n".join(pages)
    assert "In this pack" in pages[0] and "Executive summary" in pages[1]  # no TOC page
    assert text.count("Actual to date\n") + text.count("Actual to date ") <= 2  # one table
    assert "Targets vs actuals" not in text
    assert "(Nimbus Systems)" not in text and "(Filler Free SpA)" not in text
    assert "Primary contact" in text  # every column has a header
    assert balanced_columns(5) == 3 and balanced_columns(4) == 4 and balanced_columns(7) == 4
    assert balanced_columns(9) == 3


def test_five_gauges_are_two_balanced_rows():
    """Five gauges: three above, two centred below (never four and a lonely one)."""
    from reportlab.graphics.shapes import Wedge

    from channeldesk.services.pdf.charts import gauges
    from channeldesk.services.pdf.styles import make_styles

    lines = [TargetLine(f"m{n}", f"Metric {n}", MetricUnit.COUNT, 10, n) for n in range(5)]
    drawing = gauges(lines, make_styles("#155E75"), 500)
    tracks = [shape for shape in drawing.contents
              if isinstance(shape, Wedge) and shape.startangledegrees == 0]
    rows: dict[float, list[float]] = {}
    for track in tracks:
        rows.setdefault(round(track.centery), []).append(track.centerx)
    assert sorted(len(row) for row in rows.values()) == [2, 3]
    for row in rows.values():
        assert abs(sum(row) / len(row) - 250) < 1  # each row centred on the page


def test_demo_signer_titles_match_the_contacts_roles(store):
    from channeldesk.services.demo_data import load_demo_data
    from channeldesk.store.models import PlanSignature

    load_demo_data(store, today=TODAY)

    checked = 0
    for signature in PlanSignature.live().where(PlanSignature.side == "partner"):
        partner = signature.plan.partner_id
        roles = {c.name: c.role for c in Contact.live().where(Contact.partner == partner)}
        if roles.get(signature.name):
            assert signature.title == roles[signature.name]
            checked += 1
    assert checked > 5


# -- issue 11: long text never stops an export --------------------------------------------

def test_five_thousand_characters_in_any_cell_never_stop_an_export(store, tmp_path,
                                                                     branding):
    long = ("Extraordinarily long text " * 200)[:5000]
    word = "x" * 5000  # one word that cannot wrap
    partner = add_partner(store, "Long Text SE")
    plan = add_plan(store, partner)
    with store.transaction():
        store.insert(PlanTarget, {"plan": plan, "position": 10, "metric": "custom_a",
                                  "label": long, "target": 10, "actual": 1})
        store.insert(PlanTarget, {"plan": plan, "position": 11, "metric": "custom_b",
                                  "label": word, "target": 10, "actual": 1})
        store.insert(PlanActivity, {"plan": plan, "position": 10, "activity_group": "sales",
                                    "title": long, "owner_side": "partner",
                                    "owner_name": word, "status": "planned"})
        store.insert(PlanCommitment, {"plan": plan, "position": 10, "side": "vendor",
                                      "text": long})
        store.insert(Contact, {"partner": partner, "name": word, "role": long})
        store.insert(Activity, {"partner": partner, "kind": "qbr",
                                "occurred_on": date(2026, 10, 1), "subject": long})
    export_plan(store, "Long Text", None, tmp_path / "plan.pdf", branding, TODAY)
    export_pack(store, "Long Text", None, tmp_path / "pack.pdf", branding, TODAY)
    for pdf in ("plan.pdf", "pack.pdf"):
        text = "\n".join(pages_of(tmp_path / pdf))
        assert "Extraordinarily long text" in text and "…" in text
        assert len(PdfReader(tmp_path / pdf).pages) < 20


def test_a_five_thousand_character_partner_name_and_signer(store, tmp_path, branding):
    name = ("Very Long Partner Name Holding " * 170)[:5000]
    partner = add_partner(store, name)
    plan = add_plan(store, partner, title="T" * 5000)
    with store.transaction():
        from channeldesk.store.models import PlanSignature

        store.insert(PlanSignature, {"plan": plan, "side": "partner", "name": "N" * 5000,
                                     "title": "Chief " * 900, "signed_on": date(2026, 2, 1)})
    add_engagement(store, partner)
    export_plan(store, partner, None, tmp_path / "plan.pdf", branding, TODAY)
    export_pack(store, partner, None, tmp_path / "pack.pdf", branding, TODAY, quarter="Q2")
    for pdf in ("plan.pdf", "pack.pdf"):
        pages = pages_of(tmp_path / pdf)
        assert "Very Long Partner Name" in pages[0] and "…" in pages[0]
        assert len(pages) < 12


def test_a_signed_plan_says_who_signed_when(store, tmp_path, branding):
    partner = add_partner(store, "Signed Off GmbH")
    add_plan(store, partner, status="signed")
    export_plan(store, "Signed Off", None, tmp_path / "plan.pdf", branding, TODAY)
    cover = pages_of(tmp_path / "plan.pdf")[0]
    assert "Signed by Sam Carter on 12 Jan 2026" in cover


def test_a_pack_for_a_quarter_not_started_says_so(store, tmp_path, branding):
    partner = add_partner(store, "Early Bird Ltd")
    add_plan(store, partner, period="FY2027", targets=[("revenue", "2027-Q2", 100, None)])
    pack, _ = export_pack(store, "Early Bird", "2027-Q2", tmp_path / "pack.pdf", branding,
                          TODAY)
    assert pack.engagement.per_month == ()
    text = "\n".join(pages_of(tmp_path / "pack.pdf"))
    assert "Q2 2027 has not started yet." in text


def test_a_long_arabic_paragraph_wraps_in_reading_order(store, tmp_path, branding):
    """The first line holds the start of the text: lines are found in logical order,
    each then set right to left."""
    partner = add_partner(store, "Wrap Test Co")
    summary = "بداية " + "نص عربي طويل " * 60 + "نهاية"
    add_plan(store, partner, summary=summary)
    export_plan(store, "Wrap Test", None, tmp_path / "plan.pdf", branding, TODAY)
    lines = [flat(line) for line in "\n".join(pages_of(tmp_path / "plan.pdf")).splitlines()]
    start = next(n for n, line in enumerate(lines) if flat("بداية") in line)
    end = next(n for n, line in enumerate(lines) if flat("نهاية") in line)
    assert start < end
    assert end - start >= 3  # it did wrap over several lines


def test_a_signer_without_a_title_gets_the_contacts_role(store, tmp_path, branding):
    from channeldesk.store.models import PlanSignature

    partner = add_partner(store, "Roles Agree SRL")
    plan = add_plan(store, partner)
    add_engagement(store, partner)  # Anna Kowalska, Alliance Manager
    with store.transaction():
        store.insert(PlanSignature, {"plan": plan, "side": "partner",
                                     "name": "Anna Kowalska", "title": ""})
    export_plan(store, "Roles Agree", None, tmp_path / "plan.pdf", branding, TODAY)
    signatures = "\n".join(pages_of(tmp_path / "plan.pdf")).split("Signatures")[-1]
    assert "Title: Alliance Manager" in signatures


def test_a_yearly_pack_has_a_quarter_by_quarter_view(store, tmp_path, branding):
    partner = add_partner(store, "Quarterly View AS")
    add_plan(store, partner)  # revenue targets for Q1-Q3
    export_pack(store, "Quarterly View", None, tmp_path / "pack.pdf", branding, TODAY)
    scorecard = "\n".join(pages_of(tmp_path / "pack.pdf")).split("Scorecard")[-1]
    assert "Quarter by quarter" in scorecard
    assert "Q2 2026 Revenue €600,000 €610,000 101.7% 1 of 1" in " ".join(scorecard.split())
    assert "Q4 2026" not in scorecard  # no target set for it
