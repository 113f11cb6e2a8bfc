"""The sections of a joint business plan: cover, summary and objectives, targets table,
charts, activities by group, commitments and the signature block. Each is registered for
the plan PDF and the partner pack."""

from __future__ import annotations

from decimal import Decimal

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from channeldesk.domain.plan import (
    ACTIVITY_STATUS_LABELS,
    GROUP_LABELS,
    STATUS_LABELS,
    ActivityGroup,
    ActivityStatus,
    Side,
    attainment,
    format_percent,
    headline,
)
from channeldesk.domain.plan_document import active_budget, format_money
from channeldesk.services.pdf import charts
from channeldesk.services.pdf.contents import CoverContents
from channeldesk.services.pdf.fonts import REGULAR, embed
from channeldesk.services.pdf.layout import CONTENT_W
from channeldesk.services.pdf.sections import PACK, PLAN, SectionContext, register_section
from channeldesk.services.pdf.styles import POOR, RULE, attainment_colour
from channeldesk.services.pdf.tables import cell_text, data_table, day, kpi_tiles, para

BOTH = {PLAN, PACK}
CHART_ROWS_PER_DRAWING = 12


def cover(ctx: SectionContext) -> list[Flowable]:
    s, plan, pack = ctx.styles, ctx.plan, ctx.pack
    facts = [
        ("Partner", plan.partner_name),
        ("Country", plan.partner_country or "–"),
        ("Plan period", f"{plan.period_label} ({plan.period})"),
    ]
    if pack is not None and not pack.whole_plan:
        facts.append(("Reviewed", f"{pack.period_label} ({pack.period})"))
    facts += [
        ("Status", _status_text(plan)),
        ("Currency", plan.currency),
        ("Prepared by", ctx.branding.vendor_name),
    ]
    if pack is None:
        facts.append(("Date", day(ctx.generated_on)))
    table = Table([[para(k, s.muted), para(cell_text(v, 300), s.body)] for k, v in facts],
                  colWidths=[32 * mm, CONTENT_W - 32 * mm - 30 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    title = plan.title or "Joint business plan"
    if pack is not None:
        what = (f"the {plan.period} {title.lower()}" if pack.whole_plan
                else f"{pack.period_label} under the {plan.period} {title.lower()}")
        title = f"{pack.kicker} of {what}"
    name = cell_text(plan.partner_name, 300)
    story: list[Flowable] = [
        para(name, _narrow(s.title, name)),
        para(cell_text(title, 300), s.muted),
        Spacer(1, 6 * mm if pack else 10 * mm),
        table,
        Spacer(1, 6 * mm if pack else 12 * mm),
        *_glance(ctx),
    ]
    if pack is not None:
        story += _contents(ctx)
    return [*story, NextPageTemplate("body"), PageBreak()]


def _status_text(plan) -> str:
    """'Signed by Sam Carter (12 Jan 2026) and Anna Kowalska (13 Jan 2026)' for a signed
    plan: who signed when is what makes it binding."""
    label = STATUS_LABELS.get(plan.status, plan.status)
    signers = [f"{embed(cell_text(sig.name, 100))} on {day(sig.signed_on)}"
               for sig in plan.signatures if sig.name and sig.signed_on]
    if not signers or plan.status not in ("signed", "archived"):
        return label
    joined = " and ".join(signers)
    return f"Signed by {joined}" if plan.status == "signed" else f"{label}; signed by {joined}"


def _glance(ctx: SectionContext) -> list[Flowable]:
    """Four figures on the cover: what the plan is about before anyone turns the page."""
    s, plan = ctx.styles, ctx.plan
    lines = ctx.pack.targets if ctx.pack is not None else plan.targets
    top = headline(lines)
    primary = top.primary
    budget = active_budget(plan.activities)
    scope = "" if ctx.pack is None or ctx.pack.whole_plan else f", {ctx.pack.period_label}"
    tiles = [
        (f"{primary.label} target{scope}" if primary else "Target",
         plan.format_value(primary.unit, primary.target) if primary else "–", s.brand),
        (f"{top.label} to date{scope}", format_percent(top.attainment),
         attainment_colour(top.attainment) if top.attainment is not None else s.brand),
        ("Targets met", top.met_count,
         s.brand),
        ("Activity budget",
         format_money(plan.money(budget)) if budget else "–", s.brand),
    ]
    return [Paragraph("At a glance", s.h2), kpi_tiles(tiles, s)]


def _narrow(style: ParagraphStyle, name: str) -> ParagraphStyle:
    """The cover title leaves room for the partner's logo at the right, and a very long
    name gets a smaller size so the cover stays one page."""
    size = 26 if len(name) <= 60 else 18 if len(name) <= 140 else 12
    return ParagraphStyle("cover_title", parent=style, rightIndent=20 * mm, fontSize=size,
                          leading=size * 1.22)


def _contents(ctx: SectionContext) -> list[Flowable]:
    """The pack's table of contents, on its cover: a page of its own for a few lines
    would be filler, so it takes two columns when one does not fit (see contents.py)."""
    return [CoverContents(Paragraph("In this pack", ctx.styles.h2), ctx.styles.toc1)]


def summary(ctx: SectionContext) -> list[Flowable]:
    s, plan = ctx.styles, ctx.plan
    story: list[Flowable] = [Paragraph("Executive summary", s.h1)]
    paragraphs = [p.strip() for p in plan.summary.split("\n\n") if p.strip()]
    story += [para(p, s.body) for p in paragraphs] or [
        para("The executive summary has not been written yet.", s.muted)]
    story.append(Paragraph("Objectives", s.h2))
    if plan.objectives:
        story.append(ListFlowable(
            [ListItem(para(cell_text(text, 2000), s.body), leftIndent=14, value=n)
             for n, text in enumerate(plan.objectives, start=1)],
            bulletType="1", bulletFontName=s.body.fontName, bulletFontSize=9.5,
            leftIndent=14, bulletColor=s.brand))
    else:
        story.append(para("No objectives recorded yet.", s.muted))
    return story


def targets_table(ctx: SectionContext) -> list[Flowable]:
    s, plan = ctx.styles, ctx.plan
    story: list[Flowable] = [CondPageBreak(40 * mm),
                             Paragraph("Financial targets and results", s.h1)]
    if not plan.targets:
        return [*story, para("No targets have been set for this period yet.", s.muted)]
    rows: list[list] = []
    for line in plan.targets:
        rows.append([para(cell_text(line.label), s.cell_bold),
                     plan.format_value(line.unit, line.target),
                     plan.format_value(line.unit, line.actual), _percent(line.attainment, s)])
        for quarter, target, actual in line.by_quarter:
            rows.append([para(f"    {quarter.replace('-', ' ')}", s.small),
                         plan.format_value(line.unit, target),
                         plan.format_value(line.unit, actual),
                         _percent(attainment(actual, target), s)])
    widths = [CONTENT_W - 3 * 36 * mm, 36 * mm, 36 * mm, 36 * mm]
    story.append(data_table(["Metric", "Target", "Actual to date", "Attainment"], rows,
                            widths, s, right_columns=frozenset({1, 2, 3})))
    story.append(Spacer(1, 2 * mm))
    story.append(para("Attainment is the actual to date as a share of the target; a dash "
                      "means no target or no actual yet.", s.small))
    return story


def _percent(value: Decimal | None, s) -> Paragraph:
    if value is None:
        return para("–", s.cell_right)
    colour = attainment_colour(value).hexval()[2:]
    return Paragraph(f'<font color="#{colour}"><b>{format_percent(value)}</b></font>',
                     s.cell_right)


def target_charts(ctx: SectionContext) -> list[Flowable]:
    s, plan = ctx.styles, ctx.plan
    lines = list(plan.targets)
    if not lines:
        return []
    story: list[Flowable] = [CondPageBreak(90 * mm), Paragraph("Targets at a glance", s.h1),
                             Paragraph("Attainment", s.h2)]
    for start in range(0, len(lines), 16):
        story.append(charts.gauges(lines[start:start + 16], s, CONTENT_W))
    story.append(Paragraph("Target and actual to date", s.h2))
    for start in range(0, len(lines), CHART_ROWS_PER_DRAWING):
        story.append(charts.target_bars(lines[start:start + CHART_ROWS_PER_DRAWING],
                                        plan.currency, s, CONTENT_W))
    for line in [line for line in lines if len(line.by_quarter) > 1][:2]:
        story += [Spacer(1, 4 * mm), charts.quarterly_chart(line, plan.currency, s,
                                                            CONTENT_W)]
    return story


def activities(ctx: SectionContext) -> list[Flowable]:
    s, plan = ctx.styles, ctx.plan
    story: list[Flowable] = [CondPageBreak(50 * mm), Paragraph("Joint activities", s.h1)]
    if not plan.activities:
        return [*story, para("No activities planned yet.", s.muted)]
    widths = [CONTENT_W - 110 * mm, 40 * mm, 23 * mm, 22 * mm, 25 * mm]
    for group in ActivityGroup:
        items = [a for a in plan.activities if a.group == group]
        if not items:
            continue
        budget = active_budget(items)
        heading = f"{GROUP_LABELS[group]} ({len(items)})"
        if budget:
            heading += f" · budget {format_money(plan.money(budget))}"
        rows = [[a.title, _owner(a.owner_side, a.owner_name, ctx), day(a.due_on),
                 ACTIVITY_STATUS_LABELS.get(a.status, a.status),
                 _budget(a, plan)] for a in items]
        story += [Paragraph(heading, s.h2),
                  data_table(["Activity", "Owner", "Due", "Status", "Budget"], rows, widths, s,
                             right_columns=frozenset({4}))]
    return story


def _budget(item, plan) -> str:
    if not item.budget:
        return "–"
    if item.status == ActivityStatus.CANCELLED:
        return "– (cancelled)"
    return format_money(plan.money(item.budget))


def _owner(side: str, name: str, ctx: SectionContext) -> str:
    """The person who owns it; the company only when no one is named (the company on
    every row would wrap each one onto two lines and say nothing new)."""
    if name:
        return name
    return ctx.branding.vendor_name if side == Side.VENDOR else ctx.plan.partner_name


def commitments(ctx: SectionContext) -> list[Flowable]:
    s, plan = ctx.styles, ctx.plan
    story: list[Flowable] = [CondPageBreak(50 * mm), Paragraph("Commitments", s.h1)]
    if not plan.commitments:
        return [*story, para("No commitments recorded yet.", s.muted)]
    widths = [CONTENT_W - 46 * mm, 25 * mm, 21 * mm]
    for side, company in ((Side.VENDOR, ctx.branding.vendor_name),
                          (Side.PARTNER, plan.partner_name)):
        items = [c for c in plan.commitments if c.side == side]
        if not items:
            continue
        rows = [[c.text, day(c.due_on), _commitment_status(c, ctx, s)] for c in items]
        story += [para(f"{embed(cell_text(company, 200))} commits to", s.h2),
                  data_table(["Commitment", "Due", "Status"], rows, widths, s)]
    return story


def _commitment_status(item, ctx: SectionContext, s) -> Paragraph | str:
    """Done, Open, or Overdue (in red) once the due date has passed undone."""
    if item.done:
        return "Done"
    if item.due_on is not None and item.due_on < ctx.generated_on:
        colour = POOR.hexval()[2:]
        return Paragraph(f'<font color="#{colour}"><b>Overdue</b></font>', s.cell)
    return "Open"


def signatures(ctx: SectionContext) -> list[Flowable]:
    s, plan = ctx.styles, ctx.plan
    signed = {sig.side: sig for sig in plan.signatures}
    cells = []
    for side, company in ((Side.VENDOR, ctx.branding.vendor_name),
                          (Side.PARTNER, plan.partner_name)):
        sig = signed.get(side)
        cells.append([
            para(f"For {embed(cell_text(company, 200))}", s.cell_bold),
            Spacer(1, 14 * mm),
            _signature_line(s),
            para(f"Name: {embed(cell_text(sig.name, 200)) if sig and sig.name else ''}", s.cell),
            para(f"Title: {embed(cell_text(sig.title, 200)) if sig and sig.title else ''}",
                 s.cell),
            para(f"Date: {day(sig.signed_on) if sig and sig.signed_on else ''}", s.cell),
        ])
    half = (CONTENT_W - 10 * mm) / 2
    table = Table([cells], colWidths=[half, 10 * mm, half][::2], hAlign="LEFT")
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 10 * mm)]))
    return [KeepTogether([
        Paragraph("Signatures", s.h1),
        para("By signing, both parties agree to the targets, activities and commitments in "
             "this plan for the period stated.", s.body),
        Spacer(1, 4 * mm), table])]


def _signature_line(s) -> Flowable:
    line = Table([[""]], colWidths=[70 * mm], rowHeights=[2])
    line.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR),
                              ("LINEABOVE", (0, 0), (-1, -1), 0.8, s.brand)]))
    line.hAlign = "LEFT"
    return line


register_section("cover", 100, BOTH, cover)
register_section("summary", 110, BOTH, summary)
register_section("targets", 120, BOTH, targets_table)
register_section("charts", 130, BOTH, target_charts)
register_section("activities", 140, BOTH, activities)
register_section("commitments", 150, BOTH, commitments)
register_section("signatures", 160, {PLAN}, signatures)
