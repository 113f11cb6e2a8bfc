"""The scorecard of the quarterly partner pack: targets vs actuals at a glance and how
engaged the partner has been (touchpoints per month, last QBR, contacts)."""

from __future__ import annotations

from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from channeldesk.services.pdf import charts
from channeldesk.services.pdf.layout import CONTENT_W
from channeldesk.services.pdf.sections import PACK, SectionContext, register_section
from channeldesk.services.pdf.styles import attainment_colour
from channeldesk.services.pdf.tables import data_table, day, kpi_tiles, para


def scorecard(ctx: SectionContext) -> list[Flowable]:
    s, plan, pack = ctx.styles, ctx.plan, ctx.pack
    if pack is None:
        return []
    engagement = pack.engagement
    known = [line.attainment for line in plan.targets if line.attainment is not None]
    overall = (sum(known, Decimal(0)) / len(known)).quantize(Decimal(1)) if known else None
    met = sum(1 for value in known if value >= 100)
    last_quarter = sum(count for _, count in engagement.per_month[-3:])
    since_qbr = ((ctx.generated_on - engagement.last_qbr).days
                 if engagement.last_qbr else None)
    tiles = [
        ("Average attainment", "–" if overall is None else f"{overall}%",
         attainment_colour(overall)),
        ("Targets met", f"{met} of {len(plan.targets)}", s.brand),
        ("Touchpoints, last 3 months", str(last_quarter), s.brand),
        ("Last business review", day(engagement.last_qbr),
         s.brand if since_qbr is not None and since_qbr <= 100 else attainment_colour(0)),
    ]
    # The review starts on a page of its own: it is what the meeting walks through.
    story: list[Flowable] = [PageBreak(), Paragraph("Scorecard", s.h1),
                             para(f"Where {plan.partner_name} stands on {day(ctx.generated_on)}"
                                  f" against its {plan.period} plan.", s.body),
                             kpi_tiles(tiles, s), Spacer(1, 4 * mm)]
    if plan.targets:
        rows = [[line.label, plan.format_value(line.unit, line.target),
                 plan.format_value(line.unit, line.actual),
                 "–" if line.attainment is None else f"{line.attainment}%"]
                for line in plan.targets]
        story += [Paragraph("Targets vs actuals", s.h2),
                  data_table(["Metric", "Target", "Actual to date", "Attainment"], rows,
                             [CONTENT_W - 108 * mm, 36 * mm, 36 * mm, 36 * mm], s,
                             right_columns=frozenset({1, 2, 3}))]
    story += [Paragraph("Engagement: touchpoints per month", s.h2),
              charts.monthly_activity_chart(engagement.per_month, s, CONTENT_W),
              para(f"Last touchpoint: {day(engagement.last_activity)}. Last business "
                   f"review: {day(engagement.last_qbr)}"
                   + (f" ({since_qbr} days ago)." if since_qbr is not None else "."), s.body)]
    story.append(Paragraph("Contacts", s.h2))
    if engagement.contacts:
        rows = [[name, role or "–", "Primary" if primary else ""]
                for name, role, primary in engagement.contacts]
        story.append(data_table(["Name", "Role", ""], rows,
                                [CONTENT_W - 90 * mm, 70 * mm, 20 * mm], s))
    else:
        story.append(para("No contacts recorded yet.", s.muted))
    return story


register_section("scorecard", 200, {PACK}, scorecard)
