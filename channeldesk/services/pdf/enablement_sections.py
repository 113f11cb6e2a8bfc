"""The partner pack's "Certifications and assets": certified people against what the
partner's tier requires (who, in what, until when), and the assets the partner holds,
with those that have a newer version first."""

from __future__ import annotations

from datetime import date

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer

from channeldesk.domain.enablement import EXPIRING_SOON_DAYS, EnablementPack, version_label
from channeldesk.services.pdf.layout import CONTENT_W
from channeldesk.services.pdf.sections import PACK, SectionContext, register_section
from channeldesk.services.pdf.styles import GOOD, POOR
from channeldesk.services.pdf.tables import data_table, day, kpi_tiles, para
from channeldesk.services.plan_export import register_pack_extra
from channeldesk.store.enablement_lookups import pack_data
from channeldesk.store.models import Partner

KEY = "enablement"
SECTION_ORDER = 320


def load(partner_id: str, today: date, _period: object = None) -> EnablementPack | None:
    """The pack's data, read through the models' database (the one the export opened);
    certifications and shared assets are as of today, whatever the pack's period."""
    return pack_data(Partner._meta.database, partner_id, today)


def _pack_of(ctx: SectionContext) -> EnablementPack | None:
    # A pack loaded before this module was first imported lacks the extra: read it now.
    if KEY in ctx.pack.extra:
        return ctx.pack.extra[KEY]
    return load(ctx.plan.partner_id, ctx.generated_on)


def _until(expires_on: date | None, today: date) -> str:
    if expires_on is None:
        return "Does not expire"
    days = (expires_on - today).days
    return f"{day(expires_on)} (in {days} days)" if days <= EXPIRING_SOON_DAYS else \
        day(expires_on)


def _requirement(required: int) -> str:
    if not required:
        return "Your tier sets no certification requirement."
    return f"Your tier asks for {required} certified {'person' if required == 1 else 'people'}."


def _with_next(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}_with_next", parent=style, keepWithNext=1)


def _assets(count: int) -> str:
    return "1 asset has" if count == 1 else f"{count} assets have"


def certifications_and_assets(ctx: SectionContext) -> list[Flowable]:
    if ctx.pack is None:
        return []
    data = _pack_of(ctx)
    if data is None:
        return []
    s, today = ctx.styles, ctx.generated_on
    count = data.headcount
    tiles = [("Certified people", f"{count.certified} of {count.required}"
              if count.required else str(count.certified), GOOD if count.meets else POOR),
             ("Assets you hold", str(len(data.holdings)), s.brand),
             ("With a newer version", str(data.outdated), POOR if data.outdated else GOOD)]
    story: list[Flowable] = [
        CondPageBreak(110 * mm),  # the heading and its figures start where tables follow
        Paragraph("Certifications and assets", s.h1),
        para(f"Certified people and sales assets of {ctx.plan.partner_name} on "
             f"{day(today)}. {_requirement(count.required)}", s.body),
        kpi_tiles(tiles, s), Spacer(1, 4 * mm), Paragraph("Who is certified", s.h2)]
    if data.people:
        rows = [[p.name, p.course, day(p.certified_on), _until(p.expires_on, today)]
                for p in data.people]
        story.append(data_table(["Person", "Certification", "Since", "Valid until"], rows,
                                [42 * mm, CONTENT_W - 122 * mm, 30 * mm, 50 * mm], s))
    else:
        story.append(para("Nobody is certified yet. Your channel manager can enrol your team "
                          "on the next course.", s.muted))
    story.append(Paragraph("Sales and marketing assets", s.h2))
    if data.outdated:  # above the table: under it, the note can end up alone on a page
        story.append(para(f"{_assets(data.outdated)} a newer version: ask your channel "
                          "manager for the current copies.", _with_next(s.body)))
    if data.holdings:
        rows = [[h.title, version_label(h.held_version), version_label(h.current_version),
                 "Newer version available" if h.outdated else "Up to date",
                 day(h.last_shared_on)] for h in data.holdings]
        story.append(data_table(["Asset", "You have", "Current", "Status", "Received"], rows,
                                [CONTENT_W - 126 * mm, 20 * mm, 20 * mm, 50 * mm, 36 * mm], s))
    else:
        story.append(para("No assets have been shared yet.", s.muted))
    return story


register_pack_extra(KEY, load)
register_section("certifications_assets", SECTION_ORDER, {PACK}, certifications_and_assets)
