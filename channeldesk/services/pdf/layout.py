"""Page layout: a cover page, then body pages with header, footer and "Page n of N".

The cover is drawn from the document's facts (vendor band, logos, partner, period,
status); body pages carry the vendor's name and the plan's partner and period in the
header, the generation date and page numbers in the footer, and a faint DRAFT mark while
the plan is not agreed. Headings of level 1 become PDF bookmarks and table-of-contents
entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

from channeldesk.services.pdf.branding import Branding
from channeldesk.services.pdf.fonts import BOLD, REGULAR, draw_text, fit, text_width
from channeldesk.services.pdf.styles import INK, MUTED, RULE, Styles

PAGE_W, PAGE_H = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X
BAND_H = 92 * mm


@dataclass(frozen=True)
class CoverFacts:
    """What the cover and the running header show."""

    kicker: str          # "JOINT BUSINESS PLAN"
    partner_name: str
    period_label: str
    status_label: str
    draft: bool
    partner_logo: bytes | None
    generated_on: date


class NumberedCanvas(Canvas):
    """Defers each page until the end so the footer can say "Page n of N".

    Bookmarks are deferred with their page: the PDF page a bookmark points at is the one
    being written when it is made, so made during layout every bookmark (the outline and
    each contents entry's link) would point at page 1.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self.cd_footer = None
        self._cd_bookmarks: list[tuple[tuple, dict]] = []

    def bookmarkPage(self, *args, **kwargs) -> None:  # reportlab's name
        self._cd_bookmarks.append((args, kwargs))

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()
        self.cd_footer = None
        self._cd_bookmarks = []

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            for args, kwargs in self._cd_bookmarks:
                super().bookmarkPage(*args, **kwargs)
            if self.cd_footer is not None:
                self.cd_footer(self, number, total)
            super().showPage()
        super().save()


class DeskDocTemplate(BaseDocTemplate):
    """A4 with the cover and body templates; headings feed bookmarks and the TOC."""

    def __init__(self, target, styles: Styles, branding: Branding, facts: CoverFacts,
                 title: str) -> None:
        super().__init__(target, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                         topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=title,
                         author=branding.vendor_name, subject=title,
                         creator="ChannelDesk", invariant=1,
                         initialFontName=REGULAR)  # not reportlab's non-embedded Helvetica
        self.styles, self.branding, self.facts = styles, branding, facts
        self._vendor_logo = _image(branding.logo_bytes())
        self._partner_logo = _image(facts.partner_logo)
        self._heading_count = 0
        cover_frame = Frame(MARGIN_X, MARGIN_BOTTOM, CONTENT_W,
                            PAGE_H - BAND_H - MARGIN_BOTTOM - 14 * mm, id="cover",
                            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        body_frame = Frame(MARGIN_X, MARGIN_BOTTOM, CONTENT_W,
                           PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                           leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            # A cover whose contents run over goes on in a body page, with the header.
            PageTemplate("cover", [cover_frame], onPage=self._draw_cover,
                         autoNextPageTemplate="body"),
            PageTemplate("body", [body_frame], onPage=self._draw_body_page),
        ])

    # -- TOC and bookmarks ---------------------------------------------------------------

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name == "h1":
            text = flowable.getPlainText()
            self._heading_count += 1
            key = f"h{self._heading_count}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=0, closed=False)
            self.notify("TOCEntry", (0, text, self.page, key))

    def handle_documentBegin(self) -> None:
        self._heading_count = 0
        super().handle_documentBegin()

    # -- pages ---------------------------------------------------------------------------

    def _draw_cover(self, canvas: Canvas, _doc) -> None:
        s, facts = self.styles, self.facts
        canvas.saveState()
        canvas.setFillColor(s.brand)
        canvas.rect(0, PAGE_H - BAND_H, PAGE_W, BAND_H, stroke=0, fill=1)
        top = PAGE_H - 16 * mm
        x = MARGIN_X
        if self._vendor_logo is not None:
            size = 14 * mm
            canvas.setFillColor(colors.white)
            canvas.roundRect(x - 1.2 * mm, top - size - 1.2 * mm, size + 2.4 * mm,
                             size + 2.4 * mm, 2.5 * mm, stroke=0, fill=1)
            canvas.drawImage(self._vendor_logo, x, top - size, size, size, mask="auto",
                             preserveAspectRatio=True)
            x += size + 5 * mm
        canvas.setFillColor(colors.white)
        draw_text(canvas, x, top - 9.5 * mm,
                  fit(self.branding.vendor_name, BOLD, 15, PAGE_W - x - MARGIN_X), BOLD, 15)
        canvas.setFillColor(colors.Color(1, 1, 1, alpha=0.8))
        draw_text(canvas, MARGIN_X, PAGE_H - BAND_H + 36 * mm, facts.kicker.upper(),
                  REGULAR, 10)
        canvas.setFillColor(colors.white)
        draw_text(canvas, MARGIN_X, PAGE_H - BAND_H + 22 * mm,
                  fit(facts.period_label, BOLD, 30, CONTENT_W), BOLD, 30)
        _status_pill(canvas, MARGIN_X, PAGE_H - BAND_H + 9 * mm, facts.status_label)
        canvas.restoreState()
        self._draw_partner_mark(canvas)
        canvas.cd_footer = self._cover_footer

    def _draw_partner_mark(self, canvas: Canvas) -> None:
        """The partner's logo on a white card (logos are mostly wide), or its initials in
        a circle when it has none; either straddles the edge of the band."""
        canvas.saveState()
        canvas.setFillColor(colors.white)
        canvas.setStrokeColor(RULE)
        if self._partner_logo is not None:
            width, height = 44 * mm, 24 * mm
            x, y = PAGE_W - MARGIN_X - width, PAGE_H - BAND_H - height / 2
            canvas.roundRect(x, y, width, height, 3 * mm, stroke=1, fill=1)
            canvas.drawImage(self._partner_logo, x + 3 * mm, y + 3 * mm, width - 6 * mm,
                             height - 6 * mm, mask="auto", preserveAspectRatio=True)
        else:
            size = 24 * mm
            x, y = PAGE_W - MARGIN_X - size, PAGE_H - BAND_H - size / 2
            canvas.circle(x + size / 2, y + size / 2, size / 2 + 1.5 * mm, stroke=1, fill=1)
            canvas.setFillColor(self.styles.brand_light)
            canvas.circle(x + size / 2, y + size / 2, size / 2, stroke=0, fill=1)
            canvas.setFillColor(self.styles.brand)
            draw_text(canvas, x + size / 2, y + size / 2 - 7,
                      initials(self.facts.partner_name), BOLD, 20, anchor="middle")
        canvas.restoreState()

    def _draw_body_page(self, canvas: Canvas, _doc) -> None:
        canvas.saveState()
        if self.facts.draft:
            canvas.setFillColor(colors.Color(0.85, 0.87, 0.9, alpha=0.35))
            canvas.setFont(BOLD, 110)
            canvas.translate(PAGE_W / 2, PAGE_H / 2)
            canvas.rotate(40)
            canvas.drawCentredString(0, -35, "DRAFT")
            canvas.rotate(-40)
            canvas.translate(-PAGE_W / 2, -PAGE_H / 2)
        y = PAGE_H - 14 * mm
        canvas.setFillColor(self.styles.brand)
        draw_text(canvas, MARGIN_X, y,
                  fit(self.branding.vendor_name, BOLD, 8.5, CONTENT_W * 0.4), BOLD, 8.5)
        canvas.setFillColor(MUTED)
        # The name and the period drawn apart: a right-to-left name must not carry the
        # period into its own reversed order.
        period = f" · {self.facts.period_label}"
        period_w = text_width(period, REGULAR, 8.5)
        draw_text(canvas, PAGE_W - MARGIN_X, y, period, REGULAR, 8.5, anchor="end")
        draw_text(canvas, PAGE_W - MARGIN_X - period_w, y,
                  fit(self.facts.partner_name, REGULAR, 8.5, CONTENT_W * 0.58 - period_w),
                  REGULAR, 8.5, anchor="end")
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_X, y - 3 * mm, PAGE_W - MARGIN_X, y - 3 * mm)
        canvas.restoreState()
        canvas.cd_footer = self._body_footer

    def _footer_text(self) -> str:
        generated = f"Generated {self.facts.generated_on:%d %B %Y}".replace(" 0", " ")
        note = self.branding.footer_note
        return f"{generated} · {note}" if note else generated

    def _body_footer(self, canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        y = 11 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_X, y + 4 * mm, PAGE_W - MARGIN_X, y + 4 * mm)
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        pages = f"Page {number} of {total}"
        canvas.drawRightString(PAGE_W - MARGIN_X, y, pages)
        # Room measured for the widest page label, so the note reads the same on every
        # page (not cut on page 10 only).
        widest = f"Page {total} of {total}"
        room = CONTENT_W - stringWidth(widest, REGULAR, 7.5) - 5 * mm
        draw_text(canvas, MARGIN_X, y, fit(self._footer_text(), REGULAR, 7.5, room),
                  REGULAR, 7.5)
        canvas.restoreState()

    def _cover_footer(self, canvas: Canvas, _number: int, _total: int) -> None:
        canvas.saveState()
        canvas.setFillColor(MUTED)
        draw_text(canvas, MARGIN_X, 11 * mm, fit(self._footer_text(), REGULAR, 7.5,
                                                 CONTENT_W), REGULAR, 7.5)
        canvas.restoreState()


