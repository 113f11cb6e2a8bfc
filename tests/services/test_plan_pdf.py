"""Plan and pack PDFs built from a real database, read back with pypdf and rasterised
with pdftoppm: the texts a partner reads, nothing internal, every bad input handled."""

from __future__ import annotations

import shutil
import subprocess
import threading
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from plan_samples import SECRETS, UNICODE_NAMES, add_engagement, add_partner, add_plan
from pypdf import PdfReader

from channeldesk.domain.progress import Cancelled
from channeldesk.output_files import OutputRefused
from channeldesk.services.pdf.branding import Branding, load_branding
from channeldesk.services.pdf.sections import (
    PACK,
    register_section,
    section_keys,
    unregister_section,
)
from channeldesk.services.pdf.tables import para
from channeldesk.services.plan_export import (
    AmbiguousPartnerError,
    ExportError,
    export_all_plans,
    export_pack,
    export_plan,
    write_output,
)
from channeldesk.store.plan_queries import (
    load_plan_document,
    register_actual_source,
    unregister_actual_source,
)

TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    """No user's branding.json leaks into a test."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def branding() -> Branding:
    return load_branding()


def text_of(path: Path) -> tuple[str, list[str]]:
    reader = PdfReader(path)
    pages = [page.extract_text() for page in reader.pages]
    return "\n".join(pages), pages


def no_leftovers(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("name", UNICODE_NAMES)
def test_plan_pdf_shows_unicode_names_and_every_section(store, tmp_path, branding, name):
    partner = add_partner(store, name)
    add_plan(store, partner)
    out = tmp_path / "plan.pdf"
    document, written = export_plan(store, name, None, out, branding, TODAY)
    assert written == out and document.partner_name == name
    text, pages = text_of(out)
    assert name in text
    for heading in ("Fiscal year 2026", "Executive summary", "Objectives",
                    "Financial targets and results", "Targets at a glance",
                    "Joint activities", "Commitments", "Signatures", "Nimbus Systems",
                    "Win twelve new mid-market customers", "Three certified engineers",
                    "Sam Carter", "€1,800,000"):
        assert heading in text, heading
    assert all(f"Page {n} of {len(pages)}" in pages[n - 1] for n in range(2, len(pages) + 1))
    assert not any(secret in text for secret in SECRETS)
    assert no_leftovers(tmp_path)


def test_attainment_figures_in_the_table(store, tmp_path, branding):
    partner = add_partner(store, "Figures GmbH")
    add_plan(store, partner, targets=[("new_customers", "", 12, 5),
                                      ("deals_registered", "", 0, 4),
                                      ("certified_people", "", 3, None)])
    export_plan(store, "Figures", None, tmp_path / "p.pdf", branding, TODAY)
    text, _ = text_of(tmp_path / "p.pdf")
    assert "41.7%" in text  # 5 of 12
    assert "Deals registered" in text  # a zero target prints, without a percentage


def test_pack_has_contents_scorecard_and_engagement(store, tmp_path, branding):
    partner = add_partner(store, "ООО Москва", country="Russia")
    add_plan(store, partner)
    add_engagement(store, partner)
    pack, _ = export_pack(store, "Москва", None, tmp_path / "pack.pdf", branding, TODAY)
    assert pack.engagement.last_qbr == date(2026, 9, 3)
    assert sum(count for _, count in pack.engagement.per_month) == 2  # internal one left out
    text, pages = text_of(tmp_path / "pack.pdf")
    assert "In this pack" in pages[0]  # the contents sit on the cover, not a page of their own
    for heading in ("Scorecard", "Engagement: touchpoints per month", "Anna Kowalska",
                    "Alliance Manager", "Last business review", "3 Sep 2026"):
        assert heading in text, heading
    assert "Scorecard" in pages[0]  # listed in the table of contents
    assert not any(secret in text for secret in SECRETS)
    reader = PdfReader(tmp_path / "pack.pdf")
    assert "Scorecard" in [item.title for item in reader.outline]


def test_a_section_registered_later_appears_in_the_pack_only(store, tmp_path, branding):
    partner = add_partner(store, "Sections Ltd")
    add_plan(store, partner)
    register_section("fund_statement", 310, {PACK},
                     lambda ctx: [para("Fund statement for " + ctx.plan.partner_name,
                                       ctx.styles.h1)])
    try:
        export_pack(store, "Sections", None, tmp_path / "pack.pdf", branding, TODAY)
        export_plan(store, "Sections", None, tmp_path / "plan.pdf", branding, TODAY)
    finally:
        unregister_section("fund_statement")
    assert "Fund statement for Sections Ltd" in text_of(tmp_path / "pack.pdf")[0]
    assert "Fund statement" not in text_of(tmp_path / "plan.pdf")[0]


def test_a_computed_actual_replaces_the_entered_one(store):
    partner = add_partner(store, "Computed BV")
    plan = add_plan(store, partner, targets=[("certified_people", "", 5, 1)])
    register_actual_source("certified_people", lambda _partner, _period, _quarter: 4)
    try:
        document = load_plan_document(plan)
    finally:
        unregister_actual_source("certified_people")
    assert document.targets[0].actual == 4
    assert load_plan_document(plan).targets[0].actual == 1


def test_no_targets_and_zero_targets(store, tmp_path, branding):
    empty = add_partner(store, "Empty Targets SA")
    add_plan(store, empty, targets=[], activities=0)
    zero = add_partner(store, "Zero Targets SA")
    zero_plan = add_plan(store, zero, targets=[("revenue", "", 0, 0),
                                               ("new_customers", "", 0, 3)])
    assert [line.attainment for line in load_plan_document(zero_plan).targets] == [None, None]
    export_plan(store, "Empty Targets", None, tmp_path / "empty.pdf", branding, TODAY)
    export_plan(store, "Zero Targets", None, tmp_path / "zero.pdf", branding, TODAY)
    empty_text, _ = text_of(tmp_path / "empty.pdf")
    assert "No targets have been set for this period yet." in empty_text
    assert "No activities planned yet." in empty_text
    zero_text, _ = text_of(tmp_path / "zero.pdf")
    table = zero_text.split("Financial targets and results")[1].split("Attainment is")[0]
    assert "New customers" in table and "%" not in table


def test_three_hundred_activities_break_across_pages_with_headers(store, tmp_path, branding):
    partner = add_partner(store, "Busy Partner Ltd")
    add_plan(store, partner, activities=300)
    export_plan(store, "Busy", None, tmp_path / "busy.pdf", branding, TODAY)
    _, pages = text_of(tmp_path / "busy.pdf")
    activity_pages = [p for p in pages if "Planned activity number" in p]
    assert len(activity_pages) >= 5
    assert all("Activity" in p and "Owner" in p and "Budget" in p for p in activity_pages)
    assert "Planned activity number 300" in "\n".join(pages)


def test_pages_rasterise_and_are_not_blank(store, tmp_path, branding):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    partner = add_partner(store, "Ελληνική Εταιρεία", country="Greece")
    add_plan(store, partner)
    export_plan(store, "Ελληνική", None, tmp_path / "plan.pdf", branding, TODAY)
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(tmp_path / "plan.pdf"),
                    str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(PdfReader(tmp_path / "plan.pdf").pages) >= 3
    for image in images:
        low, _high = Image.open(image).convert("L").getextrema()
        assert low < 128, f"{image.name} looks blank"


def test_a_missing_vendor_logo_is_a_warning_not_a_failure(store, tmp_path, branding):
    settings = tmp_path / "branding.json"
    settings.write_text('{"vendor_name": "Logo-less Inc.", "logo": "gone.png"}')
    missing = load_branding(settings)
    assert missing.logo is None and "gone.png" in missing.warnings[0]
    partner = add_partner(store, "Logo Check")
    add_plan(store, partner, partner_logo="ab" * 32)  # a blob that is not there either
    export_plan(store, "Logo Check", None, tmp_path / "plan.pdf", missing, TODAY)
    assert "Logo-less Inc." in text_of(tmp_path / "plan.pdf")[0]


def test_bad_partner_and_missing_plan_leave_no_file(store, tmp_path, branding):
    add_partner(store, "Acme North")
    add_partner(store, "Acme South")
    with pytest.raises(AmbiguousPartnerError) as ambiguous:
        export_plan(store, "acme", None, tmp_path / "a.pdf", branding, TODAY)
    assert "Acme North" in str(ambiguous.value) and "Acme South" in str(ambiguous.value)
    assert len(ambiguous.value.matches) == 2
    with pytest.raises(ExportError, match="has no business plan yet"):
        export_plan(store, "Acme North", None, tmp_path / "a.pdf", branding, TODAY)
    with pytest.raises(ExportError, match="No partner matches"):
        export_plan(store, "Nobody", None, tmp_path / "a.pdf", branding, TODAY)
    with pytest.raises(ExportError, match="is not a period"):
        export_plan(store, "Acme North", "2026", tmp_path / "a.pdf", branding, TODAY)
    assert list(tmp_path.glob("*.pdf")) == []


def test_an_exact_name_wins_over_partial_matches(store, tmp_path, branding):
    exact = add_partner(store, "Acme")
    add_partner(store, "Acme Holding")
    add_plan(store, exact)
    document, _ = export_plan(store, "acme", None, tmp_path / "a.pdf", branding, TODAY)
    assert document.partner_id == exact


def test_unwritable_folder_and_failed_render_leave_nothing(tmp_path):
    with pytest.raises(OSError):
        write_output(Path("/sys/plan.pdf"), lambda f: f.write(b"%PDF"))
    with pytest.raises(OutputRefused, match="does not exist"):
        write_output(tmp_path / "missing" / "plan.pdf", lambda f: f.write(b"%PDF"))
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"the partner's earlier copy")

    def fails(handle) -> None:
        handle.write(b"%PDF-1.4 half")
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError):
        write_output(target, fails)
    assert target.read_bytes() == b"the partner's earlier copy"
    assert no_leftovers(tmp_path)


def test_batch_writes_one_pdf_per_plan_with_progress(store, tmp_path, branding):
    for n, name in enumerate((*UNICODE_NAMES, "Same Name", "Same Name")):
        partner = add_partner(store, name)
        add_plan(store, partner, period="FY2026", activities=2 + n)
    add_plan(store, add_partner(store, "Older Plan Co"), period="FY2025")
    seen = []
    (tmp_path / "out").mkdir()
    result = export_all_plans(store, tmp_path / "out", branding, period="FY2026",
                              progress=lambda d, t, label: seen.append((d, t)),
                              workers=2, today=TODAY)
    names = sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))
    assert len(result.written) == 5 and not result.failed
    assert len(names) == 5 and "Łódź Sp. z o.o - FY2026.pdf" not in names
    assert "Łódź Sp. z o.o. - FY2026.pdf" in names
    assert seen[-1] == (5, 5)
    assert no_leftovers(tmp_path / "out")
    for path in (tmp_path / "out").glob("*.pdf"):
        assert len(PdfReader(path).pages) >= 3


def test_batch_cancel_stops_and_leaves_only_complete_files(store, tmp_path, branding):
    for n in range(6):
        add_plan(store, add_partner(store, f"Partner {n}"))
    cancel = threading.Event()
    (tmp_path / "out").mkdir()

    def progress(done, _total, _label):
        cancel.set()

    with pytest.raises(Cancelled, match="cancelled"):
        export_all_plans(store, tmp_path / "out", branding, progress=progress,
                         cancel=cancel, workers=1, today=TODAY)
    written = list((tmp_path / "out").glob("*.pdf"))
    assert 1 <= len(written) < 6
    assert no_leftovers(tmp_path / "out")
    for path in written:
        assert PdfReader(path).pages


def test_no_plans_to_batch(store, tmp_path, branding):
    with pytest.raises(ExportError, match="no plans"):
        export_all_plans(store, tmp_path, branding, today=TODAY)


def test_the_registered_sections_come_in_order():
    assert section_keys("plan") == ["cover", "summary", "targets", "charts", "activities",
                                    "commitments", "signatures"]
    assert section_keys("pack")[:2] == ["cover", "summary"]  # contents: on the cover
    assert "scorecard" in section_keys("pack")


def test_long_names_texts_and_many_metrics_stay_on_the_page(store, tmp_path, branding):
    name = ("Ελληνική Εταιρεία Πληροφορικής και Επικοινωνιών Ανώνυμη Εταιρεία " * 4).strip()
    partner = add_partner(store, name)
    add_plan(store, partner, summary="Word " * 1500 + "https://example.com/" + "x" * 300,
             activities=40, targets=[(f"metric_{n}", "", n * 10, n * 7) for n in range(30)])
    export_plan(store, partner, None, tmp_path / "long.pdf", branding, TODAY)
    _, pages = text_of(tmp_path / "long.pdf")
    assert "Executive summary" in pages[1]  # the cover stayed one page
    assert "Metric 29" in "\n".join(pages)
    assert "Planned activity number 40" in "\n".join(pages)
