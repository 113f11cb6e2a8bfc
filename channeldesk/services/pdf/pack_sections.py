"""The scorecard of a partner review pack: the headline figures, the targets over the
period the pack is for, how engaged the partner has been over it (touchpoints per month,
last business review) and who the contacts are."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from channeldesk.domain.plan import format_percent, headline, lines_for_period
from channeldesk.domain.plan_document import PackDocument, PlanDocument
from channeldesk.services.pdf import charts
from channeldesk.services.pdf.fonts import embed
from channeldesk.services.pdf.layout import CONTENT_W
from channeldesk.services.pdf.sections import PACK, SectionContext, register_section
from channeldesk.services.pdf.styles import Styles, attainment_colour
from channeldesk.services.pdf.tables import cell_text, data_table, day, kpi_tiles, para

# A business review older than this (counted back from the end of the period or today)
# is overdue: partners expect one a quarter.
REVIEW_DUE_DAYS = 100


def scorecard(ctx: SectionContext) -> list[Flowable]:
    s, plan, pack = ctx.styles, ctx.plan, ctx.pack
    if pack is None:
        return []
    engagement = pack.engagement
    top = headline(pack.targets)
    touchpoints = sum(count for _, count in engagement.per_month)
    scope = pack.scope
    until = min(scope.end(), ctx.generated_on) if scope else ctx.generated_on
    since_qbr = (until - engagement.last_qbr).days if engagement.last_qbr else None
    tiles = [
        (f"{top.label} in {pack.period_in_sentence}", format_percent(top.attainment),
         attainment_colour(top.attainment) if top.attainment is not None else s.brand),
        ("Targets met", top.met_count,
         s.brand),
        (f"Touchpoints in {pack.period_in_sentence}", str(touchpoints), s.brand),
        ("Last business review", day(engagement.last_qbr),
         s.brand if since_qbr is not None and since_qbr <= REVIEW_DUE_DAYS
         else attainment_colour(0)),
    ]
    # The review starts on a page of its own: it is what the meeting walks through.
    story: list[Flowable] = [
        PageBreak(), Paragraph("Scorecard", s.h1),
        para(f"Where {embed(cell_text(plan.partner_name, 200))} stands on {day(ctx.generated_on)} "
             f"for {pack.period_in_sentence}, against its {plan.period} plan.", s.body),
        kpi_tiles(tiles, s), Spacer(1, 4 * mm)]
    story += _period_targets(pack, plan, s)
    story += _quarter_view(pack, plan, s)
    story += _engagement(pack, s, since_qbr)
    story.append(Paragraph("Contacts", s.h2))
    if engagement.contacts:
        rows = [[name, role or "–", "Yes" if primary else ""]
                for name, role, primary in engagement.contacts]
        story.append(data_table(["Name", "Role", "Primary contact"], rows,
                                [CONTENT_W - 106 * mm, 70 * mm, 36 * mm], s))
    else:
        story.append(para("No contacts recorded yet.", s.muted))
    return story


def _period_targets(pack: PackDocument, plan: PlanDocument, s: Styles) -> list[Flowable]:
    """The targets of a quarter or half inside the plan. For the whole plan the plan's
    own targets table says it all, and a second copy would be filler."""
    if pack.whole_plan:
        return []
    story: list[Flowable] = [Paragraph(f"Targets for {pack.period_label}", s.h2)]
    if pack.targets:
        rows = [[line.label, plan.format_value(line.unit, line.target),
                 plan.format_value(line.unit, line.actual), format_percent(line.attainment)]
                for line in pack.targets]
        story.append(data_table(["Metric", "Target", "Actual", "Attainment"], rows,
                                [CONTENT_W - 108 * mm, 36 * mm, 36 * mm, 36 * mm], s,
                                right_columns=frozenset({1, 2, 3})))
    else:
        story.append(para(f"The {plan.period} plan sets no targets per quarter, so none "
                          f"can be shown for {pack.period_in_sentence}.", s.muted))
    if pack.whole_period_only:
        names = ", ".join(line.label for line in pack.whole_period_only)
        story.append(para(f"Set for the whole of {plan.period} only (see the plan's targets): "
                          f"{cell_text(names, 400)}.", s.small))
    return story


def _quarter_view(pack: PackDocument, plan: PlanDocument, s: Styles) -> list[Flowable]:
    """A half-year or yearly pack, quarter by quarter: the primary metric and how many of
    each quarter's targets were met, from the targets the plan splits per quarter."""
    scope = pack.scope
    if scope is None or len(scope.quarters()) < 2:
        return []
    rows = []
    for quarter in scope.quarters():
        lines = lines_for_period(plan.targets, quarter)
        if not lines:
            continue
        top = headline(lines)
        primary = top.primary
        rows.append([quarter.label,
                     primary.label if primary else "–",
                     plan.format_value(primary.unit, primary.target) if primary else "–",
                     plan.format_value(primary.unit, primary.actual) if primary else "–",
                     format_percent(top.attainment), top.met_count])
    if not rows:
        return []
    return [Paragraph("Quarter by quarter", s.h2),
            data_table(["Quarter", "Metric", "Target", "Actual", "Attainment", "Targets met"],
                       rows, [20 * mm, CONTENT_W - 138 * mm, 32 * mm, 32 * mm, 26 * mm,
                              28 * mm], s, right_columns=frozenset({2, 3, 4, 5})),
            para("Only targets the plan sets per quarter are counted here.", s.small)]


def _engagement(pack: PackDocument, s: Styles, since_qbr: int | None) -> list[Flowable]:
    engagement = pack.engagement
    story: list[Flowable] = [Paragraph(f"Engagement: touchpoints per month in "
                                       f"{pack.period_in_sentence}", s.h2)]
    if engagement.per_month:
        story.append(charts.monthly_activity_chart(engagement.per_month, s, CONTENT_W))
    else:
        story.append(para(f"{pack.period_label} has not started yet.", s.muted))
    story.append(para(
        f"Last touchpoint: {day(engagement.last_activity)}. Last business review: "
        f"{day(engagement.last_qbr)}"
        + _since(since_qbr, pack), s.body))
    return story


def _since(days: int | None, pack: PackDocument) -> str:
    if days is None:
        return "; none recorded."
    ended = pack.scope is not None and pack.scope.end() < pack.generated_on
    return (f" ({days} days before {pack.period_in_sentence} ended)." if ended
            else f" ({days} days ago).")


register_section("scorecard", 200, {PACK}, scorecard)
