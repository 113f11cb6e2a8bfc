"""Paragraph styles and colours: one place decides how every document looks."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from channeldesk.services.pdf.fonts import BOLD, REGULAR, register_fonts

INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#616E7C")
RULE = colors.HexColor("#D9DEE4")
ZEBRA = colors.HexColor("#F5F7FA")
TRACK = colors.HexColor("#E4E7EB")
GOOD = colors.HexColor("#2F855A")
FAIR = colors.HexColor("#C05621")
POOR = colors.HexColor("#C53030")


@dataclass(frozen=True)
class Styles:
    brand: colors.Color
    brand_light: colors.Color
    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle
    header_cell: ParagraphStyle
    header_cell_right: ParagraphStyle
    muted: ParagraphStyle
    toc1: ParagraphStyle


def make_styles(brand_hex: str) -> Styles:
    register_fonts()
    brand = colors.HexColor(brand_hex)
    light = colors.Color(*(c + (1 - c) * 0.88 for c in (brand.red, brand.green, brand.blue)))
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=13.5,
                          textColor=INK, spaceAfter=6)
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11, spaceAfter=0)
    return Styles(
        brand=brand, brand_light=light,
        title=ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=26, leading=32,
                             textColor=INK, spaceAfter=8),
        h1=ParagraphStyle("h1", parent=body, fontName=BOLD, fontSize=15, leading=19,
                          textColor=brand, spaceBefore=4, spaceAfter=8, keepWithNext=1),
        h2=ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=11, leading=14,
                          textColor=INK, spaceBefore=8, spaceAfter=5, keepWithNext=1),
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5,
                             textColor=MUTED),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=BOLD),
        cell_right=ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        header_cell=ParagraphStyle("header_cell", parent=cell, fontName=BOLD,
                                   textColor=colors.white, alignment=TA_LEFT),
        header_cell_right=ParagraphStyle("header_cell_right", parent=cell, fontName=BOLD,
                                         textColor=colors.white, alignment=TA_RIGHT),
        muted=ParagraphStyle("muted", parent=body, textColor=MUTED),
        # The contents sit on the cover under its figures: compact lines, no gaps.
        toc1=ParagraphStyle("toc1", parent=body, fontSize=10, leading=15, spaceAfter=1,
                            alignment=TA_LEFT),
    )


def centred(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}_c", parent=style, alignment=TA_CENTER)


def attainment_colour(percent) -> colors.Color:
    """Green from 90 %, orange from 60 %, red below: the usual QBR traffic light."""
    if percent is None:
        return MUTED
    if percent >= 90:
        return GOOD
    if percent >= 60:
        return FAIR
    return POOR
