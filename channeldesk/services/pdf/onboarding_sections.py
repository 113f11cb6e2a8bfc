"""The partner pack's "Onboarding status": how far the partner is, what is next, what is
late, and its agreements. Internal notes never reach it (the document leaves them out).

The data comes through the pack's extras (``plan_export.register_pack_extra``), loaded
with the rest of the pack, so the section itself never reads the database.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from channeldesk.domain.onboarding import label
from channeldesk.domain.onboarding_document import OnboardingDocument
from channeldesk.services.pdf.fonts import REGULAR
from channeldesk.services.pdf.layout import CONTENT_W
from channeldesk.services.pdf.sections import PACK, SectionContext, register_section
from channeldesk.services.pdf.styles import GOOD, POOR, TRACK
from channeldesk.services.pdf.tables import data_table, day, kpi_tiles, para
from channeldesk.services.plan_export import register_pack_extra
from channeldesk.store.onboarding_queries import onboarding_document

KEY = "onboarding"
ORDER = 300


def progress_bar(done: int, total: int, colour: colors.Color, width: float = CONTENT_W
                 ) -> Table:
    """A flat bar, ``done`` of ``total`` filled."""
    share = done / total if total else 0
    filled = max(0.0, min(width, width * share))
    widths = [w for w in (filled, width - filled) if w > 0.5] or [width]
    cells = [["" for _ in widths]]
    table = Table(cells, colWidths=widths, rowHeights=[3.2 * mm], hAlign="LEFT")
    commands = [("FONTNAME", (0, 0), (-1, -1), REGULAR),  # the embedded font, not Helvetica
                ("BACKGROUND", (0, 0), (-1, -1), TRACK)]
    if filled > 0.5:
        commands.append(("BACKGROUND", (0, 0), (0, 0), colour))
    table.setStyle(TableStyle(commands))
    return table


def _status_cell(item, today: date, s) -> Paragraph:
    text = label(item.status)
    if item.status in ("done", "skipped") and item.done_on:
        text = f"{text} {day(item.done_on)}"
    colour = None
    if item.overdue(today):
        text, colour = f"Overdue · {text}", POOR
    elif item.status == "done":
        colour = GOOD
    if item.status == "blocked" and item.blocked_reason:
        text += f"\n{item.blocked_reason}"
    cell = para(text, s.cell)
    if colour is not None:
        cell = Paragraph(f'<font color="#{colour.hexval()[2:]}">{cell.text}</font>', s.cell)
    return cell


def onboarding_status(ctx: SectionContext) -> list[Flowable]:
    s, pack = ctx.styles, ctx.pack
    doc = pack.extra.get(KEY) if pack is not None else None
    if not isinstance(doc, OnboardingDocument):
        return []
    today = ctx.generated_on
    total, finished = len(doc.items), doc.finished
    late = doc.overdue(today)
    started = doc.started_on  # None when the stored date cannot be read (store.lenient)
    if doc.status == "completed" and doc.completed_on and started:
        last = ("Onboarded in", f"{(doc.completed_on - started).days} days", GOOD)
    else:
        last = ("Expected completion", day(doc.expected_completion()), s.brand)
    since = str(max(0, (today - started).days)) if started else "–"
    tiles = [("Tasks finished", f"{finished} of {total}", s.brand),
             ("Days since start", since, s.brand),
             ("Overdue tasks", str(late), POOR if late else GOOD), last]
    story: list[Flowable] = [
        CondPageBreak(90 * mm), Paragraph("Onboarding status", s.h1),
        para(f"{ctx.plan.partner_name} started onboarding on {day(doc.started_on)}"
             + (f" ({doc.template})" if doc.template else "") + "."
             + (f" Completed on {day(doc.completed_on)}." if doc.completed_on else ""),
             s.body),
        kpi_tiles(tiles, s), Spacer(1, 3 * mm),
        progress_bar(finished, total, GOOD if doc.status == "completed" else s.brand),
        Spacer(1, 4 * mm)]
    if doc.items:
        rows = [[item.title + ("" if item.required else " (optional)"),
                 label(item.category),
                 # The pack speaks to the partner ("your tier", "assets you hold"), and
                 # its full legal name in a narrow column wraps every row to three lines.
                 ctx.branding.vendor_name if item.owner_side == "vendor" else "Your team",
                 day(item.due_on), _status_cell(item, today, s)] for item in doc.items]
        story += [Paragraph("Checklist", s.h2),
                  data_table(["Task", "Category", "Owner", "Due", "Status"], rows,
                             [CONTENT_W - 128 * mm, 28 * mm, 34 * mm, 24 * mm, 42 * mm], s)]
    story.append(Paragraph("Agreements", s.h2))
    if doc.agreements:
        rows = [[label(a.agreement_type), label(a.status), day(a.signed_on), day(a.expires_on)]
                for a in doc.agreements]
        story.append(data_table(["Agreement", "Status", "Signed", "Expires"], rows,
                                [CONTENT_W - 84 * mm, 24 * mm, 30 * mm, 30 * mm], s))
    else:
        story.append(para("No agreements recorded yet.", s.muted))
    return story


register_pack_extra(KEY, lambda partner_id, today, _period: onboarding_document(partner_id,
                                                                               today))
register_section(KEY, ORDER, {PACK}, onboarding_status)