def _status_pill(canvas: Canvas, x: float, y: float, text: str) -> None:
    width = text_width(text, BOLD, 9) + 8 * mm
    canvas.setFillColor(colors.white)
    canvas.roundRect(x, y - 2 * mm, width, 7 * mm, 3.5 * mm, stroke=0, fill=1)
    canvas.setFillColor(INK)
    draw_text(canvas, x + 4 * mm, y + 0.4 * mm, text, BOLD, 9)


def _image(data: bytes | None) -> ImageReader | None:
    if not data:
        return None
    try:
        reader = ImageReader(BytesIO(data))
        reader.getSize()
    except Exception:  # a damaged logo must not stop the export: the name stands in
        return None
    return reader


_LEGAL_FORMS = {"ооо", "оао", "зао", "пао", "ао", "llc", "inc.", "ltd.", "gmbh", "ag", "sa",
                "s.a.", "sas", "as", "ab", "a.e.", "sp.", "bv", "b.v.", "nv", "oy", "the"}


# Legal forms written before or after the name without a space ('株式会社ネクスト'):
# the mark shows the name's first letter, not the legal form's.
_JOINED_LEGAL_FORMS = ("株式会社", "有限会社", "合同会社", "（株）", "(株)", "주식회사",
                       "(주)", "บริษัท")


def initials(name: str) -> str:
    """Up to two initials of the significant words: 'Łódź Systemy Sp. z o.o.' → 'ŁS'."""
    name = _without_joined_legal_form(name)
    words = [w for w in name.replace("-", " ").split()
             if w[:1].isalpha() and w[:1].isupper() and w.casefold() not in _LEGAL_FORMS]
    letters = "".join(w[0] for w in words[:2])
    # Scripts without capitals: the first letter, past a Thai vowel written before its
    # consonant ('ไทย' → 'ท').
    first = name.strip().lstrip("\u0e40\u0e41\u0e42\u0e43\u0e44")[:1]
    return letters or (first.upper() or "?")


def _without_joined_legal_form(name: str) -> str:
    stripped = name.strip()
    for form in _JOINED_LEGAL_FORMS:
        rest = stripped.removeprefix(form).removesuffix(form).strip()
        if rest and rest != stripped:
            return rest
    return name
