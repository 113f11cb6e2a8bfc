"""The fund statement: a section of the partner pack and a PDF of its own.

For each program the partner has funds in: the balances at the start and end of the
period, every ledger movement in between and the claims with their ROI. Only partner-
facing values are printed: no internal notes, no other partner's figures.
"""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Paragraph, Spacer

from channeldesk.domain.claim_state import state_label
from channeldesk.domain.fund_ledger import entry_label
from channeldesk.domain.fund_statement import FundStatement, ProgramStatement
from channeldesk.domain.incentive import kind_label, roi
from channeldesk.domain.money import Money, minor_digits
from channeldesk.domain.plan import Period, PeriodKind
from channeldesk.domain.plan_document import format_money
from channeldesk.services.pdf.branding import Branding
from channeldesk.services.pdf.layout import CONTENT_W, CoverFacts, DeskDocTemplate, NumberedCanvas
from channeldesk.services.pdf.sections import PACK, SectionContext, register_section
from channeldesk.services.pdf.styles import Styles, make_styles
from channeldesk.services.pdf.tables import data_table, day, kpi_tiles, para
from channeldesk.services.plan_export import register_pack_extra

PACK_KEY = "fund_statement"
BALANCES = ("allocated", "accrued", "reserved", "claimed", "approved", "paid", "expired",
            "available")


def _money(units: int, currency: str) -> str:
    return format_money(Money.from_minor(units, currency),
                        whole=minor_digits(currency) == 0)


def statement_story(statement: FundStatement, s: Styles) -> list[Flowable]:
    """The statement's flowables: a heading, then one block per program."""
    story: list[Flowable] = [
        Paragraph("Fund statement", s.h1),
        para(f"{statement.partner_name} · {statement.period_label} "
             f"({day(statement.start)} – {day(statement.end)}), as of "
             f"{day(statement.generated_on)}.", s.body)]
    if not statement.programs:
        return [*story, para("No incentive funds in this period.", s.muted)]
    for program in statement.programs:
        story += _program_block(program, s)
    return story


def _program_block(program: ProgramStatement, s: Styles) -> list[Flowable]:
    c = program.currency
    closing, opening = program.closing.as_dict(), program.opening.as_dict()
    block: list[Flowable] = [
        Paragraph(f"{program.name} ({kind_label(program.kind)})", s.h2),
        kpi_tiles([("Available", _money(closing["available"], c), s.brand),
                   ("Reserved", _money(closing["reserved"], c), s.brand),
                   ("Paid", _money(closing["paid"], c), s.brand)], s),
        Spacer(1, 3 * mm),
        data_table(["Balance", "Start of period", "End of period"],
                   [[name.capitalize(), _money(opening[name], c), _money(closing[name], c)]
                    for name in BALANCES],
                   [CONTENT_W - 80 * mm, 40 * mm, 40 * mm], s, frozenset({1, 2})),
        Spacer(1, 3 * mm)]
    if program.lines:
        block.append(data_table(
            ["Date", "Movement", "What", "Amount"],
            [[day(line.day), entry_label(line.kind), line.what, _money(line.amount, c)]
             for line in program.lines],
            [26 * mm, 26 * mm, CONTENT_W - 88 * mm, 36 * mm], s, frozenset({3})))
    else:
        block.append(para("No movements in this period.", s.muted))
    if program.claims:
        rows = []
        for claim in program.claims:
            ratio = roi(claim.revenue_influenced, claim.paid)
            rows.append([claim.title, state_label(claim.state), _money(claim.claimed, c),
                         _money(claim.approved, c), _money(claim.paid, c),
                         f"{ratio}×" if ratio is not None else "–"])
        block += [Spacer(1, 3 * mm), data_table(
            ["Claim", "State", "Claimed", "Approved", "Paid", "ROI"], rows,
            [CONTENT_W - 126 * mm, 28 * mm, 26 * mm, 26 * mm, 26 * mm, 20 * mm], s,
            frozenset({2, 3, 4, 5}))]
    return [*block, Spacer(1, 5 * mm)]


def pack_section(ctx: SectionContext) -> list[Flowable]:
    """The partner pack's fund statement (nothing when the partner has no funds)."""
    statement = ctx.pack.extra.get(PACK_KEY) if ctx.pack else None
    if not isinstance(statement, FundStatement) or not statement.programs:
        return []
    return [PageBreak(), *statement_story(statement, ctx.styles)]


def _pack_statement(partner_id: str, today: date, period: Period | None) -> FundStatement:
    """The statement for the pack's period (a past year's pack shows that year's funds);
    the fiscal year of ``today`` when the pack has no period of its own."""
    # Imported here: the loader reads the open store's bound models at export time.
    from channeldesk.store.incentive_statement import load_statement
    from channeldesk.store.models import Partner

    partner = Partner.get_by_id(partner_id)
    return load_statement(Partner._meta.database, partner_id, partner.name,
                          period or Period(today.year, PeriodKind.YEAR), today)


def render_statement(statement: FundStatement, branding: Branding, target: BinaryIO) -> None:
    """A statement as a PDF of its own: it starts under the cover band."""
    styles = make_styles(branding.brand_colour)
    facts = CoverFacts("Fund statement", statement.partner_name, statement.period_label,
                       "STATEMENT", False, None, statement.generated_on)
    doc = DeskDocTemplate(target, styles, branding, facts,
                          title=f"Fund statement {statement.period} – {statement.partner_name}")
    doc.multiBuild([NextPageTemplate("body"), *statement_story(statement, styles)],
                   canvasmaker=NumberedCanvas)


register_pack_extra(PACK_KEY, _pack_statement)
register_section("fund_statement", 300, {PACK}, pack_section)
