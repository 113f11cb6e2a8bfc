"""The partner pack's table of contents, read back from the PDF: every entry on the cover
(page 1) with every feature's section present, each printed page number the page its
heading is on, and the PDF outline pointing at the same pages."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle

from channeldesk.services.demo_data import load_demo_data
from channeldesk.services.pdf.branding import load_branding
from channeldesk.services.pdf.layout import initials
from channeldesk.services.pdf.styles import make_styles
from channeldesk.services.pdf.tables import para
from channeldesk.services.plan_export import export_pack
from channeldesk.store import Store
from channeldesk.store.models import Partner

TODAY = date(2026, 11, 27)
# The demo partner with a plan, onboarding, certifications, assets and incentive funds.
EVERY_SECTION = "Northwind Cloud Partners"
SECTIONS = ["Executive summary", "Financial targets and results", "Targets at a glance",
            "Joint activities", "Commitments", "Scorecard", "Fund statement",
            "Onboarding status", "Certifications and assets"]


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def demo(store: Store) -> Store:
    load_demo_data(store, today=TODAY)
    return store


def _fragments(page) -> list[tuple[float, float, str]]:
    """(x, y, text) of every text run drawn on the page, in page coordinates."""
    found: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, _font, _size) -> None:
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            found.append((x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def printed_contents(path: Path) -> dict[str, int]:
    """Each contents entry on page 1 and the page number printed after its dots (the
    nearest number drawn to its right on its line)."""
    fragments = _fragments(PdfReader(path).pages[0])
    entries = {}
    for x, y, text in fragments:
        if text not in SECTIONS:
            continue
        numbers = [(fx, int(m.group(1))) for fx, fy, ftext in fragments
                   if abs(fy - y) < 1 and fx > x and (m := re.search(r"\.\s*(\d+)$", ftext))]
        assert numbers, f"no page number printed for {text}"
        entries[text] = min(numbers)[1]
    return entries


def heading_pages(path: Path) -> dict[str, int]:
    """The page each section heading is drawn on, from the text of every page after 1."""
    pages = {}
    for number, page in enumerate(PdfReader(path).pages[1:], start=2):
        for _x, _y, text in _fragments(page):
            if text in SECTIONS and text not in pages:
                pages[text] = number
    return pages


def outline_pages(path: Path) -> dict[str, int]:
    reader = PdfReader(path)
    return {item.title: reader.get_destination_page_number(item) + 1
            for item in reader.outline}


def _check(path: Path) -> None:
    contents = printed_contents(path)
    assert list(contents) == SECTIONS or sorted(contents) == sorted(SECTIONS)
    assert set(contents) == set(SECTIONS)  # every entry is on the cover
    assert contents == heading_pages(path)
    assert contents == outline_pages(path)  # bookmarks and links go to the same pages


def test_every_section_is_listed_on_the_cover_with_its_page(demo, tmp_path):
    out = tmp_path / "pack.pdf"
    export_pack(demo, EVERY_SECTION, None, out, load_branding(), TODAY)
    _check(out)
    assert printed_contents(out)["Executive summary"] == 2  # no page of contents before it


def test_a_long_name_and_a_quarter_still_keep_the_contents_on_the_cover(demo, tmp_path):
    """A name over three lines and the extra "Reviewed" row leave too little room for one
    column: the entries go side by side in two, still on page 1 and still right."""
    partner = Partner.get(Partner.name == EVERY_SECTION)
    long_name = ("Northwind Cloud Partners and Regional Systems Integration Services for "
                 "Public Sector, Healthcare and Financial Institutions of the Pacific North")
    demo.update(Partner, partner.id, {"name": long_name})
    out = tmp_path / "pack.pdf"
    export_pack(demo, long_name, None, out, load_branding(), TODAY, quarter="Q3")
    _check(out)
    fragments = _fragments(PdfReader(out).pages[0])
    columns = {round(x) for x, _y, text in fragments if text in SECTIONS}
    assert len(columns) == 2  # set in two columns


def test_japanese_never_starts_a_line_with_a_middle_dot():
    """A long Japanese name breaks between characters, never before '・' (kinsoku)."""
    style = ParagraphStyle("title", parent=make_styles("#1B5E7A").title)
    paragraph = para("株式会社ノースウィンド・クラウド・パートナーズ", style)
    paragraph.wrap(430, 1000)
    lines = ["".join(line[1]) for line in paragraph.blPara.lines]  # (extra space, words)
    assert len(lines) == 2
    assert not any(line.startswith("・") for line in lines)


@pytest.mark.parametrize(("name", "mark"), [
    ("株式会社ネクスト", "ネ"), ("주식회사 한빛솔루션", "한"), ("Łódź Systemy Sp. z o.o.", "ŁS")])
def test_the_cover_mark_skips_a_legal_form_written_without_a_space(name, mark):
    assert initials(name) == mark
